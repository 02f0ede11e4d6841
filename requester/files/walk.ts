/**
 * Walking a tree inside a shadow copy: every entry with its kind, size,
 * times and attributes; symbolic links and junctions are reported with
 * their targets and never followed; long paths and any Unicode names work
 * (`\\?\` paths and the UTF-16 find API on Windows); alternate data streams
 * are listed on request (Windows).
 *
 * @module
 */

import { lstat, readdir, readlink } from "node:fs/promises";
import type { Stats } from "node:fs";
import { backend } from "../../ffi/backend/mod.ts";
import type { PointerValue } from "../../ffi/backend/types.ts";
import {
  dateFromFiletime,
  INVALID_HANDLE_ADDRESS,
  LAYOUT,
  WIN32,
} from "../../ffi/win32/kernel32.ts";
import { kernel32, Win32Error } from "../../ffi/win32/load.ts";
import { decodeUnits, wideString } from "../../ffi/wide_string.ts";
import { checkAborted } from "./abort.ts";
import { ShadowFileError } from "./errors.ts";
import { openBackupHandle } from "./open.ts";
import { extendedPath, joinPath, SEP } from "./paths.ts";

/**
 * What an entry is. `symlink` and `junction` are links (never followed);
 * `other` is a socket, pipe or device.
 *
 * @example
 * ```ts
 * import type { EntryKind } from "./walk.ts";
 * const isLink = (kind: EntryKind) => kind === "symlink" || kind === "junction";
 * console.log(isLink("junction")); // true
 * ```
 */
export type EntryKind = "file" | "directory" | "symlink" | "junction" | "other";

/**
 * A named (alternate) data stream of a file: its name as Windows lists it
 * (`:Zone.Identifier:$DATA`) and its size. Open it as `path + name`.
 *
 * @example
 * ```ts
 * import type { StreamInfo } from "./walk.ts";
 * const zone: StreamInfo = { name: ":Zone.Identifier:$DATA", size: 26 };
 * console.log(zone.name.split(":")[1]); // Zone.Identifier
 * ```
 */
export interface StreamInfo {
  /** `:NAME:$TYPE`. */
  name: string;
  /** Bytes. */
  size: number;
}

/**
 * One entry of a walk, or of {@linkcode statShadowPath}.
 *
 * @example Print an entry like `ls -l`
 * ```ts
 * import type { ShadowEntry } from "./walk.ts";
 *
 * const line = (e: ShadowEntry) =>
 *   `${e.kind.padEnd(9)} ${String(e.size).padStart(10)} ${e.mtime?.toISOString() ?? "-"} ${e.relativePath}` +
 *   (e.linkTarget === null ? "" : ` -> ${e.linkTarget}`);
 * ```
 */
export interface ShadowEntry {
  /** Full path (inside the snapshot). */
  path: string;
  /** Path relative to the walk's root, with the platform's separator ("" for the root). */
  relativePath: string;
  /** The last component. */
  name: string;
  /** What it is. */
  kind: EntryKind;
  /** Bytes (0 for folders and links). */
  size: number;
  /** Last modification. */
  mtime: Date | null;
  /** Last access. */
  atime: Date | null;
  /** Creation, where the file system records it. */
  birthtime: Date | null;
  /** FILE_ATTRIBUTE_* bits (Windows), else null. */
  attributes: number | null;
  /** POSIX mode bits (permissions and type), else null. */
  mode: number | null;
  /** A link's target as stored (not resolved); null for other kinds or when unreadable. */
  linkTarget: string | null;
  /** The reparse tag of a reparse point (Windows), else null. */
  reparseTag: number | null;
  /** Named data streams (Windows, with `streams: true`); null where they cannot be listed. */
  streams?: StreamInfo[] | null;
}

/**
 * Options of {@linkcode walkShadowTree}.
 *
 * @example Skip `node_modules` folders and list streams
 * ```ts
 * import type { WalkOptions } from "./walk.ts";
 * const options: WalkOptions = { streams: true, filter: (e) => e.name !== "node_modules" };
 * console.log(typeof options.filter);
 * ```
 */
export interface WalkOptions {
  /** Stops the walk with an OperationAbortedError. */
  signal?: AbortSignal;
  /** List each file's named data streams (Windows). Default false. */
  streams?: boolean;
  /** Return false to leave an entry out (a folder: with everything below it). */
  filter?: (entry: ShadowEntry) => boolean;
}

const windows = backend.os === "windows";

function kindFromAttributes(attributes: number, tag: number): EntryKind {
  if (
    (attributes & WIN32.FILE_ATTRIBUTE_REPARSE_POINT) && (tag & WIN32.REPARSE_TAG_NAME_SURROGATE)
  ) {
    return tag === WIN32.IO_REPARSE_TAG_MOUNT_POINT ? "junction" : "symlink";
  }
  return attributes & WIN32.FILE_ATTRIBUTE_DIRECTORY ? "directory" : "file";
}

async function linkTargetOf(path: string): Promise<string | null> {
  try {
    return await readlink(path);
  } catch {
    return null;
  }
}

/** Decodes one WIN32_FIND_DATAW. */
function fromFindData(view: DataView, units: Uint16Array, dir: string, relDir: string) {
  const L = LAYOUT.findData;
  const nameUnits = units.subarray(L.name / 2, L.name / 2 + L.nameUnits);
  const end = nameUnits.indexOf(0);
  const name = decodeUnits(end < 0 ? nameUnits : nameUnits.subarray(0, end));
  const attributes = view.getUint32(L.attributes, true);
  const reparse = attributes & WIN32.FILE_ATTRIBUTE_REPARSE_POINT;
  const tag = reparse ? view.getUint32(L.reparseTag, true) : 0;
  const kind = kindFromAttributes(attributes, tag);
  const entry: ShadowEntry = {
    path: joinPath(dir, name),
    relativePath: relDir === "" ? name : `${relDir}${SEP}${name}`,
    name,
    kind,
    size: kind === "file"
      ? view.getUint32(L.sizeHigh, true) * 2 ** 32 + view.getUint32(L.sizeLow, true)
      : 0,
    mtime: dateFromFiletime(view, L.write),
    atime: dateFromFiletime(view, L.access),
    birthtime: dateFromFiletime(view, L.creation),
    attributes,
    mode: null,
    linkTarget: null,
    reparseTag: reparse ? tag : null,
  };
  return entry;
}

/** The entries of a folder through FindFirstFileExW / FindNextFileW (Windows). */
function listWindows(dir: string, relDir: string): ShadowEntry[] {
  const k32 = kernel32();
  const data = new Uint8Array(LAYOUT.findData.size);
  const view = new DataView(data.buffer);
  const units = new Uint16Array(data.buffer);
  const pattern = wideString(extendedPath(joinPath(dir, "*")), "path");
  const find = k32.FindFirstFileExW(
    pattern,
    WIN32.FIND_EX_INFO_BASIC,
    data,
    WIN32.FIND_EX_SEARCH_NAME_MATCH,
    null,
    WIN32.FIND_FIRST_EX_LARGE_FETCH,
  );
  if (backend.address(find) === INVALID_HANDLE_ADDRESS) {
    const code = k32.GetLastError();
    if (code === WIN32.ERROR_FILE_NOT_FOUND) return [];
    throw ShadowFileError.from("list", dir, new Win32Error("FindFirstFileExW", code, dir));
  }
  const out: ShadowEntry[] = [];
  try {
    for (;;) {
      const entry = fromFindData(view, units, dir, relDir);
      if (entry.name !== "." && entry.name !== "..") out.push(entry);
      if (k32.FindNextFileW(find, data) === 0) {
        const code = k32.GetLastError();
        if (code === WIN32.ERROR_NO_MORE_FILES) break;
        throw ShadowFileError.from("list", dir, new Win32Error("FindNextFileW", code, dir));
      }
    }
  } finally {
    k32.FindClose(find);
  }
  return out;
}

function dateOf(ms: number): Date | null {
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : null;
}

function fromStats(path: string, relativePath: string, name: string, s: Stats): ShadowEntry {
  const kind: EntryKind = s.isSymbolicLink()
    ? "symlink"
    : s.isDirectory()
    ? "directory"
    : s.isFile()
    ? "file"
    : "other";
  return {
    path,
    relativePath,
    name,
    kind,
    size: kind === "file" ? s.size : 0,
    mtime: dateOf(s.mtimeMs),
    atime: dateOf(s.atimeMs),
    birthtime: dateOf(s.birthtimeMs),
    attributes: null,
    mode: s.mode,
    linkTarget: null,
    reparseTag: null,
  };
}

/** The entries of a folder through node:fs (outside Windows). */
async function listPosix(dir: string, relDir: string): Promise<ShadowEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw ShadowFileError.from("list", dir, error);
  }
  return await Promise.all(names.map(async (name) => {
    const path = joinPath(dir, name);
    try {
      return fromStats(
        path,
        relDir === "" ? name : `${relDir}${SEP}${name}`,
        name,
        await lstat(path),
      );
    } catch (error) {
      throw ShadowFileError.from("stat", path, error);
    }
  }));
}

/**
 * The named data streams of a file (Windows: FindFirstStreamW /
 * FindNextStreamW; the unnamed main stream `::$DATA` is left out). Null when
 * the platform or file system cannot list streams.
 *
 * @example
 * ```ts ignore
 * import { listStreams } from "./walk.ts";
 * for (const s of (await listStreams(path)) ?? []) console.log(s.name, s.size);
 * ```
 */
export function listStreams(path: string): Promise<StreamInfo[] | null> {
  if (!windows) return Promise.resolve(null);
  const k32 = kernel32();
  const L = LAYOUT.streamData;
  const data = new Uint8Array(L.size);
  const view = new DataView(data.buffer);
  const units = new Uint16Array(data.buffer, L.name, L.nameUnits);
  const find = k32.FindFirstStreamW(
    wideString(extendedPath(path), "path"),
    WIN32.FIND_STREAM_INFO_STANDARD,
    data,
    0,
  );
  if (backend.address(find) === INVALID_HANDLE_ADDRESS) {
    const code = k32.GetLastError();
    if (code === WIN32.ERROR_HANDLE_EOF) return Promise.resolve([]);
    if (
      code === WIN32.ERROR_CALL_NOT_IMPLEMENTED || code === WIN32.ERROR_NOT_SUPPORTED ||
      code === WIN32.ERROR_INVALID_PARAMETER
    ) return Promise.resolve(null);
    return Promise.reject(
      ShadowFileError.from("list streams of", path, new Win32Error("FindFirstStreamW", code, path)),
    );
  }
  const out: StreamInfo[] = [];
  try {
    do {
      const end = units.indexOf(0);
      const name = decodeUnits(end < 0 ? units : units.subarray(0, end));
      if (name !== "::$DATA") {
        out.push({ name, size: Number(view.getBigInt64(L.streamSize, true)) });
      }
    } while (k32.FindNextStreamW(find, data) !== 0);
  } finally {
    k32.FindClose(find);
  }
  return Promise.resolve(out);
}

function statWindows(path: string): ShadowEntry {
  const handle: PointerValue = openBackupHandle(
    path,
    WIN32.FILE_READ_ATTRIBUTES,
    WIN32.FILE_FLAG_OPEN_REPARSE_POINT,
  );
  const k32 = kernel32();
  try {
    const info = new Uint8Array(LAYOUT.handleInfo.size);
    const tag = new Uint32Array(2);
    if (k32.GetFileInformationByHandle(handle, info) === 0) {
      throw new Win32Error("GetFileInformationByHandle", k32.GetLastError(), path);
    }
    const view = new DataView(info.buffer);
    const H = LAYOUT.handleInfo;
    const attributes = view.getUint32(H.attributes, true);
    const reparse = attributes & WIN32.FILE_ATTRIBUTE_REPARSE_POINT;
    if (
      reparse &&
      k32.GetFileInformationByHandleEx(handle, WIN32.FILE_ATTRIBUTE_TAG_INFO, tag, 8) === 0
    ) {
      tag[1] = 0;
    }
    const kind = kindFromAttributes(attributes, tag[1]);
    const name = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
    return {
      path,
      relativePath: "",
      name,
      kind,
      size: kind === "file"
        ? view.getUint32(H.sizeHigh, true) * 2 ** 32 + view.getUint32(H.sizeLow, true)
        : 0,
      mtime: dateFromFiletime(view, H.write),
      atime: dateFromFiletime(view, H.access),
      birthtime: dateFromFiletime(view, H.creation),
      attributes,
      mode: null,
      linkTarget: null,
      reparseTag: reparse ? tag[1] : null,
    };
  } catch (error) {
    throw ShadowFileError.from("stat", path, error);
  } finally {
    k32.CloseHandle(handle);
  }
}

/**
 * One path of a shadow copy as an entry (relative path ""): a link is
 * described, not followed.
 *
 * @example Is the mapped path a folder?
 * ```ts ignore
 * import { statShadowPath } from "./walk.ts";
 * const root = await statShadowPath(set.mapPath("C:\\data"));
 * console.log(root.kind, root.mtime);
 * ```
 */
export async function statShadowPath(path: string): Promise<ShadowEntry> {
  let entry: ShadowEntry;
  if (windows) {
    entry = statWindows(path);
  } else {
    try {
      const name = path.replace(/\/+$/, "").split("/").pop() || path;
      entry = fromStats(path, "", name, await lstat(path));
    } catch (error) {
      throw ShadowFileError.from("stat", path, error);
    }
  }
  if (entry.kind === "symlink" || entry.kind === "junction") {
    entry.linkTarget = await linkTargetOf(path);
  }
  return entry;
}

async function complete(entry: ShadowEntry, options: WalkOptions): Promise<ShadowEntry> {
  if (entry.kind === "symlink" || entry.kind === "junction") {
    entry.linkTarget = await linkTargetOf(entry.path);
  } else if (options.streams && entry.kind === "file") {
    entry.streams = await listStreams(entry.path);
  }
  return entry;
}

/**
 * Walks the tree under `root` (a folder inside a shadow copy), folder by folder,
 * each folder before its contents, names in code-unit order. Links are
 * reported (`symlink`, `junction`, with `linkTarget`) and never followed;
 * the root itself is not yielded (see {@linkcode statShadowPath}).
 *
 * @example Count the bytes of a snapshot's folder
 * ```ts ignore
 * import { walkShadowTree } from "./walk.ts";
 *
 * let bytes = 0;
 * for await (const entry of walkShadowTree(set.mapPath("C:\\data"))) {
 *   if (entry.kind === "file") bytes += entry.size;
 * }
 * ```
 */
export async function* walkShadowTree(
  root: string,
  options: WalkOptions = {},
): AsyncGenerator<ShadowEntry> {
  const pending: { dir: string; rel: string }[] = [{ dir: root, rel: "" }];
  while (pending.length > 0) {
    checkAborted(options.signal, "walkShadowTree");
    const { dir, rel } = pending.pop()!;
    const entries = windows ? listWindows(dir, rel) : await listPosix(dir, rel);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const below: { dir: string; rel: string }[] = [];
    for (const raw of entries) {
      const entry = await complete(raw, options);
      if (options.filter && !options.filter(entry)) continue;
      yield entry;
      if (entry.kind === "directory") below.push({ dir: entry.path, rel: entry.relativePath });
    }
    for (let i = below.length - 1; i >= 0; i--) pending.push(below[i]);
  }
}
