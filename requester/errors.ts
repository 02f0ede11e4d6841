/**
 * Actionable errors of the requester API: each says what went wrong in VSS
 * terms (`message`), what to do about it (`hint`), and keeps the underlying
 * VssError as `cause`.
 *
 * @module
 */

import { type ErrorDetails, isRetryableHresult, VssError, VssLibraryError } from "../ffi/errors.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import { describeHresult } from "../ffi/hresult.ts";

/**
 * Base class of the requester API's errors. Each one says what failed in VSS
 * terms, carries the advice in {@linkcode RequesterError.hint} (never in the
 * message), and keeps the lower-level {@linkcode VssError} as `cause` when
 * there is one.
 *
 * @example Report any requester error with its advice
 * ```ts ignore
 * import { createShadowCopySet, RequesterError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\"]);
 *   console.log(set.id);
 * } catch (error) {
 *   if (!(error instanceof RequesterError)) throw error;
 *   console.error(`${error.name}: ${error.message}\n  ${error.hint}`);
 *   if (error.retryable) console.error("  (trying again later can work)");
 * }
 * ```
 */
export class RequesterError extends VssLibraryError {
  /** What to do about it. */
  declare readonly hint: string;
  /** A one-sentence message; `details.hint` says what to do. */
  constructor(message: string, details: ErrorDetails & { hint: string }) {
    super(message, details);
  }
}

/** The HRESULT and retryability of the VssError behind an error, for its details. */
function fromCause(cause: VssError, hint: string): ErrorDetails & { hint: string } {
  return { hint, cause, hresult: cause.code, retryable: cause.retryable };
}

/**
 * The process lacks the rights VSS requires (E_ACCESSDENIED): it is not
 * elevated, or not a member of Administrators or Backup Operators.
 *
 * @example Tell the user to elevate
 * ```ts ignore
 * import { listShadowCopies, NotElevatedError } from "./mod.ts";
 *
 * try {
 *   console.log(await listShadowCopies());
 * } catch (error) {
 *   if (!(error instanceof NotElevatedError)) throw error;
 *   console.error(error.hint); // run as administrator, or as a Backup Operator
 *   Deno.exitCode = 5;
 * }
 * ```
 */
export class NotElevatedError extends RequesterError {
}

/**
 * Another shadow copy set is being created (VSS_E_SNAPSHOT_SET_IN_PROGRESS)
 * and the retries of {@linkcode createShadowCopySet} ran out.
 *
 * @example Retry longer, then give up with a clear message
 * ```ts ignore
 * import { createShadowCopySet, SnapshotSetInProgressError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\"], {
 *     retry: { attempts: 6, initialDelayMs: 2_000 },
 *   });
 *   console.log(set.snapshots[0].devicePath);
 * } catch (error) {
 *   if (error instanceof SnapshotSetInProgressError) console.error("another backup is running");
 *   else throw error;
 * }
 * ```
 */
export class SnapshotSetInProgressError extends RequesterError {
}

/**
 * A writer's state and failure, as reported by GetWriterStatus; the elements
 * of {@linkcode WriterFailureError.writers}.
 *
 * @example Describe a failed writer
 * ```ts
 * import type { WriterFailure } from "./mod.ts";
 *
 * const failure: WriterFailure = {
 *   name: "SqlServerWriter",
 *   writerId: "a65faa63-5ea8-4ebc-9dbd-a0c4db26912a",
 *   instanceId: "3c2e4f5a-0b1c-4d2e-8f90-1a2b3c4d5e6f",
 *   state: 8,
 *   stateName: "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT",
 *   failure: 0x800423f4,
 *   failureName: "VSS_E_WRITERERROR_NONRETRYABLE",
 *   application: 0,
 *   applicationMessage: null,
 *   retryable: false,
 * };
 * console.log(`${failure.name}: ${failure.stateName} (${failure.failureName})`);
 * ```
 */
export interface WriterFailure {
  /** The name. */
  name: string;
  /** Writer class id. */
  writerId: string;
  /** Writer instance id. */
  instanceId: string;
  /** Writer state (VSS_WRITER_STATE). */
  state: number;
  /** Writer state name, e.g. `VSS_WS_STABLE`. */
  stateName: string;
  /** The writer's failure HRESULT (0 when none). */
  failure: number;
  /** Name of the failure HRESULT, when known. */
  failureName: string | null;
  /** The application's own HRESULT (0 when none). */
  application: number;
  /** The application's message, when it gave one. */
  applicationMessage: string | null;
  /**
   * Whether the writer's failure is one a new attempt can get past
   * (VSS_E_WRITERERROR_RETRYABLE, _TIMEOUT, _OUTOFRESOURCES; VSS's
   * WRITER_NOT_RESPONDING, STATUS_NOT_AVAILABLE), per the GetWriterStatus page.
   */
  retryable: boolean;
}

/**
 * A writer the backup depends on failed during a phase: one named in
 * `writers.include`, one with data on the set in a `full`, `incremental`,
 * `differential` or `log` backup, any writer during a restore — or a writer
 * vetoed the operation itself (its IVssAsync ended with a
 * VSS_E_WRITERERROR_* code), which then did not take place. `writers` lists
 * the failed writers as GatherWriterStatus reported them after the phase;
 * `retryable` comes from the failure codes (VSS_E_WRITERERROR_RETRYABLE,
 * _TIMEOUT, _OUTOFRESOURCES: trying again can work; writer-errors-and-vetoes.md).
 *
 * @example List the writers that failed
 * ```ts ignore
 * import { createShadowCopySet, WriterFailureError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\"], {
 *     writers: { include: [{ name: "SqlServerWriter" }] },
 *   });
 *   console.log(set.id);
 * } catch (error) {
 *   if (!(error instanceof WriterFailureError)) throw error;
 *   for (const w of error.writers) console.error(w.name, w.stateName, w.failureName);
 *   if (error.retryable) console.error("trying again later can work");
 * }
 * ```
 */
export class WriterFailureError extends RequesterError {
  /** The failed writers (empty when VSS reported a veto but no writer status could be read). */
  readonly writers: WriterFailure[];
  /**
   * `phase` names the step (a VSS method) after which the writers were
   * found failed. `veto` is the VSS_E_WRITERERROR_* code the step's
   * IVssAsync ended with, when the writers vetoed it: it is the `hresult`
   * and decides `retryable`. `unnamed` says why no writer could be named.
   */
  constructor(
    phase: string,
    writers: WriterFailure[],
    options: ErrorOptions & { veto?: number; unnamed?: string } = {},
  ) {
    const list = writers.map((w) =>
      `${w.name} (${w.stateName}, ${w.failureName ?? describeHresult(w.failure)})`
    );
    const veto = options.veto === undefined ? null : options.veto;
    const retryable = veto !== null
      ? isRetryableHresult(veto)
      : writers.length > 0 && writers.every((w) => w.retryable);
    const what = veto === null
      ? `${writers.length} writer(s) failed during ${phase}`
      : `${phase} was vetoed by ${writers.length || "a"} writer(s) (${describeHresult(veto)})`;
    const named = writers.length > 0
      ? `: ${list.join(", ")}`
      : options.unnamed
      ? `; ${options.unnamed}`
      : "";
    super(`${what}${named}`, {
      hint: retryable
        ? "Trying the backup again can work, once the system is less busy; if the writer keeps " +
          "failing, restart the application or service that hosts it (its event log says more)."
        : "Check the application behind each writer (its event log), or exclude the writer " +
          "and accept a crash-consistent copy of its data.",
      hresult: veto,
      retryable,
      cause: options.cause,
    });
    this.writers = writers;
  }
}

/**
 * The shadow copy storage is full (VSS_E_INSUFFICIENT_STORAGE).
 *
 * @example Raise the storage limit and try once more
 * ```ts ignore
 * import { createShadowCopySet, diffAreaManagement, InsufficientStorageError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\"]);
 *   console.log(set.id);
 * } catch (error) {
 *   if (!(error instanceof InsufficientStorageError)) throw error;
 *   diffAreaManagement.changeMaximumSize("C:\\", "C:\\", 20n * 2n ** 30n);
 *   await using set = await createShadowCopySet(["C:\\"]);
 *   console.log(set.id);
 * }
 * ```
 */
export class InsufficientStorageError extends RequesterError {
}

/**
 * A volume cannot be shadow copied (by any provider, or by the one asked for).
 * When the set was to be transportable (`transportable`), the usual reason is
 * that no hardware provider is registered: the system software provider makes
 * no transportable shadow copies (VSS_VOLSNAP_ATTR_TRANSPORTABLE needs a
 * provider that supports it; `vss/ne-vss-vss_volume_snapshot_attributes.md`).
 *
 * @example Name the volume that cannot be copied
 * ```ts ignore
 * import { createShadowCopySet, VolumeNotSupportedError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\", "E:\\"], { transportable: true });
 *   console.log(set.id);
 * } catch (error) {
 *   if (!(error instanceof VolumeNotSupportedError)) throw error;
 *   console.error(`${error.volume} cannot be shadow copied by ${error.providerId ?? "any provider"}`);
 *   if (error.transportable) console.error(error.hint); // a hardware provider is needed
 * }
 * ```
 */
export class VolumeNotSupportedError extends RequesterError {
  /** The volume. */
  readonly volume: string;
  /** The provider asked for, or null for the default choice. */
  readonly providerId: string | null;
  /** Whether a transportable shadow copy was asked for. */
  readonly transportable: boolean;
  /**
   * `volume` is not supported by `providerId` (null: by any provider), for a
   * transportable shadow copy when `options.transportable`; `cause` is the VssError.
   */
  constructor(
    volume: string,
    providerId: string | null,
    cause: VssError,
    options: { transportable?: boolean } = {},
  ) {
    const transportable = options.transportable ?? false;
    const kind = transportable ? "transportable shadow copies of volume" : "volume";
    super(
      providerId
        ? `${kind} ${volume} ${transportable ? "are" : "is"} not supported by the shadow copy ` +
          `provider ${providerId}`
        : `no shadow copy provider supports ${kind} ${volume}`,
      fromCause(
        cause,
        transportable
          ? "Transportable shadow copies need a hardware provider that supports the volume; " +
            "the system software provider cannot make them. List the providers " +
            "(listProviders, type hardware), or make the set without transportable."
          : "Shadow copies need a local NTFS or ReFS volume (or a supported file share); " +
            "choose another volume or provider.",
      ),
    );
    this.volume = volume;
    this.providerId = providerId;
    this.transportable = transportable;
  }
}

/**
 * A volume (or share) that does not exist (VSS_E_OBJECT_NOT_FOUND when a
 * volume was added to the set).
 *
 * @example Report a mistyped volume
 * ```ts ignore
 * import { createShadowCopySet, VolumeNotFoundError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["Q:\\"]);
 *   console.log(set.id);
 * } catch (error) {
 *   if (!(error instanceof VolumeNotFoundError)) throw error;
 *   console.error(error.message); // names the volume and the forms VSS accepts
 * }
 * ```
 */
export class VolumeNotFoundError extends RequesterError {
}

/**
 * A limit was reached: 64 volumes in a set, or the maximum number of shadow copies of a volume.
 *
 * @example Make room by deleting the oldest shadow copy
 * ```ts ignore
 * import { createShadowCopySet, deleteShadowCopies, LimitReachedError } from "./mod.ts";
 *
 * const snapshot = async () =>
 *   await (await createShadowCopySet(["C:\\"], { context: "client-accessible" })).complete();
 * try {
 *   await snapshot();
 * } catch (error) {
 *   if (!(error instanceof LimitReachedError)) throw error;
 *   await deleteShadowCopies({ oldest: "C:\\" });
 *   await snapshot();
 * }
 * ```
 */
export class LimitReachedError extends RequesterError {
}

/**
 * The process cannot drive VSS: 32-bit, or an x64 process emulated on ARM64.
 * {@linkcode openVss} checks this before loading anything.
 *
 * @example Ask for the native build of the runtime
 * ```ts ignore
 * import { openVss, UnsupportedProcessError } from "./mod.ts";
 *
 * try {
 *   openVss();
 * } catch (error) {
 *   if (!(error instanceof UnsupportedProcessError)) throw error;
 *   console.error(error.hint); // e.g. use the native ARM64 Deno build
 * }
 * ```
 */
export class UnsupportedProcessError extends RequesterError {
}

/**
 * A session object was used again after it finished: a
 * {@linkcode ShadowCopySet} after `complete()` or `delete()`.
 *
 * @example A set is completed once
 * ```ts ignore
 * import { createShadowCopySet, SessionFinishedError } from "./mod.ts";
 *
 * const set = await createShadowCopySet(["C:\\"]);
 * await set.complete();
 * try {
 *   await set.delete();
 * } catch (error) {
 *   console.log(error instanceof SessionFinishedError); // true
 * }
 * ```
 */
export class SessionFinishedError extends RequesterError {
}

/**
 * `openVss` was called again with options that differ from the first call's:
 * a process has one VSS runtime, opened once.
 *
 * @example Open VSS once, early, with the options the program needs
 * ```ts ignore
 * import { openVss, RuntimeConflictError } from "./mod.ts";
 *
 * openVss({ libraryPath: "build/simulator/linux/libvss_sim.so" });
 * try {
 *   openVss({ libraryPath: "/opt/other/libvss.so" });
 * } catch (error) {
 *   console.log(error instanceof RuntimeConflictError); // true
 * }
 * ```
 */
export class RuntimeConflictError extends RequesterError {
}

/**
 * A writer selector of `writers.include` or `writers.exclude` matched no
 * writer (or no component) of the system: a typo would otherwise silently
 * back up without the writer the caller asked for.
 *
 * @example Report the selector that matched nothing
 * ```ts ignore
 * import { createShadowCopySet, WriterSelectorError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["D:\\"], {
 *     writers: { include: [{ name: "SqlServerWritter" }] },
 *   });
 * } catch (error) {
 *   if (error instanceof WriterSelectorError) console.error(error.message, error.hint);
 *   else throw error;
 * }
 * ```
 */
export class WriterSelectorError extends RequesterError {
}

/** Context for {@linkcode explain}: the volume and provider a failing call was about. */
export interface ExplainContext {
  /** The volume the call was about (`C:\`), when there was one. */
  volume?: string;
  /** The provider asked for; null or missing for VSS's choice. */
  providerId?: string | null;
  /** Whether the call was part of a transportable request (VSS_VOLSNAP_ATTR_TRANSPORTABLE). */
  transportable?: boolean;
}

/**
 * Turns a {@linkcode VssError} into the actionable {@linkcode RequesterError}
 * for it, when there is one (naming the step from {@linkcode VssError.method});
 * any other value is returned as it is. For requesters built on the
 * low-level binding.
 *
 * @example Translate a low-level failure
 * ```ts
 * import { explain, HRESULT, InsufficientStorageError, VssError } from "./mod.ts";
 *
 * const low = new VssError(
 *   HRESULT.VSS_E_INSUFFICIENT_STORAGE,
 *   "IVssBackupComponents",
 *   "DoSnapshotSet",
 *   null,
 * );
 * const error = explain(low, { volume: "C:\\" });
 * console.log(error instanceof InsufficientStorageError); // true
 * console.log((error as Error).cause === low); // true
 * ```
 */
export function explain(error: unknown, context: ExplainContext = {}): unknown {
  if (!(error instanceof VssError)) return error;
  const step = context.volume ? `${error.method}(${context.volume})` : error.method;
  switch (error.code) {
    case HRESULT.E_ACCESSDENIED:
      return new NotElevatedError(
        `${step} was refused: the process is not elevated or lacks the backup privilege (E_ACCESSDENIED)`,
        fromCause(
          error,
          "Run from an elevated prompt (Run as administrator) or as a member of Backup Operators.",
        ),
      );
    case HRESULT.VSS_E_INSUFFICIENT_STORAGE:
      return new InsufficientStorageError(
        `${step} failed: there is not enough shadow copy storage (VSS_E_INSUFFICIENT_STORAGE)`,
        fromCause(
          error,
          "Free space on the volume, or raise the diff area maximum " +
            "(vssadmin resize shadowstorage, or diffAreaManagement.changeMaximumSize).",
        ),
      );
    case HRESULT.VSS_E_OBJECT_NOT_FOUND:
      if (!context.volume) return error;
      return new VolumeNotFoundError(
        `${step} failed: ${context.volume} is not an existing volume or share (VSS_E_OBJECT_NOT_FOUND)`,
        fromCause(
          error,
          "Give a volume root with a trailing backslash (C:\\), a mount folder, " +
            "a \\\\?\\Volume{...}\\ name or a UNC share.",
        ),
      );
    case HRESULT.VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED:
      return new LimitReachedError(
        `${step} failed: ${error.codeName}`,
        fromCause(
          error,
          "Delete old shadow copies of the volume (deleteShadowCopies({ oldest })) and try again.",
        ),
      );
    case HRESULT.VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED:
      return new LimitReachedError(
        `${step} failed: ${error.codeName}`,
        fromCause(error, "A set holds at most 64 volumes; split the volumes over several sets."),
      );
    case HRESULT.VSS_E_VOLUME_NOT_SUPPORTED:
    case HRESULT.VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER:
      return new VolumeNotSupportedError(
        context.volume ?? "(unknown)",
        context.providerId ?? null,
        error,
        { transportable: context.transportable },
      );
    default:
      return error;
  }
}
