/**
 * Exit codes of the CLI and how every error maps to one, with the message
 * and advice the user sees.
 *
 * @module
 */

import {
  HRESULT,
  InsufficientStorageError,
  NotElevatedError,
  RequesterError,
  SnapshotSetInProgressError,
  UnsupportedProcessError,
  VolumeNotSupportedError,
  VssAsyncAbortedError,
  VssError,
  VssUnavailableError,
  WriterFailureError,
} from "../mod.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";

export { EXIT, EXIT_TABLE, type ExitCode } from "./exit_codes.ts";

/** An error the CLI raises itself, with advice and an exit code. */
export class CliError extends Error {
  /** Always `CliError` (subclasses name themselves). */
  override name = "CliError";
  /** What to do about it. */
  readonly hint: string;
  /** The exit code. */
  readonly exitCode: ExitCode;
  /** Extra machine-readable facts for `--json` output. */
  readonly details?: Record<string, unknown>;
  /** `message` went wrong; `hint` says what to do; the process exits with `exitCode`. */
  constructor(
    message: string,
    hint: string,
    exitCode: ExitCode,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.hint = hint;
    this.exitCode = exitCode;
    this.details = options?.details;
  }
}

/** A mistake on the command line (exit 1). */
export class UsageError extends CliError {
  override name = "UsageError";
  /** `message` is what is wrong, `hint` how to write it instead. */
  constructor(message: string, hint = "See --help.", options?: ErrorOptions) {
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
  /** The HRESULT name and hex value when VSS returned one. */
  code?: string;
  hresult?: string;
  details?: Record<string, unknown>;
}

const CODE_EXIT: Record<number, ExitCode> = {};
const CODE_HINT: Record<number, string> = {};
function codes(exitCode: ExitCode, hint: string | null, ...names: (keyof typeof HRESULT)[]) {
  for (const n of names) {
    const value = HRESULT[n] >>> 0;
    CODE_EXIT[value] = exitCode;
    if (hint !== null) CODE_HINT[value] = hint;
  }
}
codes(
  EXIT.notElevated,
  "Run from an elevated prompt (Run as administrator) or as a member of Backup Operators.",
  "E_ACCESSDENIED",
);
codes(
  EXIT.writer,
  "Check the writer's application and its event log (`vss writers status`); retry, or exclude the writer.",
  "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT",
  "VSS_E_WRITERERROR_NONRETRYABLE",
  "VSS_E_WRITERERROR_OUTOFRESOURCES",
  "VSS_E_WRITERERROR_PARTIAL_FAILURE",
  "VSS_E_WRITERERROR_RECOVERY_FAILED",
  "VSS_E_WRITERERROR_RETRYABLE",
  "VSS_E_WRITERERROR_TIMEOUT",
  "VSS_E_WRITER_NOT_RESPONDING",
  "VSS_E_WRITER_INFRASTRUCTURE",
  "VSS_E_UNEXPECTED_WRITER_ERROR",
  "VSS_E_WRITER_STATUS_NOT_AVAILABLE",
);
codes(
  EXIT.storage,
  "Free space or raise the shadow storage limit (`vss diff-areas resize`), or choose another volume or provider (`vss volume-support`).",
  "VSS_E_INSUFFICIENT_STORAGE",
  "VSS_E_VOLUME_NOT_SUPPORTED",
  "VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER",
  "VSS_E_VOLUME_NOT_LOCAL",
  "VSS_E_NESTED_VOLUME_LIMIT",
  "VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED",
  "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED",
);
codes(
  EXIT.storage,
  "The volume has as many shadow copies as it may hold; delete old ones (`vss delete --oldest VOLUME`).",
  "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED",
);
codes(
  EXIT.inProgress,
  "Wait until the other operation finishes, then retry.",
  "VSS_E_SNAPSHOT_SET_IN_PROGRESS",
  "VSS_E_REVERT_IN_PROGRESS",
  "VSS_E_RESYNC_IN_PROGRESS",
);
codes(
  EXIT.aborted,
  "VSS gave up waiting for the volumes or writers; retry when the system is less busy.",
  "VSS_E_FLUSH_WRITES_TIMEOUT",
  "VSS_E_HOLD_WRITES_TIMEOUT",
  "VSS_E_TRANSACTION_FREEZE_TIMEOUT",
  "VSS_E_TRANSACTION_THAW_TIMEOUT",
);
codes(
  EXIT.vss,
  "No shadow copy, set, volume or provider has that id or name; `vss list` shows the shadow copies, `vss providers` the providers.",
  "VSS_E_OBJECT_NOT_FOUND",
);
codes(
  EXIT.vss,
  "It exists already (a volume given twice, or a diff area already there).",
  "VSS_E_OBJECT_ALREADY_EXISTS",
);
codes(
  EXIT.vss,
  "`vss providers` lists the registered providers.",
  "VSS_E_PROVIDER_NOT_REGISTERED",
);
codes(
  EXIT.vss,
  "This needs a persistent shadow copy (`vss create --persistent`) or another --context.",
  "VSS_E_UNSUPPORTED_CONTEXT",
);
codes(
  EXIT.vss,
  "The document is not a backup components document saved by --save-document.",
  "VSS_E_INVALID_XML_DOCUMENT",
  "VSS_E_CORRUPT_XML_DOCUMENT",
);
// The VSS service is disabled (HRESULT_FROM_WIN32(ERROR_SERVICE_DISABLED)).
CODE_EXIT[0x80070422] = EXIT.unavailable;
CODE_HINT[0x80070422] = "Enable the Volume Shadow Copy service (services.msc), then retry.";

function headOf(message: string, hint: string): string {
  const tail = `. ${hint}`;
  return message.endsWith(tail) ? message.slice(0, -tail.length) : message;
}

function vssErrorIn(error: unknown): VssError | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof VssError) return e;
  }
  return null;
}

function interruptedIn(error: unknown): InterruptedError | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof InterruptedError) return e;
  }
  return null;
}

/**
 * The exit code, message and advice for any error the commands throw.
 *
 * @example
 * ```ts ignore
 * const failure = classify(error);
 * console.error(failure.message);
 * ```
 */
export function classify(error: unknown): Failure {
  const vss = vssErrorIn(error);
  const withCode = (f: Failure): Failure =>
    vss ? { ...f, code: vss.codeName, hresult: vss.hex } : f;
  if (error instanceof CliError) {
    return withCode({
      exitCode: error.exitCode,
      name: error.name,
      message: error.message,
      hint: error.hint,
      details: error.details,
    });
  }
  const interrupted = interruptedIn(error);
  if (error instanceof VssAsyncAbortedError || interrupted) {
    const timedOut = error instanceof Error && /timed out/.test(error.message);
    return {
      exitCode: EXIT.aborted,
      name: error instanceof Error ? error.name : "Error",
      message: interrupted ? `interrupted: ${(error as Error).message}` : (error as Error).message,
      hint: timedOut
        ? "Give the phase more time (--timeout or --timeout-PHASE); nothing was left behind."
        : "The operation was cancelled and the backup aborted; nothing was left behind.",
    };
  }
  if (error instanceof DOMException && error.name === "AbortError") {
    return {
      exitCode: EXIT.aborted,
      name: "AbortError",
      message: "interrupted",
      hint: "The operation was cancelled and the backup aborted; nothing was left behind.",
    };
  }
  if (error instanceof RequesterError) {
    const exitCode = error instanceof NotElevatedError
      ? EXIT.notElevated
      : error instanceof WriterFailureError
      ? EXIT.writer
      : error instanceof InsufficientStorageError || error instanceof VolumeNotSupportedError
      ? EXIT.storage
      : error instanceof SnapshotSetInProgressError
      ? EXIT.inProgress
      : error instanceof UnsupportedProcessError
      ? EXIT.unavailable
      : (vss && CODE_EXIT[vss.code]) ?? EXIT.vss;
    const details: Record<string, unknown> = {};
    if (error instanceof WriterFailureError) details.writers = error.writers;
    if (error instanceof VolumeNotSupportedError) {
      details.volume = error.volume;
      details.providerId = error.providerId;
    }
    return withCode({
      exitCode,
      name: error.name,
      message: headOf(error.message, error.hint),
      hint: error.hint,
      details: Object.keys(details).length > 0 ? details : undefined,
    });
  }
  if (error instanceof VssUnavailableError) {
    return {
      exitCode: EXIT.unavailable,
      name: error.name,
      message: headOf(error.message, error.hint),
      hint: error.hint,
    };
  }
  if (vss) {
    return withCode({
      exitCode: CODE_EXIT[vss.code] ?? EXIT.vss,
      name: vss.name,
      message: vss.message,
      hint: CODE_HINT[vss.code] ??
        "Look in the Application event log (source VSS) for the service's side of the failure.",
    });
  }
  if (error instanceof TypeError && error.name === "GuidFormatError") {
    return { exitCode: EXIT.usage, name: error.name, message: error.message, hint: "See --help." };
  }
  if (error instanceof RangeError) {
    return { exitCode: EXIT.usage, name: error.name, message: error.message, hint: "See --help." };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      exitCode: EXIT.unavailable,
      name: error.name,
      message: error.message,
      hint:
        "Run with the permissions the CLI needs: --allow-ffi --allow-env --allow-read --allow-write --allow-run (or -A).",
    };
  }
  return {
    exitCode: EXIT.internal,
    name: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
    hint: "This is a bug in the CLI; rerun with --debug and report the stack trace.",
  };
}
