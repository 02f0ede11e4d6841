/**
 * The errors of the shadow copy reader: a file or folder that could not be
 * opened, read or listed, and a token that lacks the backup privilege.
 *
 * @module
 */

import { VssLibraryError } from "../../ffi/errors.ts";
import { Win32Error } from "../../ffi/win32/load.ts";

/** The names node:fs, Deno and Win32 give a missing path. */
const NOT_FOUND = new Set(["ENOENT", "ERROR_FILE_NOT_FOUND", "ERROR_PATH_NOT_FOUND", "NotFound"]);

const ACCESS_DENIED = new Set(["EACCES", "EPERM", "ERROR_ACCESS_DENIED", "PermissionDenied"]);

/**
 * Whether `code` (an error's `code`, or a Deno error's `name`) means access denied.
 *
 * @example
 * ```ts
 * import { isAccessDeniedCode } from "./errors.ts";
 * console.log(isAccessDeniedCode("EACCES"), isAccessDeniedCode("ENOENT")); // true false
 * ```
 */
export function isAccessDeniedCode(code: string | null | undefined): boolean {
  return ACCESS_DENIED.has(code ?? "");
}

/**
 * A file or folder of a shadow copy (or of the copy's destination) that
 * could not be opened, read, listed or written. `code` is the system's name
 * for the failure (`ENOENT`, `ERROR_ACCESS_DENIED`), `notFound` and
 * `accessDenied` tell the common cases apart.
 *
 * @example Skip files that vanished, fail on anything else
 * ```ts
 * import { ShadowFileError } from "./errors.ts";
 *
 * function skippable(error: unknown): boolean {
 *   return error instanceof ShadowFileError && error.notFound;
 * }
 * console.log(skippable(new ShadowFileError("open", "/x", "ENOENT", null))); // true
 * ```
 */
export class ShadowFileError extends VssLibraryError {
  /** What was being done: `open`, `read`, `list`, `stat`, `write`. */
  readonly operation: string;
  /** The path involved. */
  readonly path: string;
  /** The system's name of the failure (`ENOENT`, `ERROR_ACCESS_DENIED`, ...), or null. */
  readonly code: string | null;
  /** The numeric system error (errno or Win32 code), or null. */
  readonly systemCode: number | null;
  /** `operation` on `path` failed with `code` (`systemCode`). */
  constructor(
    operation: string,
    path: string,
    code: string | null,
    systemCode: number | null,
    options: { cause?: unknown; hresult?: number | null; hint?: string } = {},
  ) {
    const notFound = NOT_FOUND.has(code ?? "");
    const denied = isAccessDeniedCode(code);
    super(`cannot ${operation} ${path}${code === null ? "" : ` (${code})`}`, {
      hint: options.hint ??
        (denied
          ? "Reading files whose ACLs deny you needs SeBackupPrivilege: run elevated or as a Backup " +
            "Operator (the reader enables the privilege itself)."
          : notFound
          ? "The path does not exist in the shadow copy; map it with set.mapPath(originalPath)."
          : null),
      hresult: options.hresult ?? null,
      cause: options.cause,
    });
    this.operation = operation;
    this.path = path;
    this.code = code;
    this.systemCode = systemCode;
  }

  /** Whether the path does not exist. */
  get notFound(): boolean {
    return NOT_FOUND.has(this.code ?? "");
  }

  /** Whether access was denied. */
  get accessDenied(): boolean {
    return isAccessDeniedCode(this.code);
  }

  /**
   * Wraps an error from node:fs, Deno or a Win32 call (an abort or a library
   * error passes through unchanged); `hint` replaces the default advice.
   *
   * @example
   * ```ts
   * import { ShadowFileError } from "./errors.ts";
   *
   * const error = ShadowFileError.from("read", "/x", Object.assign(new Error("no"), { code: "EIO", errno: -5 })) as ShadowFileError;
   * console.log(error.code, error.systemCode); // EIO -5
   * ```
   */
  static from(operation: string, path: string, error: unknown, hint?: string): Error {
    if (error instanceof ShadowFileError) return error;
    if (error instanceof Win32Error) {
      return new ShadowFileError(
        operation,
        path,
        error.codeName ?? `WIN32_${error.code}`,
        error.code,
        { cause: error, hresult: error.hresult, hint },
      );
    }
    if (error instanceof VssLibraryError) return error;
    if (error instanceof DOMException && error.name === "AbortError") return error;
    const e = error as { code?: unknown; errno?: unknown; name?: unknown };
    const code = typeof e?.code === "string"
      ? e.code
      : typeof e?.name === "string" && e.name !== "Error"
      ? e.name
      : null;
    const systemCode = typeof e?.errno === "number" ? e.errno : null;
    return new ShadowFileError(operation, path, code, systemCode, { cause: error, hint });
  }
}

/** The user rights behind the privileges, as Local Security Policy names them. */
const USER_RIGHTS: Record<string, string> = {
  SeBackupPrivilege: "Back up files and directories",
  SeSecurityPrivilege: "Manage auditing and security log",
  SeRestorePrivilege: "Restore files and directories",
};

/**
 * What a user can do about missing `privileges`, for library and CLI users
 * alike: get a token that holds them, or read without backup semantics.
 */
export function privilegeHint(privileges: readonly string[]): string {
  const rights = privileges.map((p) => USER_RIGHTS[p] ? `${p} ("${USER_RIGHTS[p]}")` : p);
  return "Run the process elevated (Run as administrator) under an account in Administrators " +
    `or Backup Operators, or one granted ${rights.join(" and ")}; a token filtered by UAC ` +
    "does not hold it. Or read without backup semantics, only what the account may read: " +
    "`privileges: false` in the API, `--no-privileges` with `vss copy` (and leave out " +
    "`--require-privileges`).";
}

/**
 * The process token does not hold a privilege a backup read needs
 * (SeBackupPrivilege; SeSecurityPrivilege to read security descriptors).
 *
 * @example Explain a missing privilege
 * ```ts
 * import { PrivilegeNotHeldError } from "./errors.ts";
 *
 * const error = new PrivilegeNotHeldError(["SeBackupPrivilege"]);
 * console.log(error.message, "|", error.hint);
 * ```
 */
export class PrivilegeNotHeldError extends VssLibraryError {
  /** The privileges the token lacks. */
  readonly privileges: readonly string[];
  /** The token lacks `privileges`. */
  constructor(privileges: readonly string[]) {
    super(`the process token does not hold ${privileges.join(" and ")}`, {
      hint: privilegeHint(privileges),
      hresult: 0x80070522, // HRESULT_FROM_WIN32(ERROR_PRIVILEGE_NOT_HELD)
    });
    this.privileges = privileges;
  }
}
