/**
 * The kernel32 functions the file reader and the privilege code call, as FFI
 * signature tables (`as const satisfies ForeignLibraryInterface`), with the
 * constants and struct layouts (Windows x64) they need. Loaded through
 * {@link ./load.ts}, by absolute path from the system directory.
 *
 * @module
 */

import type { ForeignLibraryInterface } from "../backend/types.ts";

/**
 * kernel32 functions called on the calling thread (their failures are read
 * with `GetLastError` right after the call, on the same thread).
 *
 * @example The signature of CreateFileW
 * ```ts
 * import { KERNEL32_SYMBOLS } from "./kernel32.ts";
 *
 * const { parameters, result } = KERNEL32_SYMBOLS.CreateFileW;
 * console.log(`${result} CreateFileW(${parameters.join(", ")})`);
 * ```
 */
export const KERNEL32_SYMBOLS = {
  GetSystemDirectoryW: { parameters: ["buffer", "u32"], result: "u32" },
  GetLastError: { parameters: [], result: "u32" },
  GetCurrentProcess: { parameters: [], result: "pointer" },
  CloseHandle: { parameters: ["pointer"], result: "i32" },
  CreateFileW: {
    parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "pointer"],
    result: "pointer",
  },
  ReadFile: { parameters: ["pointer", "buffer", "u32", "buffer", "buffer"], result: "i32" },
  GetFileInformationByHandle: { parameters: ["pointer", "buffer"], result: "i32" },
  GetFileInformationByHandleEx: {
    parameters: ["pointer", "i32", "buffer", "u32"],
    result: "i32",
  },
  FindFirstFileExW: {
    parameters: ["buffer", "i32", "buffer", "i32", "pointer", "u32"],
    result: "pointer",
  },
  FindNextFileW: { parameters: ["pointer", "buffer"], result: "i32" },
  FindClose: { parameters: ["pointer"], result: "i32" },
  FindFirstStreamW: { parameters: ["buffer", "i32", "buffer", "u32"], result: "pointer" },
  FindNextStreamW: { parameters: ["pointer", "buffer"], result: "i32" },
  GetVolumePathNameW: { parameters: ["buffer", "buffer", "u32"], result: "i32" },
  SetFileTime: { parameters: ["pointer", "buffer", "buffer", "buffer"], result: "i32" },
  SetFileAttributesW: { parameters: ["buffer", "u32"], result: "i32" },
} as const satisfies ForeignLibraryInterface;

/**
 * kernel32 functions run on another thread (the call returns a promise), so
 * a long read never holds up the event loop. `ReadFile` here takes its
 * buffers as pointers; a failure is looked at again with a synchronous call.
 *
 * @example Read 64 KiB at offset 0 without blocking
 * ```ts ignore
 * import { kernel32Nonblocking } from "./load.ts";
 *
 * declare const handle: Deno.PointerObject;
 * declare const target: Deno.PointerObject, done: Deno.PointerObject, at: Deno.PointerObject;
 * const ok = await kernel32Nonblocking().ReadFile(handle, target, 65536, done, at);
 * ```
 */
export const KERNEL32_NONBLOCKING_SYMBOLS = {
  ReadFile: {
    parameters: ["pointer", "pointer", "u32", "pointer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
} as const satisfies ForeignLibraryInterface;

/**
 * Win32 constants used with {@linkcode KERNEL32_SYMBOLS} (access rights,
 * share modes, creation flags, attributes, reparse tags, error codes).
 *
 * @example Open flags for a backup read
 * ```ts
 * import { WIN32 } from "./kernel32.ts";
 *
 * const flags = WIN32.FILE_FLAG_BACKUP_SEMANTICS | WIN32.FILE_FLAG_SEQUENTIAL_SCAN;
 * console.log(flags.toString(16)); // a000000
 * ```
 */
export const WIN32 = {
  GENERIC_READ: 0x80000000,
  FILE_READ_ATTRIBUTES: 0x80,
  FILE_WRITE_ATTRIBUTES: 0x100,
  FILE_SHARE_ALL: 0x7,
  OPEN_EXISTING: 3,
  FILE_FLAG_BACKUP_SEMANTICS: 0x02000000,
  FILE_FLAG_SEQUENTIAL_SCAN: 0x08000000,
  FILE_FLAG_OPEN_REPARSE_POINT: 0x00200000,
  FILE_ATTRIBUTE_READONLY: 0x1,
  FILE_ATTRIBUTE_HIDDEN: 0x2,
  FILE_ATTRIBUTE_SYSTEM: 0x4,
  FILE_ATTRIBUTE_DIRECTORY: 0x10,
  FILE_ATTRIBUTE_ARCHIVE: 0x20,
  FILE_ATTRIBUTE_NORMAL: 0x80,
  FILE_ATTRIBUTE_TEMPORARY: 0x100,
  FILE_ATTRIBUTE_REPARSE_POINT: 0x400,
  FILE_ATTRIBUTE_NOT_CONTENT_INDEXED: 0x2000,
  IO_REPARSE_TAG_MOUNT_POINT: 0xA0000003,
  IO_REPARSE_TAG_SYMLINK: 0xA000000C,
  /** Reparse tags with this bit name another file (links); others carry data. */
  REPARSE_TAG_NAME_SURROGATE: 0x20000000,
  FIND_EX_INFO_BASIC: 1,
  FIND_EX_SEARCH_NAME_MATCH: 0,
  FIND_FIRST_EX_LARGE_FETCH: 2,
  FIND_STREAM_INFO_STANDARD: 0,
  FILE_ATTRIBUTE_TAG_INFO: 9,
  ERROR_FILE_NOT_FOUND: 2,
  ERROR_PATH_NOT_FOUND: 3,
  ERROR_ACCESS_DENIED: 5,
  ERROR_NO_MORE_FILES: 18,
  ERROR_SHARING_VIOLATION: 32,
  ERROR_HANDLE_EOF: 38,
  ERROR_NOT_SUPPORTED: 50,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_CALL_NOT_IMPLEMENTED: 120,
  ERROR_INVALID_NAME: 123,
  ERROR_NOT_ALL_ASSIGNED: 1300,
  ERROR_NO_SUCH_PRIVILEGE: 1313,
  ERROR_PRIVILEGE_NOT_HELD: 1314,
} as const;

/** The value CreateFileW and FindFirst* return on failure (all bits set). */
export const INVALID_HANDLE_ADDRESS = 0xFFFF_FFFF_FFFF_FFFFn;

/**
 * Byte offsets of the Win32 structs the reader decodes (Windows x64).
 *
 * @example Read the attributes of a WIN32_FIND_DATAW
 * ```ts
 * import { LAYOUT } from "./kernel32.ts";
 *
 * const data = new DataView(new ArrayBuffer(LAYOUT.findData.size));
 * console.log(data.getUint32(LAYOUT.findData.attributes, true)); // 0
 * ```
 */
export const LAYOUT = {
  /** WIN32_FIND_DATAW. */
  findData: {
    size: 592,
    attributes: 0,
    creation: 4,
    access: 12,
    write: 20,
    sizeHigh: 28,
    sizeLow: 32,
    reparseTag: 36,
    name: 44,
    nameUnits: 260,
  },
  /** WIN32_FIND_STREAM_DATA. */
  streamData: { size: 600, streamSize: 0, name: 8, nameUnits: 296 },
  /** BY_HANDLE_FILE_INFORMATION. */
  handleInfo: {
    size: 52,
    attributes: 0,
    creation: 4,
    access: 12,
    write: 20,
    sizeHigh: 32,
    sizeLow: 36,
    links: 40,
  },
  /** FILE_ATTRIBUTE_TAG_INFO. */
  tagInfo: { size: 8, attributes: 0, reparseTag: 4 },
  /** OVERLAPPED (only the offset is set: a positioned read on a synchronous handle). */
  overlapped: { size: 32, offsetLow: 16, offsetHigh: 20 },
} as const;

/** 100-ns intervals between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFFERENCE = 116444736000000000n;

/**
 * A FILETIME (little-endian, at `offset` of `view`) as a Date; null for 0.
 *
 * @example
 * ```ts
 * import { dateFromFiletime } from "./kernel32.ts";
 *
 * const view = new DataView(new ArrayBuffer(8));
 * view.setBigUint64(0, 116444736000000000n, true);
 * console.log(dateFromFiletime(view, 0)?.toISOString()); // 1970-01-01T00:00:00.000Z
 * ```
 */
export function dateFromFiletime(view: DataView, offset: number): Date | null {
  const ticks = view.getBigUint64(offset, true);
  if (ticks === 0n) return null;
  return new Date(Number((ticks - EPOCH_DIFFERENCE) / 10000n));
}

/**
 * A FILETIME's 8 bytes for a time in milliseconds since 1970 (fractions of a
 * millisecond kept to 100 ns).
 *
 * @example
 * ```ts
 * import { filetimeBytes } from "./kernel32.ts";
 *
 * const bytes = filetimeBytes(0);
 * console.log(new DataView(bytes.buffer).getBigUint64(0, true)); // 116444736000000000n
 * ```
 */
export function filetimeBytes(ms: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8);
  const ticks = BigInt(Math.round(ms * 10000)) + EPOCH_DIFFERENCE;
  new DataView(bytes.buffer).setBigUint64(0, ticks, true);
  return bytes;
}
