/**
 * Actionable errors of the requester API: each says what went wrong in VSS
 * terms and what to do about it, and keeps the underlying VssError as cause.
 *
 * @module
 */

import { VssError } from "../ffi/errors.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";

/**
 * Base class of the requester API's errors. Each one says what failed in VSS
 * terms, carries the advice in {@linkcode RequesterError.hint}, and keeps the
 * lower-level {@linkcode VssError} as `cause` when there is one.
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
 *   console.error(`${error.name}: ${error.hint}`);
 * }
 * ```
 */
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
  /** The error class name. */
  override name = "NotElevatedError";
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
  /** The error class name. */
  override name = "SnapshotSetInProgressError";
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
}

/**
 * A writer the backup depends on (one named in `writers.include`, or any
 * writer during a restore) failed during a phase.
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
 * }
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
  /** The error class name. */
  override name = "InsufficientStorageError";
}

/**
 * A volume cannot be shadow copied (by any provider, or by the one asked for).
 *
 * @example Name the volume that cannot be copied
 * ```ts ignore
 * import { createShadowCopySet, VolumeNotSupportedError } from "./mod.ts";
 *
 * try {
 *   await using set = await createShadowCopySet(["C:\\", "E:\\"]);
 *   console.log(set.id);
 * } catch (error) {
 *   if (!(error instanceof VolumeNotSupportedError)) throw error;
 *   console.error(`${error.volume} cannot be shadow copied by ${error.providerId ?? "any provider"}`);
 * }
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
  /** The error class name. */
  override name = "VolumeNotFoundError";
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
  /** The error class name. */
  override name = "LimitReachedError";
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
  /** The error class name. */
  override name = "UnsupportedProcessError";
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
  /** The error class name. */
  override name = "SessionFinishedError";
}

function hexOf(n: number): string {
  return `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/**
 * Turns a {@linkcode VssError} from `step` into the actionable
 * {@linkcode RequesterError} for it, when there is one; any other value is
 * returned as it is. For requesters built on the low-level binding.
 *
 * @example Translate a low-level failure
 * ```ts
 * import { explain, HRESULT, InsufficientStorageError, VssError } from "../mod.ts";
 *
 * const low = new VssError(
 *   HRESULT.VSS_E_INSUFFICIENT_STORAGE,
 *   "IVssBackupComponents",
 *   "DoSnapshotSet",
 *   null,
 * );
 * const error = explain(low, "DoSnapshotSet", { volume: "C:\\" });
 * console.log(error instanceof InsufficientStorageError); // true
 * console.log((error as Error).cause === low); // true
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
