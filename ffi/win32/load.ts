/**
 * Loads Windows system DLLs by absolute path: the system directory comes
 * from GetSystemDirectoryW, and every library is opened as
 * `<system directory>\<name>`, so the DLL search order (which looks in the
 * executable's directory first) is never consulted. The one exception is the
 * bootstrap call to GetSystemDirectoryW itself, made through `kernel32.dll`:
 * it is a KnownDLL, mapped into every process before any user code runs, so
 * its name resolves to the module already loaded, not to a file found by search.
 *
 * Libraries are opened once per process and never unloaded (other code may
 * still hold their function pointers).
 *
 * @module
 */

import { backend } from "../backend/mod.ts";
import type {
  ForeignLibraryInterface,
  NativeLibrary,
  StaticForeignSymbols,
} from "../backend/types.ts";
import { VssLibraryError } from "../errors.ts";
import { decodeUnits } from "../wide_string.ts";
import { KERNEL32_NONBLOCKING_SYMBOLS, KERNEL32_SYMBOLS, WIN32 } from "./kernel32.ts";
import { ADVAPI32_SYMBOLS } from "./advapi32.ts";

/**
 * A failed Win32 call: the function, the `GetLastError` code and its name
 * when known; `hresult` is HRESULT_FROM_WIN32 of the code.
 *
 * @example Tell a missing file from other failures
 * ```ts
 * import { Win32Error } from "./load.ts";
 *
 * const error = new Win32Error("CreateFileW", 2, "C:\\missing.txt");
 * console.log(error.codeName, error.hresult?.toString(16)); // ERROR_FILE_NOT_FOUND 80070002
 * ```
 */
export class Win32Error extends VssLibraryError {
  /** The Win32 function that failed. */
  readonly function: string;
  /** Its `GetLastError()` code. */
  readonly code: number;
  /** The code's name (`ERROR_ACCESS_DENIED`), or null when not in the table. */
  readonly codeName: string | null;
  /** `fn` failed with `code`; `subject` (a path) is named in the message. */
  constructor(fn: string, code: number, subject: string | null = null, hint: string | null = null) {
    const codeName = win32ErrorName(code);
    super(
      `${fn}${subject === null ? "" : ` (${subject})`} failed with ${codeName ?? "error"} ${code}`,
      { hint, hresult: code === 0 ? null : (0x80070000 | (code & 0xffff)) >>> 0 },
    );
    this.function = fn;
    this.code = code;
    this.codeName = codeName;
  }
}

/**
 * The name of a Win32 error code from {@linkcode WIN32} (`ERROR_ACCESS_DENIED`), or null.
 *
 * @example
 * ```ts
 * import { win32ErrorName } from "./load.ts";
 * console.log(win32ErrorName(1314)); // ERROR_PRIVILEGE_NOT_HELD
 * ```
 */
export function win32ErrorName(code: number): string | null {
  for (const [name, value] of Object.entries(WIN32)) {
    if (name.startsWith("ERROR_") && value === code) return name;
  }
  return null;
}

type Kernel32 = StaticForeignSymbols<typeof KERNEL32_SYMBOLS>;

let systemDir: string | null = null;
const opened = new Map<string, NativeLibrary<ForeignLibraryInterface>>();

function requireWindows(what: string): void {
  if (backend.os !== "windows") {
    throw new VssLibraryError(`${what} exists only on Windows, and this is ${backend.os}`);
  }
}

/**
 * The Windows system directory (`C:\Windows\System32`), from GetSystemDirectoryW.
 *
 * @example
 * ```ts ignore
 * import { systemDirectory } from "./load.ts";
 * console.log(systemDirectory()); // C:\Windows\system32
 * ```
 */
export function systemDirectory(): string {
  if (systemDir !== null) return systemDir;
  requireWindows("the system directory");
  const boot = backend.open("kernel32.dll", {
    GetSystemDirectoryW: KERNEL32_SYMBOLS.GetSystemDirectoryW,
  });
  const units = new Uint16Array(1024);
  const length = boot.symbols.GetSystemDirectoryW(units, units.length);
  if (length === 0 || length >= units.length) {
    throw new VssLibraryError("GetSystemDirectoryW did not return the system directory");
  }
  systemDir = decodeUnits(units.subarray(0, length));
  return systemDir;
}

/**
 * The absolute path of a system DLL: `<system directory>\<name>`.
 *
 * @example
 * ```ts ignore
 * import { systemLibraryPath } from "./load.ts";
 * console.log(systemLibraryPath("vssapi.dll")); // C:\Windows\system32\vssapi.dll
 * ```
 */
export function systemLibraryPath(name: string): string {
  if (/[\\/:]/.test(name)) throw new RangeError(`${name} is not a bare DLL name`);
  const dir = systemDirectory();
  return `${dir.endsWith("\\") ? dir : `${dir}\\`}${name}`;
}

/**
 * Opens a system DLL by its absolute path and binds `symbols` (once per
 * name and table; never unloaded).
 *
 * @example Bind one advapi32 function
 * ```ts ignore
 * import { openSystemLibrary } from "./load.ts";
 *
 * const lib = openSystemLibrary("advapi32.dll", {
 *   ImpersonateSelf: { parameters: ["i32"], result: "i32" },
 * });
 * ```
 */
export function openSystemLibrary<S extends ForeignLibraryInterface>(
  name: string,
  symbols: S,
): StaticForeignSymbols<S> {
  const key = `${name.toLowerCase()}:${Object.keys(symbols).join(",")}:${
    Object.values(symbols).some((s) => s.nonblocking) ? "async" : "sync"
  }`;
  let lib = opened.get(key);
  if (lib === undefined) {
    const path = systemLibraryPath(name);
    try {
      lib = backend.open(path, symbols) as NativeLibrary<ForeignLibraryInterface>;
    } catch (error) {
      throw new VssLibraryError(`${path} could not be loaded`, {
        hint: backend.isPermissionError(error) ? backend.permissionHint : null,
        cause: error,
      });
    }
    opened.set(key, lib);
  }
  return lib.symbols as unknown as StaticForeignSymbols<S>;
}

/**
 * kernel32's synchronous functions ({@linkcode KERNEL32_SYMBOLS}), from the system directory.
 *
 * @example
 * ```ts ignore
 * import { kernel32 } from "./load.ts";
 * console.log(kernel32().GetLastError());
 * ```
 */
export function kernel32(): Kernel32 {
  return openSystemLibrary("kernel32.dll", KERNEL32_SYMBOLS);
}

/**
 * kernel32's functions that run on another thread ({@linkcode KERNEL32_NONBLOCKING_SYMBOLS}).
 *
 * @example
 * ```ts ignore
 * import { kernel32Nonblocking } from "./load.ts";
 * console.log(typeof kernel32Nonblocking().ReadFile); // function
 * ```
 */
export function kernel32Nonblocking(): StaticForeignSymbols<typeof KERNEL32_NONBLOCKING_SYMBOLS> {
  return openSystemLibrary("kernel32.dll", KERNEL32_NONBLOCKING_SYMBOLS);
}

/**
 * advapi32's token functions ({@linkcode ADVAPI32_SYMBOLS}), from the system directory.
 *
 * @example
 * ```ts ignore
 * import { advapi32 } from "./load.ts";
 * console.log(typeof advapi32().AdjustTokenPrivileges); // function
 * ```
 */
export function advapi32(): StaticForeignSymbols<typeof ADVAPI32_SYMBOLS> {
  return openSystemLibrary("advapi32.dll", ADVAPI32_SYMBOLS);
}

/**
 * The calling thread's last Win32 error; read it right after the failing call.
 *
 * @example
 * ```ts ignore
 * import { kernel32, lastError } from "./load.ts";
 * if (kernel32().CloseHandle(null) === 0) console.log(lastError()); // 6
 * ```
 */
export function lastError(): number {
  return kernel32().GetLastError();
}

/**
 * Throws a {@linkcode Win32Error} for `fn` with the thread's last error.
 *
 * @example
 * ```ts ignore
 * import { failWithLastError, kernel32 } from "./load.ts";
 * if (kernel32().CloseHandle(null) === 0) failWithLastError("CloseHandle");
 * ```
 */
export function failWithLastError(fn: string, subject: string | null = null): never {
  throw new Win32Error(fn, lastError(), subject);
}
