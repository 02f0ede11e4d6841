/**
 * The call path: native thunks (Deno's fast call path) or vtable slots
 * through cached `Deno.UnsafeFnPointer`s (the fallback; Node always uses
 * koffi).
 *
 * Shipping and security: the thunk library is embedded in
 * {@link ./embedded.ts} (bytes and the SHA-256 recorded when it was built).
 * The first runtime that loads writes it once per hash into a per-user cache
 * directory (`$XDG_CACHE_HOME` or `~/.cache`, `%LOCALAPPDATA%` on Windows,
 * `/vss-requester/thunks/<sha256>/`), created with mode 0700 and refused when
 * another user owns it or can write to it. The file is verified against the
 * recorded hash right before it is loaded, by absolute path (never from the
 * current directory). On Windows every load writes a fresh, randomly named
 * copy (so no other file can be swapped in under a name that was verified).
 * A mismatch falls back to the pointer path with a warning, never loads.
 * The library's `vss_thunks_abi()` must also match the generated table.
 *
 * The switch: `VSS_CALL_PATH=thunks|pointers|auto` (read with env permission)
 * or {@linkcode setCallPath}; `auto` (the default) uses the thunks when they
 * load and the permissions allow it, else the pointers quietly.
 *
 * @module
 */

import { backend } from "../backend/mod.ts";
import type { NativeLibrary } from "../backend/types.ts";
import { VssLibraryError } from "../errors.ts";
import { THUNK_ABI, THUNK_NAMES, THUNK_SYMBOLS } from "../generated/thunks.ts";
import { THUNK_BINARIES } from "./embedded.ts";
import { sha256Hex } from "./sha256.ts";
import { THUNKS } from "./table.ts";
import { BULK_SYMBOLS } from "./symbols.ts";

/**
 * Which path COM calls take: `thunks`, `pointers`, or `auto` (thunks when available).
 *
 * @example Force the pointer path
 * ```ts
 * import { type CallPath, setCallPath } from "./mod.ts";
 * const path: CallPath = "pointers";
 * setCallPath(path);
 * ```
 */
export type CallPath = "thunks" | "pointers" | "auto";

const ALL_SYMBOLS = {
  ...THUNK_SYMBOLS,
  ...BULK_SYMBOLS,
  vss_thunks_abi: { parameters: [], result: "u32" },
} as const;
type Library = NativeLibrary<typeof ALL_SYMBOLS>;

let library: Library | null = null;
let decided = false;
let loadedFrom: string | null = null;

/** The loaded thunk library's symbols (bulk readers included), or null on the pointer path. */
export function thunkLibrary(): Library["symbols"] | null {
  return THUNKS.length > 0 && library !== null ? library.symbols : null;
}

/**
 * The path calls take now.
 *
 * @example Report the call path
 * ```ts
 * import { currentCallPath } from "./mod.ts";
 * console.log(currentCallPath()); // "pointers" until a runtime loads the thunks
 * ```
 */
export function currentCallPath(): "thunks" | "pointers" {
  return THUNKS.length > 0 ? "thunks" : "pointers";
}

/** Where the loaded thunk library was loaded from (null when none is loaded). */
export function thunkLibraryPath(): string | null {
  return THUNKS.length > 0 ? loadedFrom : null;
}

/**
 * Chooses the call path. `thunks` loads the library (throws VssLibraryError
 * when it cannot); `pointers` empties the thunk table; `auto` tries the
 * thunks and falls back. Returns the path now in use.
 *
 * @example Use the thunks when they load
 * ```ts ignore
 * import { setCallPath } from "./mod.ts";
 * console.log(setCallPath("auto")); // "thunks" or "pointers"
 * ```
 */
export function setCallPath(path: CallPath): "thunks" | "pointers" {
  decided = true;
  THUNKS.length = 0;
  if (path === "pointers") return "pointers";
  try {
    library ??= loadLibrary();
  } catch (error) {
    if (path === "thunks") {
      throw new VssLibraryError(`the native thunk library could not be loaded: ${message(error)}`, {
        hint: "Unset VSS_CALL_PATH (or set it to auto) to use the pointer path.",
        cause: error,
      });
    }
    if (error instanceof ThunkMismatch) {
      console.warn(`vss: ${error.message}; using the pointer path`);
    }
    return "pointers";
  }
  for (const name of THUNK_NAMES) THUNKS.push(library.symbols[name]);
  return "thunks";
}

/** Decides the call path once, from `VSS_CALL_PATH` (default `auto`). Called when a runtime loads. */
export function ensureCallPath(): void {
  if (decided) return;
  const wanted = backend.env("VSS_CALL_PATH") ?? "auto";
  if (wanted !== "thunks" && wanted !== "pointers" && wanted !== "auto") {
    throw new VssLibraryError(`VSS_CALL_PATH must be thunks, pointers or auto, not "${wanted}"`);
  }
  setCallPath(wanted);
}

/** A library that is not the one recorded at build time: warned about, never loaded. */
class ThunkMismatch extends Error {}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function loadLibrary(): Library {
  if (backend.runtime !== "deno") throw new Error("the thunks are bound with Deno.dlopen only");
  const platform = `${backend.os}-${backend.arch}`;
  const binary = THUNK_BINARIES[platform];
  if (!binary) throw new Error(`no thunk library is built for ${platform}`);
  const bytes = decodeBase64(binary.base64);
  if (sha256Hex(bytes) !== binary.sha256) {
    throw new ThunkMismatch("the embedded thunk library does not match its recorded hash");
  }
  const root = cacheRoot();
  for (const name of ["read", "write"] as const) {
    if (Deno.permissions.querySync({ name, path: root }).state !== "granted") {
      throw new Error(`no ${name} permission for ${root}`);
    }
  }
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    throw new Error("no FFI permission");
  }
  const file = writeVerified(bytes, binary.sha256, binary.file, root);
  const lib = backend.open(file, ALL_SYMBOLS);
  const abi = lib.symbols.vss_thunks_abi();
  if (abi !== THUNK_ABI) {
    lib.close();
    throw new ThunkMismatch(
      `the thunk library's ABI stamp ${abi.toString(16)} is not the generated ${
        THUNK_ABI.toString(16)
      } (rebuild it: bash thunks/build.sh)`,
    );
  }
  loadedFrom = file;
  return lib;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The per-user cache root, absolute. */
function cacheRoot(): string {
  const windows = backend.os === "windows";
  const override = backend.env("VSS_THUNKS_CACHE_DIR");
  const base = override ??
    (windows
      ? backend.env("LOCALAPPDATA")
      : backend.env("XDG_CACHE_HOME") ?? withHome(backend.env("HOME")));
  if (!base) throw new Error("no per-user cache directory (HOME / LOCALAPPDATA unset)");
  const absolute = windows ? /^[A-Za-z]:[\\/]/.test(base) : base.startsWith("/");
  if (!absolute) throw new Error(`the cache directory ${base} is not an absolute path`);
  return override ? base : `${base}${windows ? "\\" : "/"}vss-requester`;
}

function withHome(home: string | undefined): string | undefined {
  return home ? `${home}/.cache` : undefined;
}

/** Creates `dir` (mode 0700) and checks that only this user (or root) can write to it. */
function privateDir(dir: string): void {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (backend.os === "windows") return; // %LOCALAPPDATA% is per-user by its ACL
  const info = Deno.statSync(dir);
  const uid = Deno.uid();
  if (info.uid !== uid && info.uid !== 0) throw new Error(`${dir} belongs to another user`);
  if (((info.mode ?? 0) & 0o022) !== 0) throw new Error(`${dir} is writable by other users`);
}

function readIfPresent(path: string): Uint8Array | null {
  try {
    return Deno.readFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Writes `bytes` once per hash into the cache and returns the verified file's absolute path. */
function writeVerified(bytes: Uint8Array, sha256: string, file: string, root: string): string {
  const windows = backend.os === "windows";
  const sep = windows ? "\\" : "/";
  privateDir(root);
  const dir = `${root}${sep}thunks${sep}${sha256}`;
  privateDir(`${root}${sep}thunks`);
  privateDir(dir);
  if (windows) {
    // A fresh, randomly named copy per load: verified after writing, loaded by that name.
    for (const entry of Deno.readDirSync(dir)) {
      try {
        Deno.removeSync(`${dir}${sep}${entry.name}`); // copies still loaded elsewhere stay
      } catch { /* in use */ }
    }
    const random = crypto.getRandomValues(new Uint8Array(8));
    const name = `${[...random].map((b) => b.toString(16).padStart(2, "0")).join("")}-${file}`;
    const path = `${dir}${sep}${name}`;
    Deno.writeFileSync(path, bytes, { createNew: true });
    verify(path, sha256);
    return path;
  }
  const path = `${dir}${sep}${file}`;
  const present = readIfPresent(path);
  if (present === null || sha256Hex(present) !== sha256) {
    const temporary = `${path}.${crypto.randomUUID()}.tmp`;
    Deno.writeFileSync(temporary, bytes, { createNew: true, mode: 0o600 });
    Deno.renameSync(temporary, path);
  }
  verify(path, sha256);
  return path;
}

function verify(path: string, sha256: string): void {
  const written = readIfPresent(path);
  if (written === null || sha256Hex(written) !== sha256) {
    throw new ThunkMismatch(`${path} does not match the thunk library's recorded hash`);
  }
}
