/**
 * The requester API a backup tool wants: create shadow copy sets, read
 * through them, complete or delete them, manage shadow copies, look at
 * writers, restore. Real VSS on Windows; the VSS simulator elsewhere.
 *
 * @example Read a file as it was when the shadow copy was made
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 * await using set = await createShadowCopySet(["C:\\"]);
 * const bytes = await Deno.readFile(set.mapPath("C:\\data\\db.sqlite"));
 * ```
 *
 * @module
 */

export { bundledSimulatorPath, isSimulated, type OpenOptions, openVss } from "./connection.ts";
export {
  explain,
  InsufficientStorageError,
  LimitReachedError,
  NotElevatedError,
  RequesterError,
  SessionFinishedError,
  SnapshotSetInProgressError,
  UnsupportedProcessError,
  VolumeNotFoundError,
  VolumeNotSupportedError,
  type WriterFailure,
  WriterFailureError,
} from "./errors.ts";
export {
  attributeNames,
  type BackupKind,
  type Deadlines,
  DEFAULT_DEADLINES,
  type Phase,
  type ProgressEvent,
  type ShadowCopyContext,
  type WriterSelector,
} from "./options.ts";
export {
  createShadowCopySet,
  type CreateShadowCopySetOptions,
  MAX_VOLUMES_PER_SET,
  type ShadowCopy,
  ShadowCopySet,
} from "./shadow_copy_set.ts";
export {
  breakShadowCopySet,
  deleteShadowCopies,
  type DeleteTarget,
  type DiffArea,
  type DiffAreaManagement,
  diffAreaManagement,
  type DiffAreaOptions,
  exposeShadowCopy,
  getWriters,
  importShadowCopies,
  isVolumeSnapshotted,
  isVolumeSupported,
  listProviders,
  listShadowCopies,
  listVolumes,
  type ManageOptions,
  type Provider,
  resolveVolume,
  revertToShadowCopy,
  SYSTEM_PROVIDER_ID,
  unexposeShadowCopy,
  type Volume,
  type VolumeProtection,
} from "./manage.ts";
export {
  type DocumentComponent,
  type FileRestoreResult,
  readBackupDocument,
  restore,
  type RestoreOptions,
  type RestorePlan,
  type RestoreSelection,
} from "./restore.ts";
export {
  type FileSpec,
  type WriterComponent,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";
