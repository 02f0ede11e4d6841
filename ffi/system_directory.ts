/**
 * The Windows system directory (GetSystemDirectoryW), so that system DLLs
 * are loaded by absolute path and never through the DLL search order, which
 * looks in the executable's directory first (often writable by users).
 *
 * @module
 */

import { backend } from "./backend/mod.ts";

/** The one kernel32 export this module binds. */
const KERNEL32 = {
  GetSystemDirectoryW: { parameters: ["buffer", "u32"], result: "u32" },
} as const;

let cached: string | null = null;

/**
 * The system directory (`C:\Windows\system32`), read once with
 * GetSystemDirectoryW. kernel32.dll itself is a KnownDLL: the loader maps
 * the system copy whatever the search order says. Windows only.
 *
 * @example Build the absolute path of a system DLL
 * ```ts ignore
 * import { systemDirectory } from "./system_directory.ts";
 *
 * console.log(`${systemDirectory()}\\vssapi.dll`); // C:\Windows\system32\vssapi.dll
 * ```
 */
export function systemDirectory(): string {
  if (cached !== null) return cached;
  if (backend.os !== "windows") throw new Error("the system directory exists only on Windows");
  const kernel32 = backend.open("kernel32.dll", KERNEL32);
  try {
    let buffer = new Uint16Array(260);
    let length = kernel32.symbols.GetSystemDirectoryW(buffer, buffer.length);
    if (length > buffer.length) {
      buffer = new Uint16Array(length);
      length = kernel32.symbols.GetSystemDirectoryW(buffer, buffer.length);
    }
    if (length === 0 || length > buffer.length) throw new Error("GetSystemDirectoryW failed");
    cached = String.fromCharCode(...buffer.subarray(0, length));
    return cached;
  } finally {
    kernel32.close();
  }
}

/** `name` (a system DLL such as `vssapi.dll`) as an absolute path in the system directory. */
export function systemLibraryPath(name: string): string {
  return `${systemDirectory()}\\${name}`;
}
