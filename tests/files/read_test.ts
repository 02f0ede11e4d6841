/**
 * The reader on plain folders (the same code reads a shadow copy): byte
 * ranges, streams, handles closed on end, error and cancel, aborts,
 * privileges. On Windows (the Wine lane) reads go through CreateFileW with
 * backup semantics and the privileges are enabled for real.
 */

import { assert, assertEquals, assertRejects } from "../assert.ts";
import { OperationAbortedError, VssLibraryError } from "../../mod.ts";
import {
  enableBackupPrivileges,
  openShadowFile,
  readShadowFile,
  ShadowFileError,
  streamShadowFile,
} from "../../requester/files/mod.ts";
import { extendedPath } from "../../requester/files/paths.ts";

const windows = Deno.build.os === "windows";
const sep = windows ? "\\" : "/";

async function scratch(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "vss-files-read-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** Bytes 0..n-1 as (i * 7) & 255: every range has distinct, checkable content. */
function pattern(n: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 7) & 255;
  return bytes;
}

async function collect(
  stream: ReadableStream<Uint8Array>,
): Promise<{ bytes: Uint8Array; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) bytes.set(p, (at += p.length) - p.length);
  return { bytes, chunks: parts.length };
}

/** Open descriptors (Linux) or handles (Windows) of this process, for leak checks; null when unknown. */
function openFds(): number | null {
  if (windows) {
    const k32 = Deno.dlopen("kernel32.dll", {
      GetCurrentProcess: { parameters: [], result: "pointer" },
      GetProcessHandleCount: { parameters: ["pointer", "buffer"], result: "i32" },
    });
    try {
      const count = new Uint32Array(1);
      const ok = k32.symbols.GetProcessHandleCount(k32.symbols.GetCurrentProcess(), count);
      return ok !== 0 && count[0] > 0 ? count[0] : null;
    } finally {
      k32.close();
    }
  }
  if (Deno.build.os !== "linux") return null;
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

Deno.test("ranges: whole file, offset, offset+length, past the end", async () => {
  await using s = await scratch();
  const path = `${s.dir}${sep}data.bin`;
  const data = pattern(300_000);
  await Deno.writeFile(path, data);
  assertEquals(await readShadowFile(path), data);
  assertEquals(await readShadowFile(path, { offset: 1000 }), data.slice(1000));
  assertEquals(
    await readShadowFile(path, { offset: 12_345, length: 100 }),
    data.slice(12_345, 12_445),
  );
  assertEquals(await readShadowFile(path, { offset: 299_990, length: 100 }), data.slice(299_990));
  assertEquals((await readShadowFile(path, { offset: 400_000 })).length, 0);
  await assertRejects(() => readShadowFile(path, { offset: -1 }), RangeError);
  await using file = await openShadowFile(path);
  assertEquals(file.size, 300_000);
  const page = new Uint8Array(4096);
  assertEquals(await file.read(page, 8192), 4096);
  assertEquals(page, data.slice(8192, 8192 + 4096));
  assertEquals(await file.read(page, 300_000), 0, "0 at the end of the file");
});

Deno.test("streams: chunks of the asked size, a range, the same bytes", async () => {
  await using s = await scratch();
  const path = `${s.dir}${sep}data.bin`;
  const data = pattern(1_000_003);
  await Deno.writeFile(path, data);
  const whole = await collect(streamShadowFile(path, { chunkSize: 65536 }));
  assertEquals(whole.bytes, data);
  assertEquals(whole.chunks, Math.ceil(data.length / 65536));
  const part = await collect(
    streamShadowFile(path, { offset: 70_000, length: 200_000, chunkSize: 65536 }),
  );
  assertEquals(part.bytes, data.slice(70_000, 270_000));
  assertEquals(part.chunks, 4);
  await using file = await openShadowFile(path);
  const fromFile = await collect(file.stream({ offset: 999_000 }));
  assertEquals(fromFile.bytes, data.slice(999_000));
  assertEquals(await file.read(new Uint8Array(3), 0), 3, "file.stream leaves the file open");
});

Deno.test("handles are closed at the end, on cancel, on abort and on error", async () => {
  await using s = await scratch();
  const path = `${s.dir}${sep}data.bin`;
  await Deno.writeFile(path, pattern(500_000));
  const before = openFds();
  await collect(streamShadowFile(path, { chunkSize: 1000 }));
  const reader = streamShadowFile(path, { chunkSize: 1000 }).getReader();
  await reader.read();
  await reader.cancel();
  const controller = new AbortController();
  let seen = 0;
  await assertRejects(async () => {
    for await (
      const chunk of streamShadowFile(path, { chunkSize: 1000, signal: controller.signal })
    ) {
      seen += chunk.length;
      if (seen >= 5000) controller.abort();
    }
  }, OperationAbortedError);
  assertEquals(seen, 5000, "no chunk after the abort");
  const missing = streamShadowFile(`${s.dir}${sep}missing.bin`);
  const error = await assertRejects(() => collect(missing), ShadowFileError);
  assert(error.notFound, `${error.code} means not found`);
  assert(error instanceof VssLibraryError);
  if (before !== null) assertEquals(openFds(), before, "no descriptor left open");
  if (windows) await Deno.remove(path); // an open handle would make this fail
});

Deno.test("a folder is refused with EISDIR; a missing file is a ShadowFileError with a hint", async () => {
  await using s = await scratch();
  const error = await assertRejects(() => openShadowFile(s.dir), ShadowFileError);
  assertEquals(error.code, "EISDIR");
  const missing = await assertRejects(() => readShadowFile(`${s.dir}${sep}nope`), ShadowFileError);
  assert(missing.notFound);
  assert(missing.hint !== null && missing.hint.includes("mapPath"));
});

Deno.test("extended-length paths on Windows; unchanged elsewhere", () => {
  assertEquals(extendedPath("C:/a/b", "windows"), "\\\\?\\C:\\a\\b");
  assertEquals(extendedPath("\\\\server\\share\\x", "windows"), "\\\\?\\UNC\\server\\share\\x");
  const device = "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\\x";
  assertEquals(extendedPath(device, "windows"), device);
  assertEquals(extendedPath("/tmp/x", "linux"), "/tmp/x");
});

Deno.test("privileges: enabled for real on Windows, a clear no-op elsewhere", () => {
  const result = enableBackupPrivileges({ security: true, require: false });
  if (windows) {
    assertEquals(result.supported, true);
    assert(
      result.enabled.includes("SeBackupPrivilege") || result.missing.includes("SeBackupPrivilege"),
      "SeBackupPrivilege is accounted for",
    );
    assertEquals(result.enabled.length + result.missing.length, 2);
  } else {
    assertEquals(result, {
      supported: false,
      enabled: [],
      missing: [],
      note:
        `${Deno.build.os} has no token privileges; files are read with the process's own access`,
    });
  }
});
