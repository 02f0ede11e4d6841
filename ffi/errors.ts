/**
 * The typed errors of the binding.
 *
 * @module
 */

import { HRESULT_DOCUMENTED_BY, HRESULT_NAMES, type HresultName } from "./generated/hresults.ts";

/**
 * Formats an HRESULT as unsigned hex, e.g. `0x80042301` (negative numbers
 * from a signed `i32` result included).
 *
 * @example Print a signed HRESULT the way the reference writes it
 * ```ts
 * import { hex } from "./errors.ts";
 *
 * console.log(hex(-2147212543)); // 0x80042301
 * ```
 */
export function hex(hr: number): string {
  return `0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/**
 * The known name of an HRESULT (signed or unsigned), or null.
 *
 * @example Name a status code
 * ```ts
 * import { hresultName } from "./errors.ts";
 *
 * console.log(hresultName(0x80042301)); // VSS_E_BAD_STATE
 * console.log(hresultName(0x12345678)); // null
 * ```
 */
export function hresultName(hr: number): string | null {
  return HRESULT_NAMES.get(hr >>> 0)?.[0] ?? null;
}

/**
 * A failed VSS or COM call: an HRESULT below zero.
 *
 * @example Handle a state error
 * ```ts
 * import { VssError } from "./errors.ts";
 * try {
 *   // ... a binding call
 * } catch (error) {
 *   if (error instanceof VssError && error.codeName === "VSS_E_BAD_STATE") console.log(error.hex);
 * }
 * ```
 */
export class VssError extends Error {
  /** The HRESULT as an unsigned 32-bit number. */
  readonly code: number;
  /** The HRESULT as unsigned hex (`0x80042301`). */
  readonly hex: string;
  /** The code's known name (`VSS_E_BAD_STATE`), or its hex form when unknown. */
  readonly codeName: string;
  /** Always `VssError`. */
  override name = "VssError";
  /** The interface (or `vssapi` for an exported function). */
  readonly interfaceName: string;
  /** The method or function. */
  readonly method: string;
  /** The learn.microsoft.com page of the method, when known. */
  readonly doc: string | null;
  /** Whether the method's page lists this code among its return values. */
  readonly documented: boolean;

  /** A failure of `interfaceName::method` with HRESULT `code`; `doc` is the method's page. */
  constructor(code: number, interfaceName: string, method: string, doc: string | null) {
    const known = hresultName(code);
    const where = interfaceName === "vssapi" ? method : `${interfaceName}::${method}`;
    const documentedBy = known ? HRESULT_DOCUMENTED_BY[known as HresultName] ?? [] : [];
    const documented = documentedBy.includes(where);
    super(
      `${where} failed with ${known ?? "HRESULT"} (${hex(code)})${
        documented ? "" : known ? "; the method's page does not list this code" : ""
      }${doc ? `. See ${doc}` : ""}`,
    );
    this.code = code >>> 0;
    this.hex = hex(code);
    this.codeName = known ?? this.hex;
    this.interfaceName = interfaceName;
    this.method = method;
    this.doc = doc;
    this.documented = documented;
  }
}

/**
 * A method was called on a COM object after it was released.
 *
 * @example Detect use after release
 * ```ts
 * import { ReleasedObjectError } from "./errors.ts";
 * console.log(new ReleasedObjectError("IVssAsync", "Wait").message);
 * ```
 */
export class ReleasedObjectError extends Error {
  /** Always `ReleasedObjectError`. */
  override name = "ReleasedObjectError";
  /** `method` was called on a released `interfaceName`. */
  constructor(interfaceName: string, method: string) {
    super(`${interfaceName}::${method} called after the object was released`);
  }
}

/**
 * An argument that cannot be passed as the C type requires.
 *
 * @example Reject an embedded NUL
 * ```ts
 * import { VssArgumentError } from "./errors.ts";
 * console.log(new VssArgumentError("pwszVolumeName", "contains a NUL character").message);
 * ```
 */
export class VssArgumentError extends TypeError {
  /** Always `VssArgumentError`. */
  override name = "VssArgumentError";
  /** `parameter` has `problem`. */
  constructor(parameter: string, problem: string) {
    super(`argument ${parameter} ${problem}`);
  }
}

/**
 * VSS cannot be reached: not Windows and no simulator given, the FFI
 * permission is missing, or a library could not be loaded.
 *
 * @example Tell the user what to do
 * ```ts
 * import { VssUnavailableError } from "./errors.ts";
 * console.log(new VssUnavailableError("not Windows", "set VSS_LIBRARY_PATH").message);
 * ```
 */
export class VssUnavailableError extends Error {
  /** Always `VssUnavailableError`. */
  override name = "VssUnavailableError";
  /** What to do about it. */
  readonly hint: string;
  /** VSS is unavailable for `reason`; `hint` says what to do. */
  constructor(reason: string, hint: string, options?: ErrorOptions) {
    super(`VSS is not available: ${reason}. ${hint}`, options);
    this.hint = hint;
  }
}

/**
 * An asynchronous VSS operation did not finish in time, or was aborted.
 *
 * @example Distinguish a timeout
 * ```ts
 * import { VssAsyncAbortedError } from "./errors.ts";
 * console.log(new VssAsyncAbortedError("DoSnapshotSet", "timed out after 1000 ms").message);
 * ```
 */
export class VssAsyncAbortedError extends Error {
  /** Always `VssAsyncAbortedError`. */
  override name = "VssAsyncAbortedError";
  /** `operation` was cancelled because it `why` (timed out, was aborted). */
  constructor(operation: string, why: string, options?: ErrorOptions) {
    super(`${operation} ${why}; IVssAsync::Cancel was called`, options);
  }
}
