/**
 * Plain files of the local file system, for reading a simulated shadow copy
 * and for writing copies, with every open, read and write on the runtime's
 * thread pool: `Deno.FsFile` under Deno (Deno's node:fs `FileHandle` makes
 * these calls on the main thread: one 512 MiB write held the event loop for
 * about a second), node:fs/promises (libuv's pool) under Node. Calls on one
 * file run one after another, in the order made.
 *
 * @module
 */

import { open as openNode } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { backend } from "../../ffi/backend/mod.ts";

/**
 * An open local file. Close it with `await using` or {@linkcode LocalFile.close}.
 *
 * @example Append two chunks to a new file
 * ```ts
 * import { openLocalFile } from "./local_file.ts";
 *
 * const path = await Deno.makeTempFile();
 * {
 *   await using file = await openLocalFile(path, "write");
 *   await file.write(new TextEncoder().encode("shadow "));
 *   await file.write(new TextEncoder().encode("copy"));
 * }
 * console.log(await Deno.readTextFile(path)); // shadow copy
 * await Deno.remove(path);
 * ```
 */
export interface LocalFile extends AsyncDisposable {
  /** Its size in bytes when opened (0 for a file opened to write). */
  readonly size: number;
  /** Whether the path named a folder (opened to read only). */
  readonly directory: boolean;
  /** Reads up to `target.length` bytes at `position`; 0 at the end of the file. */
  read(target: Uint8Array, position: number): Promise<number>;
  /** Writes all of `bytes` after what was written before. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the file after the calls in progress; a second call does nothing. */
  close(): Promise<void>;
}

/** `read`: an existing file or folder; `write`: created or truncated. */
export type LocalFileMode = "read" | "write";

/** Runs calls one after another: positioned reads on Deno move one shared file offset. */
class Queue {
  #last: Promise<unknown> = Promise.resolve();
  run<T>(call: () => Promise<T>): Promise<T> {
    const result = this.#last.then(call);
    this.#last = result.catch(() => {});
    return result;
  }
}

function closedError(): Error {
  return Object.assign(new Error("the file is closed"), { code: "EBADF" });
}

/** A write that wrote nothing would loop for ever: it is an error instead. */
function wrote(count: number): number {
  if (count > 0) return count;
  throw Object.assign(new Error("the file system accepted no bytes"), { code: "EIO" });
}

class DenoFile implements LocalFile {
  readonly #queue = new Queue();
  #file: Deno.FsFile | null;
  #position = 0;
  constructor(file: Deno.FsFile, readonly size: number, readonly directory: boolean) {
    this.#file = file;
  }
  #open(): Deno.FsFile {
    if (this.#file === null) throw closedError();
    return this.#file;
  }
  read(target: Uint8Array, position: number): Promise<number> {
    return this.#queue.run(async () => {
      const file = this.#open();
      if (position !== this.#position) {
        this.#position = await file.seek(position, Deno.SeekMode.Start);
      }
      const n = target.length === 0 ? 0 : (await file.read(target)) ?? 0;
      this.#position += n;
      return n;
    });
  }
  write(bytes: Uint8Array): Promise<void> {
    return this.#queue.run(async () => {
      const file = this.#open();
      for (let done = 0; done < bytes.length;) {
        done += wrote(await file.write(bytes.subarray(done)));
      }
      this.#position += bytes.length;
    });
  }
  close(): Promise<void> {
    return this.#queue.run(() => {
      this.#file?.close();
      this.#file = null;
      return Promise.resolve();
    });
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class NodeFile implements LocalFile {
  readonly #queue = new Queue();
  #handle: FileHandle | null;
  #end = 0;
  constructor(handle: FileHandle, readonly size: number, readonly directory: boolean) {
    this.#handle = handle;
  }
  read(target: Uint8Array, position: number): Promise<number> {
    return this.#queue.run(async () => {
      if (this.#handle === null) throw closedError();
      return (await this.#handle.read(target, 0, target.length, position)).bytesRead;
    });
  }
  write(bytes: Uint8Array): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#handle === null) throw closedError();
      for (let done = 0; done < bytes.length;) {
        const r = await this.#handle.write(bytes, done, bytes.length - done, this.#end);
        done += wrote(r.bytesWritten);
        this.#end += r.bytesWritten;
      }
    });
  }
  close(): Promise<void> {
    return this.#queue.run(async () => {
      const handle = this.#handle;
      this.#handle = null;
      await handle?.close();
    });
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function openDeno(path: string, mode: LocalFileMode): Promise<LocalFile> {
  const file = await Deno.open(
    path,
    mode === "read" ? { read: true } : { write: true, create: true, truncate: true },
  );
  if (mode === "write") return new DenoFile(file, 0, false);
  try {
    const info = await file.stat();
    return new DenoFile(file, info.size, info.isDirectory);
  } catch (error) {
    file.close();
    throw error;
  }
}

async function openNodeFile(path: string, mode: LocalFileMode): Promise<LocalFile> {
  const handle = await openNode(path, mode === "read" ? "r" : "w");
  if (mode === "write") return new NodeFile(handle, 0, false);
  try {
    const info = await handle.stat();
    return new NodeFile(handle, info.size, info.isDirectory());
  } catch (error) {
    await handle.close();
    throw error;
  }
}

const underDeno = backend.runtime === "deno";

/**
 * Opens a local file to read (an existing file or folder) or to write
 * (created, or truncated). Errors are the runtime's own, with their `code`
 * (`ENOENT`, `EACCES`, ...): callers wrap them in `ShadowFileError`.
 *
 * @example Read the first bytes of a file
 * ```ts
 * import { openLocalFile } from "./local_file.ts";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "volume");
 * await using file = await openLocalFile(path, "read");
 * const head = new Uint8Array(3);
 * await file.read(head, 0);
 * console.log(file.size, new TextDecoder().decode(head)); // 6 vol
 * ```
 */
export function openLocalFile(path: string, mode: LocalFileMode): Promise<LocalFile> {
  return underDeno ? openDeno(path, mode) : openNodeFile(path, mode);
}
