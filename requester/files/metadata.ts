/**
 * What a copy keeps besides the bytes: times, and the Windows attributes or
 * the POSIX permission bits; and opening a destination file that an earlier
 * copy left read-only.
 *
 * @module
 */

import { chmod, utimes } from "node:fs/promises";
import { backend } from "../../ffi/backend/mod.ts";
import { filetimeBytes, WIN32 } from "../../ffi/win32/kernel32.ts";
import { kernel32 } from "../../ffi/win32/load.ts";
import { wideString } from "../../ffi/wide_string.ts";
import { isAccessDeniedCode, ShadowFileError } from "./errors.ts";
import { type LocalFile, openLocalFile } from "./local_file.ts";
import { openBackupHandle } from "./open.ts";
import { extendedPath } from "./paths.ts";
import type { ShadowEntry } from "./walk.ts";

const windows = backend.os === "windows";

/** Sets a Windows file's three times and its attributes (read-only, hidden, system, archive...). */
function setWindowsMetadata(entry: ShadowEntry, dest: string): void {
  const k32 = kernel32();
  const handle = openBackupHandle(
    dest,
    WIN32.FILE_WRITE_ATTRIBUTES,
    WIN32.FILE_FLAG_OPEN_REPARSE_POINT,
  );
  const ft = (d: Date | null) => (d === null ? null : filetimeBytes(d.getTime()));
  try {
    k32.SetFileTime(handle, ft(entry.birthtime), ft(entry.atime), ft(entry.mtime));
  } finally {
    k32.CloseHandle(handle);
  }
  const keep = WIN32.FILE_ATTRIBUTE_READONLY | WIN32.FILE_ATTRIBUTE_HIDDEN |
    WIN32.FILE_ATTRIBUTE_SYSTEM | WIN32.FILE_ATTRIBUTE_ARCHIVE |
    WIN32.FILE_ATTRIBUTE_NOT_CONTENT_INDEXED | WIN32.FILE_ATTRIBUTE_TEMPORARY;
  const attributes = (entry.attributes ?? 0) & keep;
  k32.SetFileAttributesW(
    wideString(extendedPath(dest), "path"),
    attributes || WIN32.FILE_ATTRIBUTE_NORMAL,
  );
}

/**
 * Gives `dest` the entry's times and attributes (Windows) or permission bits
 * (elsewhere, with the owner's write bit kept).
 *
 * @example
 * ```ts ignore
 * await applyMetadata(entry, "/backup/data/a.txt");
 * ```
 */
export async function applyMetadata(entry: ShadowEntry, dest: string): Promise<void> {
  try {
    if (windows) return setWindowsMetadata(entry, dest);
    if (entry.mode !== null) {
      // Owner write stays on, so the next incremental copy can update the file.
      await chmod(dest, (entry.mode & 0o7777) | (entry.kind === "directory" ? 0o700 : 0o200));
    }
    if (entry.mtime !== null) await utimes(dest, entry.atime ?? entry.mtime, entry.mtime);
  } catch (error) {
    throw ShadowFileError.from("set the times of", dest, error);
  }
}

/**
 * Opens `dest` for writing (truncated), clearing a read-only attribute left
 * by an earlier copy on Windows.
 *
 * @example
 * ```ts ignore
 * await using target = await openTarget("E:\\backup\\a.txt");
 * ```
 */
export async function openTarget(dest: string): Promise<LocalFile> {
  try {
    return await openLocalFile(dest, "write");
  } catch (error) {
    const { code, name } = error as { code?: string; name?: string };
    if (!windows || !(isAccessDeniedCode(code) || isAccessDeniedCode(name))) throw error;
    kernel32().SetFileAttributesW(
      wideString(extendedPath(dest), "path"),
      WIN32.FILE_ATTRIBUTE_NORMAL,
    );
    return await openLocalFile(dest, "write");
  }
}
