/**
 * Enables the privileges a backup reader needs in the process token:
 * SeBackupPrivilege (read any file whatever its ACL, with backup semantics),
 * and SeSecurityPrivilege when security descriptors (SACLs) are read.
 * Outside Windows there are no such privileges: the call does nothing and
 * says so in its result.
 *
 * @module
 */

import { backend } from "../../ffi/backend/mod.ts";
import type { PointerValue } from "../../ffi/backend/types.ts";
import { TOKEN } from "../../ffi/win32/advapi32.ts";
import { WIN32 } from "../../ffi/win32/kernel32.ts";
import { advapi32, kernel32, Win32Error } from "../../ffi/win32/load.ts";
import { wideString } from "../../ffi/wide_string.ts";
import { PrivilegeNotHeldError } from "./errors.ts";

/**
 * The privileges this module enables.
 *
 * @example
 * ```ts
 * import type { PrivilegeName } from "./privileges.ts";
 * const wanted: PrivilegeName[] = ["SeBackupPrivilege", "SeSecurityPrivilege"];
 * console.log(wanted.length);
 * ```
 */
export type PrivilegeName = "SeBackupPrivilege" | "SeSecurityPrivilege" | "SeRestorePrivilege";

/**
 * What {@linkcode enableBackupPrivileges} did.
 *
 * @example Print the outcome
 * ```ts
 * import { enableBackupPrivileges } from "./privileges.ts";
 *
 * const result = enableBackupPrivileges({ require: false });
 * console.log(result.supported ? `enabled: ${result.enabled.join(", ")}` : result.note);
 * ```
 */
export interface PrivilegeResult {
  /** Whether the platform has token privileges (Windows). */
  supported: boolean;
  /** The privileges now enabled. */
  enabled: PrivilegeName[];
  /** The privileges the token does not hold (not enabled). */
  missing: PrivilegeName[];
  /** One sentence on the outcome. */
  note: string;
}

/**
 * Options of {@linkcode enableBackupPrivileges}.
 *
 * @example Also read security descriptors, and do not throw when missing
 * ```ts
 * import { enableBackupPrivileges } from "./privileges.ts";
 *
 * const result = enableBackupPrivileges({ security: true, require: false });
 * if (result.missing.length > 0) console.warn(`not held: ${result.missing.join(", ")}`);
 * ```
 */
export interface EnablePrivilegesOptions {
  /** Also enable SeSecurityPrivilege (to read SACLs). Default false. */
  security?: boolean;
  /** Also enable SeRestorePrivilege (to write any file and set owners). Default false. */
  restore?: boolean;
  /** Throw {@linkcode PrivilegeNotHeldError} when SeBackupPrivilege is missing. Default true. */
  require?: boolean;
}

/**
 * Enables SeBackupPrivilege (and SeSecurityPrivilege / SeRestorePrivilege
 * when asked) in the process token. On Windows a token that lacks
 * SeBackupPrivilege is a {@linkcode PrivilegeNotHeldError} (unless `require`
 * is false: then it is listed in `missing`). Elsewhere it does nothing and
 * returns `supported: false`.
 *
 * @example Before reading files whose ACLs deny the administrator
 * ```ts
 * import { enableBackupPrivileges } from "./privileges.ts";
 *
 * const result = enableBackupPrivileges({ require: false });
 * if (result.missing.length > 0) console.error("limited to readable files:", result.note);
 * ```
 */
export function enableBackupPrivileges(options: EnablePrivilegesOptions = {}): PrivilegeResult {
  const wanted: PrivilegeName[] = ["SeBackupPrivilege"];
  if (options.security) wanted.push("SeSecurityPrivilege");
  if (options.restore) wanted.push("SeRestorePrivilege");
  if (backend.os !== "windows") {
    return {
      supported: false,
      enabled: [],
      missing: [],
      note: `${backend.os} has no token privileges; files are read with the process's own access`,
    };
  }
  const enabled: PrivilegeName[] = [];
  const missing: PrivilegeName[] = [];
  withProcessToken((token) => {
    for (const name of wanted) (enablePrivilege(token, name) ? enabled : missing).push(name);
  });
  if (missing.includes("SeBackupPrivilege") && options.require !== false) {
    throw new PrivilegeNotHeldError(missing);
  }
  return {
    supported: true,
    enabled,
    missing,
    note: missing.length === 0
      ? `enabled ${enabled.join(", ")}`
      : `the token does not hold ${missing.join(", ")}`,
  };
}

/** Opens the process token for adjusting privileges, runs `use`, closes it. */
function withProcessToken(use: (token: PointerValue) => void): void {
  const k32 = kernel32();
  const slot = new BigUint64Array(1);
  const ok = advapi32().OpenProcessToken(
    k32.GetCurrentProcess(),
    TOKEN.ADJUST_PRIVILEGES | TOKEN.QUERY,
    slot,
  );
  if (ok === 0) throw new Win32Error("OpenProcessToken", k32.GetLastError());
  const token = backend.pointer(slot[0]);
  try {
    use(token);
  } finally {
    k32.CloseHandle(token);
  }
}

/** Enables one privilege; false when the token does not hold it (ERROR_NOT_ALL_ASSIGNED). */
function enablePrivilege(token: PointerValue, name: PrivilegeName): boolean {
  const k32 = kernel32();
  const api = advapi32();
  const luid = new Uint32Array(2);
  if (api.LookupPrivilegeValueW(null, wideString(name, "name"), luid) === 0) {
    const code = k32.GetLastError();
    if (code === WIN32.ERROR_NO_SUCH_PRIVILEGE) return false;
    throw new Win32Error("LookupPrivilegeValueW", code, name);
  }
  const request = new Uint32Array(TOKEN.PRIVILEGES_SIZE / 4);
  request[0] = 1; // PrivilegeCount
  request[1] = luid[0];
  request[2] = luid[1];
  request[3] = TOKEN.SE_PRIVILEGE_ENABLED;
  const ok = api.AdjustTokenPrivileges(token, 0, request, 0, null, null);
  const code = k32.GetLastError();
  if (ok === 0) throw new Win32Error("AdjustTokenPrivileges", code, name);
  return code !== WIN32.ERROR_NOT_ALL_ASSIGNED;
}
