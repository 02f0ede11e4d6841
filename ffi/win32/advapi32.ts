/**
 * The advapi32 functions that enable privileges in the process token, as an
 * FFI signature table, with their constants and the TOKEN_PRIVILEGES layout
 * (Windows x64). Loaded through {@link ./load.ts}.
 *
 * @module
 */

import type { ForeignLibraryInterface } from "../backend/types.ts";

/**
 * OpenProcessToken, LookupPrivilegeValueW and AdjustTokenPrivileges.
 *
 * @example The signature of AdjustTokenPrivileges
 * ```ts
 * import { ADVAPI32_SYMBOLS } from "./advapi32.ts";
 *
 * console.log(ADVAPI32_SYMBOLS.AdjustTokenPrivileges.parameters.length); // 6
 * ```
 */
export const ADVAPI32_SYMBOLS = {
  OpenProcessToken: { parameters: ["pointer", "u32", "buffer"], result: "i32" },
  LookupPrivilegeValueW: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  AdjustTokenPrivileges: {
    parameters: ["pointer", "i32", "buffer", "u32", "pointer", "pointer"],
    result: "i32",
  },
} as const satisfies ForeignLibraryInterface;

/**
 * Token access rights and privilege attributes.
 *
 * @example The access OpenProcessToken needs to enable a privilege
 * ```ts
 * import { TOKEN } from "./advapi32.ts";
 *
 * console.log(TOKEN.ADJUST_PRIVILEGES | TOKEN.QUERY); // 40
 * ```
 */
export const TOKEN = {
  QUERY: 0x8,
  ADJUST_PRIVILEGES: 0x20,
  SE_PRIVILEGE_ENABLED: 0x2,
  /** TOKEN_PRIVILEGES with one LUID_AND_ATTRIBUTES: count, LUID (low, high), attributes. */
  PRIVILEGES_SIZE: 16,
} as const;
