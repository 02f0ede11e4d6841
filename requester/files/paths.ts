/**
 * Path helpers of the reader: the `\\?\` form that lifts the 260-character
 * limit on Windows, joining with the platform's separator, and relative
 * paths with `/` for matching globs.
 *
 * @module
 */

import { backend } from "../../ffi/backend/mod.ts";

/** The separator of the platform (`\` on Windows, `/` elsewhere). */
export const SEP: "\\" | "/" = backend.os === "windows" ? "\\" : "/";

/**
 * The extended-length form of an absolute Windows path, so that paths longer
 * than 260 characters and names ending in dots or spaces open as they are:
 * `C:\x` → `\\?\C:\x`, `\\server\share\x` → `\\?\UNC\server\share\x`; paths
 * already in `\\?\` or `\\.\` form (shadow copy devices) are kept; forward
 * slashes become backslashes. Outside Windows the path is returned unchanged.
 *
 * @example
 * ```ts
 * import { extendedPath } from "./paths.ts";
 *
 * console.log(extendedPath("C:/data/app.db", "windows")); // \\?\C:\data\app.db
 * console.log(extendedPath("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\x", "windows"));
 * ```
 */
export function extendedPath(path: string, os: string = backend.os): string {
  if (os !== "windows") return path;
  if (path.startsWith("\\\\?\\") || path.startsWith("\\\\.\\")) return path;
  const p = path.replaceAll("/", "\\");
  if (p.startsWith("\\\\?\\") || p.startsWith("\\\\.\\")) return p;
  if (p.startsWith("\\\\")) return `\\\\?\\UNC\\${p.slice(2)}`;
  if (/^[A-Za-z]:\\/.test(p)) return `\\\\?\\${p}`;
  return p; // relative: left to the caller (resolve it first)
}

/**
 * `parent` and `name` joined with one separator.
 *
 * @example
 * ```ts
 * import { joinPath } from "./paths.ts";
 * console.log(joinPath("/snap/", "a.txt", "/")); // /snap/a.txt
 * ```
 */
export function joinPath(parent: string, name: string, sep: string = SEP): string {
  return parent.endsWith(sep) || parent.endsWith("/")
    ? `${parent}${name}`
    : `${parent}${sep}${name}`;
}

/**
 * The last component of a path (either separator); a drive root gives its
 * letter (`C:\` → `C`), so it can name a destination folder.
 *
 * @example
 * ```ts
 * import { baseName } from "./paths.ts";
 * console.log(baseName("C:\\data\\"), baseName("D:\\"), baseName("/tmp/x")); // data D x
 * ```
 */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const drive = /^(?:\\\\\?\\)?([A-Za-z]):$/.exec(trimmed);
  if (drive) return drive[1].toUpperCase();
  const at = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return trimmed.slice(at + 1);
}
