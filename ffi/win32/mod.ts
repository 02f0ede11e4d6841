/**
 * Handwritten bindings of the few Win32 functions the shadow copy reader
 * needs (kernel32: files, find, streams; advapi32: token privileges), loaded
 * by absolute path from the system directory.
 *
 * @example Where kernel32 is loaded from
 * ```ts ignore
 * import { systemLibraryPath } from "./mod.ts";
 * console.log(systemLibraryPath("kernel32.dll"));
 * ```
 *
 * @module
 */

export {
  dateFromFiletime,
  filetimeBytes,
  INVALID_HANDLE_ADDRESS,
  KERNEL32_NONBLOCKING_SYMBOLS,
  KERNEL32_SYMBOLS,
  LAYOUT,
  WIN32,
} from "./kernel32.ts";
export { ADVAPI32_SYMBOLS, TOKEN } from "./advapi32.ts";
export {
  advapi32,
  failWithLastError,
  kernel32,
  kernel32Nonblocking,
  lastError,
  openSystemLibrary,
  systemDirectory,
  systemLibraryPath,
  Win32Error,
  win32ErrorName,
} from "./load.ts";
