/**
 * The typed errors of the binding. Every error the library throws is a
 * {@linkcode VssLibraryError}: a one-sentence `message`, the advice in
 * `hint`, the HRESULT when there is one, whether a retry can succeed, and the
 * lower-level `cause`.
 *
 * @module
 */

import { HRESULT, HRESULT_DOCUMENTED_BY, type HresultName } from "./generated/hresults.ts";
import { formatHresult, hresultName, toUnsigned } from "./hresult.ts";
// The one table of meanings, hints and retryability (pure data; no other requester code).
import { hresultMeaning } from "./hresult_meanings.ts";

/**
 * What every error of this library carries besides its message: the advice
 * (`hint`), the HRESULT when VSS or COM returned one, whether trying the same
 * thing again can succeed (`retryable`), and the lower-level error (`cause`).
 */
export interface ErrorDetails extends ErrorOptions {
  /** What to do about it; null when there is nothing to advise. */
  hint?: string | null;
  /** The HRESULT behind the error (signed or unsigned). */
  hresult?: number | null;
  /** Whether the same call, made again later, can succeed. Default false. */
  retryable?: boolean;
}

/**
 * The base class of the errors this library throws. `message` is one clean
 * sentence; the advice is in {@linkcode VssLibraryError.hint}, never pasted
 * into the message.
 *
 * @example Report any library error with its advice
 * ```ts
 * import { VssLibraryError } from "./errors.ts";
 *
 * function report(error: unknown): string {
 *   if (!(error instanceof VssLibraryError)) return String(error);
 *   return error.hint === null ? error.message : `${error.message}\n  hint: ${error.hint}`;
 * }
 * console.log(report(new VssLibraryError("the storage is full", { hint: "Free space." })));
 * ```
 */
export class VssLibraryError extends Error {
  /** What to do about it; null when there is nothing to advise. */
  readonly hint: string | null;
  /** The HRESULT (unsigned) when there is one, else null. */
  readonly hresult: number | null;
  /** Whether the same call, made again later, can succeed. */
  readonly retryable: boolean;
  /** `message` is one sentence; `details` carries hint, HRESULT, retryable and cause. */
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint ?? null;
    this.hresult = details.hresult == null ? null : toUnsigned(details.hresult);
    this.retryable = details.retryable ?? false;
  }
}

/**
 * Whether an HRESULT is one the reference calls transient: the same call,
 * made again later, can succeed.
 *
 * @example Decide whether to schedule another attempt
 * ```ts
 * import { HRESULT } from "./generated/hresults.ts";
 * import { isRetryableHresult } from "./errors.ts";
 *
 * console.log(isRetryableHresult(HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT)); // true
 * console.log(isRetryableHresult(HRESULT.VSS_E_BAD_STATE)); // false
 * ```
 */
export function isRetryableHresult(hr: number): boolean {
  return hresultMeaning(hr)?.retryable ?? false;
}

/**
 * A failed VSS or COM call: an HRESULT below zero. The hint says what the
 * code means to do (from the one table of meanings) followed by the method's
 * reference page, when known; `retryable` comes from the same table.
 *
 * @example Retry a transient failure once
 * ```ts ignore
 * import { VssError } from "./errors.ts";
 *
 * async function twice<T>(call: () => Promise<T>): Promise<T> {
 *   try {
 *     return await call();
 *   } catch (error) {
 *     if (!(error instanceof VssError) || !error.retryable) throw error;
 *     return await call();
 *   }
 * }
 * ```
 */
export class VssError extends VssLibraryError {
  /** The HRESULT as an unsigned 32-bit number. */
  readonly code: number;
  /** The HRESULT as unsigned hex (`0x80042301`). */
  readonly hex: string;
  /** The code's known name (`VSS_E_BAD_STATE`), or its hex form when unknown. */
  readonly codeName: string;
  /** The interface (or `vssapi` for an exported function). */
  readonly interfaceName: string;
  /** The method or function that failed; the requester's errors name the step from it. */
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
    const unlisted = documented || !known ? "" : "; the method's page does not list this code";
    const advice = hresultMeaning(code)?.hint ?? null;
    const see = doc ? `See ${doc}` : null;
    super(`${where} failed with ${known ?? "HRESULT"} (${formatHresult(code)})${unlisted}`, {
      hint: advice && see ? `${advice} ${see}` : advice ?? see,
      hresult: code,
      retryable: isRetryableHresult(code),
    });
    this.code = toUnsigned(code);
    this.hex = formatHresult(code);
    this.codeName = known ?? this.hex;
    this.interfaceName = interfaceName;
    this.method = method;
    this.doc = doc;
    this.documented = documented;
  }
}

/**
 * A method was called on a COM object after it was released: a bug in the
 * caller, reported before any native call is made.
 *
 * @example A released object refuses further calls
 * ```ts ignore
 * import { ReleasedObjectError } from "./errors.ts";
 *
 * backup.release();
 * try {
 *   backup.InitializeForBackup(null);
 * } catch (error) {
 *   console.log(error instanceof ReleasedObjectError); // true
 * }
 * ```
 */
export class ReleasedObjectError extends VssLibraryError {
  /** `method` was called on a released `interfaceName`. */
  constructor(interfaceName: string, method: string) {
    super(`${interfaceName}::${method} called after the object was released`, {
      hint: "Keep the object alive (or take another reference with AddRef) while it is used.",
    });
  }
}

/**
 * An argument that cannot be passed as the C type requires (the caller's
 * fault, so a TypeError).
 *
 * @example Reject an embedded NUL
 * ```ts
 * import { VssArgumentError } from "./errors.ts";
 *
 * const error = new VssArgumentError("pwszVolumeName", "contains a NUL character");
 * console.log(error instanceof TypeError, error.message); // true argument pwszVolumeName contains ...
 * ```
 */
export class VssArgumentError extends TypeError {
  /** `VssArgumentError`, so that it reads apart from other TypeErrors in logs. */
  override name = "VssArgumentError";
  /** `parameter` has `problem`. */
  constructor(parameter: string, problem: string) {
    super(`argument ${parameter} ${problem}`);
  }
}

/**
 * VSS cannot be reached: not Windows and no simulator given, the FFI
 * permission is missing, a library could not be loaded, or the VSS found is
 * a stub.
 *
 * @example Fall back when VSS is missing
 * ```ts ignore
 * import { openVss, VssUnavailableError } from "@vss/requester";
 *
 * try {
 *   openVss();
 * } catch (error) {
 *   if (!(error instanceof VssUnavailableError)) throw error;
 *   console.error(`${error.message}\n${error.hint}`);
 * }
 * ```
 */
export class VssUnavailableError extends VssLibraryError {
  /** What to do about it. */
  declare readonly hint: string;
  /** VSS is unavailable for `reason`; `hint` says what to do. */
  constructor(reason: string, hint: string, options?: ErrorOptions) {
    super(`VSS is not available: ${reason}`, { hint, cause: options?.cause });
  }
}

/** Why an operation stopped: the caller's signal aborted, or a deadline passed. */
export type AbortReason = "aborted" | "deadline";

/**
 * An asynchronous VSS operation was stopped before it finished: the
 * caller's signal aborted it (`reason: "aborted"`), a deadline passed
 * (`"deadline"`), or VSS reports it cancelled. IVssAsync::Cancel was called
 * when the operation had started.
 *
 * @example Tell a deadline from a cancel button
 * ```ts ignore
 * import { createShadowCopySet, OperationAbortedError } from "@vss/requester";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\"], { deadlines: { snapshot: 60_000 } });
 * } catch (error) {
 *   if (!(error instanceof OperationAbortedError)) throw error;
 *   console.error(error.reason === "deadline" ? `${error.phase} took too long` : "cancelled");
 * }
 * ```
 */
export class OperationAbortedError extends VssLibraryError {
  /** `aborted` (the caller's signal) or `deadline` (a deadline passed). */
  readonly reason: AbortReason;
  /** The operation that was stopped (`DoSnapshotSet`, `createShadowCopySet`). */
  readonly operation: string;
  /** The requester phase (`snapshot`, `writer-status`, ...), when known. */
  readonly phase: string | null;
  /**
   * True when VSS did not stop within the grace period after
   * IVssAsync::Cancel: the wait was abandoned and VSS may still finish the
   * operation in the background.
   */
  readonly stillRunning: boolean;
  /** `operation` stopped for `reason`, during `phase` when known. */
  constructor(
    operation: string,
    reason: AbortReason,
    details: ErrorDetails & {
      phase?: string | null;
      cancelledByVss?: boolean;
      stillRunning?: boolean;
    } = {},
  ) {
    const phase = details.phase ?? null;
    const what = details.cancelledByVss
      ? "was cancelled by VSS"
      : reason === "deadline"
      ? `timed out${phase ? ` during ${phase}` : ""}`
      : "was aborted";
    const background = details.stillRunning
      ? "; VSS did not stop after Cancel and may still finish it in the background"
      : "";
    super(`${operation} ${what}${background}`, {
      hint: details.hint ??
        (reason === "deadline" ? "Allow more time for this phase, or try again later." : null),
      hresult: details.hresult,
      retryable: details.retryable ?? reason === "deadline",
      cause: details.cause,
    });
    this.reason = reason;
    this.operation = operation;
    this.phase = phase;
    this.stillRunning = details.stillRunning ?? false;
  }
}

/**
 * Why `signal` aborted: `deadline` when it was (or followed) an
 * `AbortSignal.timeout`, `aborted` otherwise.
 *
 * @example
 * ```ts
 * import { abortReasonOf } from "./errors.ts";
 *
 * const controller = new AbortController();
 * controller.abort();
 * console.log(abortReasonOf(controller.signal)); // aborted
 * ```
 */
export function abortReasonOf(signal: AbortSignal | undefined): AbortReason {
  const reason = signal?.reason;
  return reason instanceof DOMException && reason.name === "TimeoutError" ? "deadline" : "aborted";
}

/**
 * The calling thread is single-threaded (COM said RPC_E_CHANGED_MODE) and
 * the multithreaded apartment could not be kept alive with
 * CoIncrementMTAUsage (missing before Windows 8, or it failed), so VSS
 * cannot be driven from this thread.
 *
 * @example Open VSS from a thread that has not chosen an apartment
 * ```ts ignore
 * import { ComApartmentError, openVss } from "@vss/requester";
 *
 * try {
 *   openVss();
 * } catch (error) {
 *   if (!(error instanceof ComApartmentError)) throw error;
 *   console.error(`${error.message}\n  ${error.hint}`);
 * }
 * ```
 */
export class ComApartmentError extends VssLibraryError {
  /** What to do about it. */
  declare readonly hint: string;
  /** `hr` is CoIncrementMTAUsage's failure, or null when it is missing. */
  constructor(hr: number | null) {
    super(
      "this thread is in a single-threaded COM apartment (RPC_E_CHANGED_MODE) and the " +
        `multithreaded apartment could not be joined (CoIncrementMTAUsage ${
          hr === null ? "is not available" : `failed with ${formatHresult(hr)}`
        })`,
      {
        hint: "Open VSS before anything initialises COM as single-threaded on this thread " +
          "(CoInitializeEx with COINIT_APARTMENTTHREADED, OleInitialize), or from another thread.",
        hresult: HRESULT.RPC_E_CHANGED_MODE,
      },
    );
  }
}
