/**
 * Actionable errors of the requester API: each says what went wrong in VSS
 * terms and what to do about it, and keeps the underlying VssError as cause.
 *
 * @module
 */

import { VssError } from "../ffi/errors.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";

/** Base class of the requester API's errors. */
export class RequesterError extends Error {
  /** Always `RequesterError` for the base class; subclasses name themselves. */
  override name = "RequesterError";
  /** What to do about it. */
  readonly hint: string;
  /** A message, the advice, and the lower-level error when there is one. */
  constructor(message: string, hint: string, options?: ErrorOptions) {
    super(`${message}. ${hint}`, options);
    this.hint = hint;
  }
}

/**
 * The process lacks the rights VSS requires (E_ACCESSDENIED).
 *
 * @example
 * ```ts ignore
 * try { await createShadowCopySet(["C:\\"]); } catch (e) { if (e instanceof NotElevatedError) console.log(e.hint); }
 * ```
 */
export class NotElevatedError extends RequesterError {
  /** The error class name. */
  override name = "NotElevatedError";
}

/**
 * Another shadow copy set is being created (VSS_E_SNAPSHOT_SET_IN_PROGRESS) and retries ran out.
 *
 * @example
 * ```ts ignore
 * await createShadowCopySet(["C:\\"], { retry: { attempts: 10 } });
 * ```
 */
export class SnapshotSetInProgressError extends RequesterError {
  /** The error class name. */
  override name = "SnapshotSetInProgressError";
}

/** A writer's state and failure, as reported by GetWriterStatus. */
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
}

/**
 * A writer the backup depends on failed during a phase.
 *
 * @example
 * ```ts ignore
 * catch (e) { if (e instanceof WriterFailureError) for (const w of e.writers) console.log(w.name, w.stateName); }
 * ```
 */
export class WriterFailureError extends RequesterError {
  /** The error class name. */
  override name = "WriterFailureError";
  /** The failed writers. */
  readonly writers: WriterFailure[];
  /** `phase` names the step after which the writers were found failed. */
  constructor(phase: string, writers: WriterFailure[], options?: ErrorOptions) {
    super(
      `${writers.length} writer(s) failed during ${phase}: ${
        writers.map((w) => `${w.name} (${w.stateName}, ${w.failureName ?? hexOf(w.failure)})`).join(
          ", ",
        )
      }`,
      "Check the application behind each writer (its event log), or exclude the writer and accept a crash-consistent copy of its data.",
      options,
    );
    this.writers = writers;
  }
}

/**
 * The shadow copy storage is full (VSS_E_INSUFFICIENT_STORAGE).
 *
 * @example
 * ```ts ignore
 * catch (e) { if (e instanceof InsufficientStorageError) console.log(e.hint); }
 * ```
 */
export class InsufficientStorageError extends RequesterError {
  /** The error class name. */
  override name = "InsufficientStorageError";
}

/**
 * A volume cannot be shadow copied (by any provider, or by the one asked for).
 *
 * @example
 * ```ts ignore
 * catch (e) { if (e instanceof VolumeNotSupportedError) console.log(e.volume, e.providerId); }
 * ```
 */
export class VolumeNotSupportedError extends RequesterError {
  /** The error class name. */
  override name = "VolumeNotSupportedError";
  /** The volume. */
  readonly volume: string;
  /** The provider asked for, or null for the default choice. */
  readonly providerId: string | null;
  /** `volume` is not supported by `providerId` (null: by any provider). */
  constructor(volume: string, providerId: string | null, options?: ErrorOptions) {
    super(
      providerId
        ? `volume ${volume} is not supported by the shadow copy provider ${providerId}`
        : `no shadow copy provider supports volume ${volume}`,
      "Shadow copies need a local NTFS or ReFS volume (or a supported file share); choose another volume or provider.",
      options,
    );
    this.volume = volume;
    this.providerId = providerId;
  }
}

/**
 * A volume (or share) that does not exist, or that reached its shadow copy limit.
 *
 * @example
 * ```ts ignore
 * catch (e) { if (e instanceof VolumeNotFoundError) console.log(e.message); }
 * ```
 */
export class VolumeNotFoundError extends RequesterError {
  /** The error class name. */
  override name = "VolumeNotFoundError";
}

/**
 * A limit was reached: 64 volumes in a set, or the maximum number of shadow copies of a volume.
 *
 * @example
 * ```ts ignore
 * catch (e) { if (e instanceof LimitReachedError) await deleteShadowCopies({ oldest: "C:\\" }); }
 * ```
 */
export class LimitReachedError extends RequesterError {
  /** The error class name. */
  override name = "LimitReachedError";
}

/**
 * The process cannot drive VSS: 32-bit, or an x64 process emulated on ARM64.
 *
 * @example
 * ```ts ignore
 * catch (e) { if (e instanceof UnsupportedProcessError) console.log(e.message); }
 * ```
 */
export class UnsupportedProcessError extends RequesterError {
  /** The error class name. */
  override name = "UnsupportedProcessError";
}

/**
 * A session object was used again after it finished.
 *
 * @example
 * ```ts ignore
 * await set.complete(); await set.complete(); // throws SessionFinishedError
 * ```
 */
export class SessionFinishedError extends RequesterError {
  /** The error class name. */
  override name = "SessionFinishedError";
}

function hexOf(n: number): string {
  return `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/**
 * Turns a VssError from `step` into the actionable error for it, when there is one.
 *
 * @example
 * ```ts ignore
 * throw explain(error, "AddToSnapshotSet", { volume: "D:\\" });
 * ```
 */
export function explain(
  error: unknown,
  step: string,
  context: { volume?: string; providerId?: string | null } = {},
): unknown {
  if (!(error instanceof VssError)) return error;
  switch (error.code) {
    case HRESULT.E_ACCESSDENIED:
      return new NotElevatedError(
        `${step} was refused: the process is not elevated or lacks the backup privilege (E_ACCESSDENIED)`,
        "Run from an elevated prompt (Run as administrator) or as a member of Backup Operators.",
        { cause: error },
      );
    case HRESULT.VSS_E_INSUFFICIENT_STORAGE:
      return new InsufficientStorageError(
        `${step} failed: there is not enough shadow copy storage (VSS_E_INSUFFICIENT_STORAGE)`,
        "Free space on the volume, or raise the diff area maximum (vssadmin resize shadowstorage, or changeDiffAreaMaximumSize).",
        { cause: error },
      );
    case HRESULT.VSS_E_OBJECT_NOT_FOUND:
      if (!context.volume) return error;
      return new VolumeNotFoundError(
        `${step} failed: ${context.volume} is not an existing volume or share (VSS_E_OBJECT_NOT_FOUND)`,
        "Give a volume root with a trailing backslash (C:\\), a mount folder, a \\\\?\\Volume{...}\\ name or a UNC share.",
        { cause: error },
      );
    case HRESULT.VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED:
    case HRESULT.VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED:
      return new LimitReachedError(
        `${step} failed: ${error.codeName}`,
        error.code === HRESULT.VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED
          ? "A set holds at most 64 volumes; split the volumes over several sets."
          : "Delete old shadow copies of the volume (deleteShadowCopies({ oldest })) and try again.",
        { cause: error },
      );
    case HRESULT.VSS_E_VOLUME_NOT_SUPPORTED:
    case HRESULT.VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER:
      return new VolumeNotSupportedError(
        context.volume ?? "(unknown)",
        context.providerId ?? null,
        { cause: error },
      );
    default:
      return error;
  }
}
