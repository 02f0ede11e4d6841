/**
 * The CLI's own errors, and how every error maps to an exit code with the
 * message and advice the user sees. Errors are told apart by class and by
 * their fields, never by their message text.
 *
 * @module
 */

import {
  ComApartmentError,
  HRESULT,
  hresultMeaning,
  InsufficientStorageError,
  LimitReachedError,
  NotElevatedError,
  OperationAbortedError,
  PrivilegeNotHeldError,
  RequesterError,
  SnapshotSetInProgressError,
  UnsupportedProcessError,
  VolumeNotFoundError,
  VolumeNotSupportedError,
  VssError,
  VssLibraryError,
  VssUnavailableError,
  WriterFailureError,
} from "../mod.ts";
import { describeHresult, formatHresult, hresultName, toUnsigned } from "../ffi/hresult.ts";
import { ReleasedObjectError } from "../ffi/mod.ts";
import { ShadowFileError } from "../requester/files/errors.ts";
import { deadlineOptionOf } from "./deadlines.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";

export { EXIT, EXIT_TABLE, type ExitCode } from "./exit_codes.ts";

/**
 * An error the CLI raises itself. It has the library's error shape
 * (`message`, `hint`, `retryable`, `cause`) plus the exit code and, for
 * `--json`, machine-readable details.
 */
export class CliError extends VssLibraryError {
  /** Always `CliError` (subclasses name themselves). */
  override name = "CliError";
  /** What to do about it. */
  declare readonly hint: string;
  /** The exit code. */
  readonly exitCode: ExitCode;
  /** Extra machine-readable facts for `--json` output. */
  readonly details?: Record<string, unknown>;
  /** `message` went wrong; `hint` says what to do; the process exits with `exitCode`. */
  constructor(
    message: string,
    hint: string,
    exitCode: ExitCode,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { hint, cause: options.cause });
    this.exitCode = exitCode;
    this.details = options.details;
  }
}

/** A mistake on the command line (exit 1). The only errors that exit with 1. */
export class UsageError extends CliError {
  override name = "UsageError";
  /** `message` is what is wrong, `hint` how to write it instead. */
  constructor(message: string, hint = "See --help.", options: { cause?: unknown } = {}) {
    super(message, hint, EXIT.usage, options);
  }
}

/** The user interrupted the command (Ctrl-C) or declined a confirmation (exit 7). */
export class InterruptedError extends CliError {
  override name = "InterruptedError";
  /** `message` says what was stopped. */
  constructor(message = "interrupted", hint = "Nothing was left behind.") {
    super(message, hint, EXIT.aborted);
  }
}

/** What the user is told about a failure. */
export interface Failure {
  exitCode: ExitCode;
  /** The error class (`NotElevatedError`, `VssError`, ...). */
  name: string;
  message: string;
  hint: string | null;
  /** The HRESULT's name (its hex form when it has none) when VSS returned one. */
  code?: string;
  /** The HRESULT in hex (`0x80042301`). */
  hresult?: string;
  details?: Record<string, unknown>;
}

/** Exit codes by HRESULT name; every other failing HRESULT exits with {@linkcode EXIT.vss}. */
const CODE_EXIT_BY_NAME: Readonly<Partial<Record<keyof typeof HRESULT, ExitCode>>> = {
  E_ACCESSDENIED: EXIT.notElevated,
  VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT: EXIT.writer,
  VSS_E_WRITERERROR_NONRETRYABLE: EXIT.writer,
  VSS_E_WRITERERROR_OUTOFRESOURCES: EXIT.writer,
  VSS_E_WRITERERROR_PARTIAL_FAILURE: EXIT.writer,
  VSS_E_WRITERERROR_RECOVERY_FAILED: EXIT.writer,
  VSS_E_WRITERERROR_RETRYABLE: EXIT.writer,
  VSS_E_WRITERERROR_TIMEOUT: EXIT.writer,
  VSS_E_WRITER_NOT_RESPONDING: EXIT.writer,
  VSS_E_WRITER_INFRASTRUCTURE: EXIT.writer,
  VSS_E_UNEXPECTED_WRITER_ERROR: EXIT.writer,
  VSS_E_WRITER_STATUS_NOT_AVAILABLE: EXIT.writer,
  VSS_E_INSUFFICIENT_STORAGE: EXIT.storage,
  VSS_E_VOLUME_NOT_SUPPORTED: EXIT.storage,
  VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER: EXIT.storage,
  VSS_E_VOLUME_NOT_LOCAL: EXIT.storage,
  VSS_E_NESTED_VOLUME_LIMIT: EXIT.storage,
  VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED: EXIT.storage,
  VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED: EXIT.storage,
  VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED: EXIT.storage,
  VSS_E_SNAPSHOT_SET_IN_PROGRESS: EXIT.inProgress,
  VSS_E_REVERT_IN_PROGRESS: EXIT.inProgress,
  VSS_E_RESYNC_IN_PROGRESS: EXIT.inProgress,
  VSS_E_FLUSH_WRITES_TIMEOUT: EXIT.aborted,
  VSS_E_HOLD_WRITES_TIMEOUT: EXIT.aborted,
  VSS_E_TRANSACTION_FREEZE_TIMEOUT: EXIT.aborted,
  VSS_E_TRANSACTION_THAW_TIMEOUT: EXIT.aborted,
};
/** Exit code by (unsigned) HRESULT. */
const CODE_EXIT = new Map<number, ExitCode>([
  ...Object.entries(CODE_EXIT_BY_NAME).map(([name, code]) =>
    [toUnsigned(HRESULT[name as keyof typeof HRESULT]), code!] as const
  ),
  // HRESULT_FROM_WIN32(ERROR_SERVICE_DISABLED): the VSS service is disabled.
  [0x80070422, EXIT.unavailable],
]);
/** HRESULT_FROM_WIN32(ERROR_SERVICE_DISABLED), which the model does not name. */
const SERVICE_DISABLED_HINT = "Enable the Volume Shadow Copy service (services.msc), then retry.";

/**
 * The `vss` command that shows more, by exit code, or for a few HRESULTs by
 * name. Added after the library's advice (which says what to do, not which
 * command of this tool does it).
 */
const SEE_COMMAND: Readonly<Partial<Record<keyof typeof HRESULT | ExitCode, string>>> = {
  VSS_E_OBJECT_NOT_FOUND: "`vss list` shows the shadow copies, `vss providers` the providers.",
  VSS_E_PROVIDER_NOT_REGISTERED: "`vss providers` lists the registered providers.",
  VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED: "`vss delete --oldest VOLUME` makes room.",
  [EXIT.writer]: "`vss writers status` shows the writers' states.",
  [EXIT.storage]: "`vss diff-areas list` and `vss volume-support` show the storage and support.",
};

/** The `vss` command that shows more about a failure with `hr` and `exitCode`, or null. */
function seeCommand(hr: number | null, exitCode: ExitCode): string | null {
  const name = hr === null ? null : hresultName(hr) as keyof typeof HRESULT | null;
  return (name !== null ? SEE_COMMAND[name] : undefined) ?? SEE_COMMAND[exitCode] ?? null;
}

/** What to do about an HRESULT: the library's advice for it, else a look at the event log. */
function adviceFor(hr: number | null): string {
  if (hr === 0x80070422) return SERVICE_DISABLED_HINT;
  return (hr === null ? undefined : hresultMeaning(hr)?.hint) ?? VSS_HINT;
}

/** `hint` followed by the command that shows more, when there is one. */
function withSee(hint: string, hr: number | null, exitCode: ExitCode): string {
  const see = seeCommand(hr, exitCode);
  return see === null || hint.includes(see) ? hint : `${hint} ${see}`;
}

const ABORT_HINT = "The operation was cancelled and the backup aborted; nothing was left behind.";
const VSS_HINT =
  "Look in the Application event log (source VSS) for the service's side of the failure.";
const PERMISSION_HINT =
  "Run with the permissions the CLI needs: --allow-ffi --allow-env --allow-read --allow-write --allow-run (or -A).";
const BUG_HINT = "This is a bug in the CLI; rerun with --debug and report the stack trace.";

/** The requester's error classes with their own exit code (the first that matches wins). */
const REQUESTER_EXIT: readonly [abstract new (...args: never[]) => RequesterError, ExitCode][] = [
  [NotElevatedError, EXIT.notElevated],
  [WriterFailureError, EXIT.writer],
  [InsufficientStorageError, EXIT.storage],
  [VolumeNotSupportedError, EXIT.storage],
  [LimitReachedError, EXIT.storage],
  [SnapshotSetInProgressError, EXIT.inProgress],
  [UnsupportedProcessError, EXIT.unavailable],
  [VolumeNotFoundError, EXIT.vss],
];

/** The first error in `error`'s cause chain that `test` accepts. */
function inChain<T>(error: unknown, test: (e: unknown) => e is T): T | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (test(e)) return e;
  }
  return null;
}

/** The HRESULT behind an error: the first in its cause chain that carries one. */
function hresultIn(error: unknown): number | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof VssLibraryError && e.hresult !== null) return e.hresult;
  }
  return null;
}

function details(error: RequesterError): Record<string, unknown> | undefined {
  if (error instanceof WriterFailureError) {
    return { writers: error.writers, retryable: error.retryable };
  }
  if (error instanceof VolumeNotSupportedError) {
    return {
      volume: error.volume,
      providerId: error.providerId,
      transportable: error.transportable,
    };
  }
  return undefined;
}

/** Where the CLI ran when the error happened, for advice that depends on it. */
export interface FailureContext {
  /** Which VSS was in use (`runtime.loaded.kind`; missing: not opened yet). */
  vss?: "system" | "simulator" | "custom";
}

/** How a transportable set is made possible on the simulator (simulator/README.md "Providers"). */
const SIMULATOR_HARDWARE_HINT = "register its hardware provider: VSS_SIM_HARDWARE_PROVIDER=1 " +
  "(saved in VSS_SIM_STATE_DIR) or Simulator.hardwareProvider(true).";

/**
 * How the simulator gets a hardware provider, as a sentence for a hint: for
 * the simulator, for a custom library (which may be one), nothing for the
 * system's VSS.
 *
 * @example
 * ```ts
 * import { simulatorHardwareHint } from "./errors.ts";
 * console.log(simulatorHardwareHint("system") === ""); // true
 * ```
 */
export function simulatorHardwareHint(vss: FailureContext["vss"]): string {
  return vss === "simulator"
    ? `On the simulator, ${SIMULATOR_HARDWARE_HINT}`
    : vss === "custom"
    ? `If the VSS in use is the simulator, ${SIMULATOR_HARDWARE_HINT}`
    : "";
}

/** The advice for a requester error: its hint, then what the CLI adds to it. */
function requesterHint(
  error: RequesterError,
  hr: number | null,
  exitCode: ExitCode,
  context: FailureContext,
): string {
  if (error instanceof VolumeNotSupportedError && error.transportable) {
    const see = "`vss providers` lists them.";
    const simulator = simulatorHardwareHint(context.vss);
    return [error.hint, see, ...(simulator ? [simulator] : [])].join(" ");
  }
  return withSee(error.hint ?? adviceFor(hr), hr, exitCode);
}

/** An error's name, message and hint. */
function fields(error: VssLibraryError): Pick<Failure, "name" | "message" | "hint"> {
  return { name: error.name, message: error.message, hint: error.hint ?? VSS_HINT };
}

/**
 * A file of a shadow copy or of the copy's destination that could not be
 * read or written: access denied, or a privilege the token lacks, is exit 3
 * (run elevated or as a Backup Operator); any other file error is exit 8.
 */
function fileFailure(error: unknown): Failure | null {
  if (error instanceof PrivilegeNotHeldError) {
    return {
      exitCode: EXIT.notElevated,
      ...fields(error),
      details: { privileges: error.privileges },
    };
  }
  if (!(error instanceof ShadowFileError)) return null;
  return {
    exitCode: error.accessDenied ? EXIT.notElevated : EXIT.vss,
    ...fields(error),
    hint: error.hint ??
      (error.notFound
        ? "Check the path; it must exist when the shadow copy is made."
        : "Check the path, the free space and the permissions at the destination."),
    details: { operation: error.operation, path: error.path, code: error.code },
  };
}

/** What to do about a passed deadline: give that phase (or every phase) more time. */
function deadlineHint(phase: string | null): string {
  const option = phase === null ? null : deadlineOptionOf(phase);
  const more = option === null
    ? "--timeout, or --timeout-PHASE for one phase"
    : `--${option}, or --timeout for every phase`;
  return `Give ${phase ?? "the operation"} more time (${more}); nothing was left behind.`;
}

/**
 * A cancelled or timed-out operation, or the user's Ctrl-C under another
 * error: told apart by the error's `reason`, and by the CLI's own
 * {@linkcode InterruptedError} as the abort reason in the cause chain.
 */
function aborted(error: unknown): Failure | null {
  const interrupted = inChain(error, (e): e is InterruptedError => e instanceof InterruptedError);
  const operation = inChain(
    error,
    (e): e is OperationAbortedError => e instanceof OperationAbortedError,
  );
  const dom = error instanceof DOMException &&
    (error.name === "AbortError" || error.name === "TimeoutError");
  if (!interrupted && !operation && !dom) return null;
  const e = error as Error;
  const deadline = interrupted === null && operation?.reason === "deadline";
  return {
    exitCode: EXIT.aborted,
    name: e.name,
    message: interrupted ? `interrupted: ${e.message}` : dom ? "interrupted" : e.message,
    hint: deadline ? deadlineHint(operation.phase) : ABORT_HINT,
    ...(operation
      ? {
        details: {
          reason: operation.reason,
          operation: operation.operation,
          phase: operation.phase,
        },
      }
      : {}),
  };
}

/**
 * The exit code, message and advice for any error a command throws: the
 * message and the hint come from the error's fields. Only the CLI's own
 * {@linkcode UsageError}s exit with 1; an argument error from the library
 * (a RangeError, a TypeError) is a bug of the CLI, which should have checked
 * the value first. `context` says where it ran (advice for the simulator).
 *
 * @example
 * ```ts ignore
 * const failure = classify(error);
 * console.error(failure.message);
 * ```
 */
export function classify(error: unknown, context: FailureContext = {}): Failure {
  const hr = hresultIn(error);
  const withCode = (f: Failure): Failure =>
    hr === null ? f : { ...f, code: describeHresult(hr), hresult: formatHresult(hr) };
  if (error instanceof CliError) {
    const { exitCode, name, message, hint, details } = error;
    return withCode({ exitCode, name, message, hint, details });
  }
  const abort = aborted(error);
  if (abort) return abort;
  if (error instanceof RequesterError) {
    const exitCode = REQUESTER_EXIT.find(([type]) => error instanceof type)?.[1] ??
      (hr !== null ? CODE_EXIT.get(hr) : undefined) ?? EXIT.vss;
    const { name, message } = error;
    const hint = requesterHint(error, hr, exitCode, context);
    return withCode({ exitCode, name, message, hint, details: details(error) });
  }
  if (error instanceof VssUnavailableError) {
    const { name, message, hint } = error;
    return { exitCode: EXIT.unavailable, name, message, hint };
  }
  const vss = inChain(error, (e): e is VssError => e instanceof VssError);
  if (vss) {
    const exitCode = CODE_EXIT.get(vss.code) ?? EXIT.vss;
    return withCode({
      exitCode,
      name: vss.name,
      message: vss.message,
      // VssError's hint starts with the library's advice for its code (hresultMeaning).
      hint: withSee(vss.hint ?? adviceFor(vss.code), vss.code, exitCode),
    });
  }
  const file = fileFailure(error);
  if (file) return withCode(file);
  if (error instanceof ComApartmentError) {
    return withCode({ exitCode: EXIT.unavailable, ...fields(error) });
  }
  if (error instanceof VssLibraryError && !(error instanceof ReleasedObjectError)) {
    const exitCode = (hr !== null ? CODE_EXIT.get(hr) : undefined) ?? EXIT.vss;
    return withCode({
      exitCode,
      name: error.name,
      message: error.message,
      hint: withSee(error.hint ?? adviceFor(hr), hr, exitCode),
    });
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      exitCode: EXIT.unavailable,
      name: error.name,
      message: error.message,
      hint: PERMISSION_HINT,
    };
  }
  return {
    exitCode: EXIT.internal,
    name: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
    hint: BUG_HINT,
  };
}
