/**
 * Opening, reading and streaming files of a shadow copy. On Windows a file
 * is opened with CreateFileW and FILE_FLAG_BACKUP_SEMANTICS (with
 * SeBackupPrivilege enabled, ACLs do not stop the read) and read with
 * positioned ReadFile calls that run off the main thread; elsewhere (the
 * simulator's directory volumes) as plain files (see {@link ./local_file.ts}). Every handle is
 * closed when the stream ends, fails or is cancelled, and by `await using`.
 *
 * @module
 */

import { backend } from "../../ffi/backend/mod.ts";
import type { PointerValue } from "../../ffi/backend/types.ts";
import { INVALID_HANDLE_ADDRESS, LAYOUT, WIN32 } from "../../ffi/win32/kernel32.ts";
import { kernel32, kernel32Nonblocking, Win32Error } from "../../ffi/win32/load.ts";
import { wideString } from "../../ffi/wide_string.ts";
import { checkAborted } from "./abort.ts";
import { ShadowFileError } from "./errors.ts";
import { type LocalFile, openLocalFile } from "./local_file.ts";
import { extendedPath } from "./paths.ts";

/**
 * A byte range: `offset` (default 0) and at most `length` bytes (default: to the end).
 *
 * @example The second KiB of a file
 * ```ts
 * import type { ReadRange } from "./open.ts";
 * const range: ReadRange = { offset: 1024, length: 1024 };
 * console.log(range);
 * ```
 */
export interface ReadRange {
  /** First byte; default 0. */
  offset?: number;
  /** How many bytes at most; default: to the end of the file. */
  length?: number;
}

/**
 * Options of {@linkcode ShadowFile.stream} and {@linkcode streamShadowFile}.
 *
 * @example 256 KiB chunks, cancellable
 * ```ts
 * import type { StreamOptions } from "./open.ts";
 * const options: StreamOptions = { chunkSize: 256 * 1024, signal: AbortSignal.timeout(60_000) };
 * console.log(options.chunkSize);
 * ```
 */
export interface StreamOptions extends ReadRange {
  /** Bytes per chunk (and per native read); default {@linkcode DEFAULT_CHUNK_SIZE}. */
  chunkSize?: number;
  /** Ends the stream with an OperationAbortedError (the handle is closed). */
  signal?: AbortSignal;
}

/**
 * The default chunk size: 1 MiB. One ReadFile of this size runs off the
 * main thread on Windows; on a warm cache it takes well under a millisecond.
 *
 * @example
 * ```ts
 * import { DEFAULT_CHUNK_SIZE } from "./open.ts";
 * console.log(DEFAULT_CHUNK_SIZE); // 1048576
 * ```
 */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** The largest single native read (ReadFile takes a 32-bit count). */
const MAX_NATIVE_READ = 1 << 26;

/**
 * An open file of a shadow copy. Close it with `await using` or
 * {@linkcode ShadowFile.close}; a stream made by {@linkcode ShadowFile.stream}
 * leaves the file open (use {@linkcode streamShadowFile} for a stream that
 * owns its file).
 *
 * @example Read the first 512 bytes
 * ```ts ignore
 * import { openShadowFile } from "./open.ts";
 *
 * await using file = await openShadowFile(set.mapPath("C:\\data\\app.db"));
 * const header = new Uint8Array(512);
 * const n = await file.read(header, 0);
 * console.log(file.size, n);
 * ```
 */
export interface ShadowFile extends AsyncDisposable {
  /** The path it was opened by. */
  readonly path: string;
  /** Its size in bytes when opened. */
  readonly size: number;
  /** Reads up to `target.length` bytes at `position`; 0 at the end of the file. */
  read(target: Uint8Array, position: number): Promise<number>;
  /** The bytes of `range` as a stream (the file stays open). */
  stream(options?: StreamOptions): ReadableStream<Uint8Array>;
  /** Closes the handle (waits for a read in progress); a second call does nothing. */
  close(): Promise<void>;
}

/** What both implementations share: the checked stream over `read`. */
abstract class BaseFile implements ShadowFile {
  abstract readonly path: string;
  abstract readonly size: number;
  abstract read(target: Uint8Array, position: number): Promise<number>;
  abstract close(): Promise<void>;
  stream(options: StreamOptions = {}): ReadableStream<Uint8Array> {
    return rangeStream(() => Promise.resolve(this), options, false);
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class PosixFile extends BaseFile {
  readonly path: string;
  readonly size: number;
  #file: LocalFile | null;
  constructor(path: string, file: LocalFile) {
    super();
    this.path = path;
    this.#file = file;
    this.size = file.size;
  }
  async read(target: Uint8Array, position: number): Promise<number> {
    if (this.#file === null) throw closedError(this.path);
    try {
      return await this.#file.read(target, position);
    } catch (error) {
      throw ShadowFileError.from("read", this.path, error);
    }
  }
  async close(): Promise<void> {
    const file = this.#file;
    this.#file = null;
    await file?.close();
  }
}

class WindowsFile extends BaseFile {
  readonly path: string;
  readonly size: number;
  #handle: PointerValue;
  #pending: Promise<unknown> = Promise.resolve();
  constructor(path: string, handle: PointerValue, size: number) {
    super();
    this.path = path;
    this.#handle = handle;
    this.size = size;
  }
  read(target: Uint8Array, position: number): Promise<number> {
    const result = this.#pending.then(() => this.#read(target, position));
    this.#pending = result.catch(() => {});
    return result;
  }
  async #read(target: Uint8Array, position: number): Promise<number> {
    if (this.#handle === null) throw closedError(this.path);
    const count = Math.min(target.length, MAX_NATIVE_READ);
    if (count === 0) return 0;
    const done = new Uint32Array(1);
    const at = overlappedAt(position);
    const ok = await kernel32Nonblocking().ReadFile(
      this.#handle,
      backend.bufferPointer(target),
      count,
      backend.bufferPointer(done),
      backend.bufferPointer(at),
    );
    if (ok !== 0) return done[0];
    // The failure happened on another thread: read again here to learn why.
    const k32 = kernel32();
    if (k32.ReadFile(this.#handle, target.subarray(0, count), count, done, at) !== 0) {
      return done[0];
    }
    const code = k32.GetLastError();
    if (code === WIN32.ERROR_HANDLE_EOF) return 0;
    throw ShadowFileError.from("read", this.path, new Win32Error("ReadFile", code, this.path));
  }
  async close(): Promise<void> {
    await this.#pending;
    const handle = this.#handle;
    this.#handle = null;
    if (handle !== null) kernel32().CloseHandle(handle);
  }
}

/** An OVERLAPPED that carries only a file offset (a positioned read on a synchronous handle). */
function overlappedAt(position: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(LAYOUT.overlapped.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(LAYOUT.overlapped.offsetLow, position % 2 ** 32, true);
  view.setUint32(LAYOUT.overlapped.offsetHigh, Math.floor(position / 2 ** 32), true);
  return bytes;
}

function closedError(path: string): ShadowFileError {
  return new ShadowFileError("read", path, "EBADF", null);
}

function isDirectoryError(path: string): ShadowFileError {
  return new ShadowFileError("open", path, "EISDIR", null);
}

/**
 * Opens a handle with backup semantics (Windows): reads pass ACL checks when
 * SeBackupPrivilege is enabled. `flags` adds to FILE_FLAG_BACKUP_SEMANTICS.
 *
 * @example Open a folder's handle to read its attributes
 * ```ts ignore
 * import { openBackupHandle } from "./open.ts";
 * const handle = openBackupHandle("C:\\data", 0x80, 0);
 * ```
 */
export function openBackupHandle(path: string, access: number, flags: number): PointerValue {
  const k32 = kernel32();
  const handle = k32.CreateFileW(
    wideString(extendedPath(path), "path"),
    access,
    WIN32.FILE_SHARE_ALL,
    null,
    WIN32.OPEN_EXISTING,
    WIN32.FILE_FLAG_BACKUP_SEMANTICS | flags,
    null,
  );
  const address = backend.address(handle);
  if (address === INVALID_HANDLE_ADDRESS || address === 0n) {
    throw ShadowFileError.from(
      "open",
      path,
      new Win32Error("CreateFileW", k32.GetLastError(), path),
    );
  }
  return handle;
}

function openWindows(path: string): ShadowFile {
  const handle = openBackupHandle(path, WIN32.GENERIC_READ, WIN32.FILE_FLAG_SEQUENTIAL_SCAN);
  const k32 = kernel32();
  const info = new Uint8Array(LAYOUT.handleInfo.size);
  if (k32.GetFileInformationByHandle(handle, info) === 0) {
    const code = k32.GetLastError();
    k32.CloseHandle(handle);
    throw ShadowFileError.from("open", path, new Win32Error("GetFileInformationByHandle", code));
  }
  const view = new DataView(info.buffer);
  if (view.getUint32(LAYOUT.handleInfo.attributes, true) & WIN32.FILE_ATTRIBUTE_DIRECTORY) {
    k32.CloseHandle(handle);
    throw isDirectoryError(path);
  }
  const size = view.getUint32(LAYOUT.handleInfo.sizeHigh, true) * 2 ** 32 +
    view.getUint32(LAYOUT.handleInfo.sizeLow, true);
  return new WindowsFile(path, handle, size);
}

async function openOther(path: string): Promise<ShadowFile> {
  let file: LocalFile;
  try {
    file = await openLocalFile(path, "read");
  } catch (error) {
    throw ShadowFileError.from("open", path, error);
  }
  if (file.directory) {
    await file.close();
    throw isDirectoryError(path);
  }
  return new PosixFile(path, file);
}

/**
 * Opens a file of a shadow copy for reading (a path inside the snapshot, as
 * `set.mapPath` gives it). On Windows: CreateFileW with backup semantics and
 * the `\\?\` form of the path; elsewhere a plain open on the thread pool.
 * A folder is a {@linkcode ShadowFileError} with code `EISDIR`.
 *
 * @example Read a range of a file as it was at snapshot time
 * ```ts ignore
 * import { createShadowCopySet, openShadowFile } from "../../mod.ts";
 *
 * await using set = await createShadowCopySet(["C:\\"]);
 * await using file = await openShadowFile(set.mapPath("C:\\data\\app.db"));
 * const page = new Uint8Array(4096);
 * await file.read(page, 8192);
 * ```
 */
export async function openShadowFile(
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<ShadowFile> {
  checkAborted(options.signal, "openShadowFile");
  if (backend.os === "windows") return openWindows(path);
  return await openOther(path);
}

function checkRange(options: StreamOptions): { start: number; end: number; chunk: number } {
  const start = options.offset ?? 0;
  const chunk = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError(`offset must be a whole number of bytes >= 0, not ${start}`);
  }
  if (
    options.length !== undefined && (!Number.isSafeInteger(options.length) || options.length < 0)
  ) {
    throw new RangeError(`length must be a whole number of bytes >= 0, not ${options.length}`);
  }
  if (!Number.isSafeInteger(chunk) || chunk < 1 || chunk > MAX_NATIVE_READ) {
    throw new RangeError(`chunkSize must be between 1 and ${MAX_NATIVE_READ} bytes, not ${chunk}`);
  }
  const end = options.length === undefined ? Infinity : start + options.length;
  return { start, end, chunk };
}

/**
 * The stream of a range of the file `get` opens. `own`: the stream closes
 * the file when it ends, fails or is cancelled.
 */
function rangeStream(
  get: () => Promise<ShadowFile>,
  options: StreamOptions,
  own: boolean,
): ReadableStream<Uint8Array> {
  const { start, end, chunk } = checkRange(options);
  const signal = options.signal;
  let file: ShadowFile | null = null;
  let position = start;
  const release = async () => {
    const f = file;
    file = null;
    if (own) await f?.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        checkAborted(signal, "stream");
        file ??= await get();
        const want = Math.max(0, Math.min(chunk, end - position));
        const buffer = new Uint8Array(want);
        const bytes = want === 0 ? 0 : await file.read(buffer, position);
        checkAborted(signal, "stream");
        if (bytes === 0) {
          await release();
          controller.close();
          return;
        }
        controller.enqueue(bytes === want ? buffer : buffer.slice(0, bytes));
        position += bytes;
      } catch (error) {
        await release().catch(() => {});
        throw error;
      }
    },
    cancel: release,
  }, { highWaterMark: 0 });
}

/**
 * A stream of a file of a shadow copy (or of a range of it) that owns its
 * handle: opened at the first read, closed when the stream ends, fails, is
 * cancelled or `signal` aborts.
 *
 * @example Hash a file of the snapshot without holding it in memory
 * ```ts ignore
 * import { streamShadowFile } from "./open.ts";
 *
 * let total = 0;
 * for await (const chunk of streamShadowFile(set.mapPath("C:\\data\\big.vhdx"))) {
 *   total += chunk.length;
 * }
 * ```
 */
export function streamShadowFile(
  path: string,
  options: StreamOptions = {},
): ReadableStream<Uint8Array> {
  return rangeStream(() => openShadowFile(path, { signal: options.signal }), options, true);
}

/**
 * Reads a file of a shadow copy (or a range of it) into memory.
 *
 * @example The last 16 bytes of a file
 * ```ts ignore
 * import { readShadowFile } from "./open.ts";
 *
 * const tail = await readShadowFile(path, { offset: size - 16 });
 * ```
 */
export async function readShadowFile(
  path: string,
  options: ReadRange & { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const { start, end } = checkRange(options);
  await using file = await openShadowFile(path, options);
  const length = Math.max(0, Math.min(end, file.size) - start);
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    checkAborted(options.signal, "readShadowFile");
    const n = await file.read(
      out.subarray(filled, Math.min(length, filled + DEFAULT_CHUNK_SIZE * 8)),
      start + filled,
    );
    if (n === 0) break;
    filled += n;
  }
  return filled === length ? out : out.slice(0, filled);
}
