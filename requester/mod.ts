/**
 * The requester API a backup tool wants: create shadow copy sets, read
 * through them, complete or delete them, manage shadow copies, volumes,
 * providers and storage, look at writers, restore; the errors they throw and
 * the HRESULT helpers to read them. Real VSS on Windows; the VSS simulator
 * elsewhere.
 *
 * @example Read a file as it was when the shadow copy was made
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 *
 * await using set = await createShadowCopySet(["C:\\"]);
 * const bytes = await Deno.readFile(set.mapPath("C:\\data\\db.sqlite"));
 * await set.complete({ succeeded: bytes.length > 0 });
 * ```
 *
 * @module
 */

export { bundledSimulatorPath, isSimulated, type OpenOptions, openVss } from "./connection.ts";
export { checkDuration, type Deadlines, DEFAULT_DEADLINES } from "./deadlines.ts";
export {
  explain,
  type ExplainContext,
  InsufficientStorageError,
  LimitReachedError,
  NotElevatedError,
  RequesterError,
  RuntimeConflictError,
  SessionFinishedError,
  SnapshotSetInProgressError,
  UnsupportedProcessError,
  VolumeNotFoundError,
  VolumeNotSupportedError,
  type WriterFailure,
  WriterFailureError,
  WriterSelectorError,
} from "./errors.ts";
export { type HresultMeaning, hresultMeaning } from "../ffi/hresult_meanings.ts";
export { PrivilegeNotHeldError } from "./files/errors.ts";
export { type PrivilegeName, type PrivilegeResult } from "./files/privileges.ts";
export { type RetryOptions } from "./retry.ts";
export {
  attributeNames,
  BACKUP_KINDS,
  type BackupKind,
  type ManageOptions,
  type Phase,
  PHASES,
  type ProgressEvent,
  SHADOW_COPY_CONTEXTS,
  type ShadowCopyContext,
  type WriterSelector,
} from "./options.ts";
export {
  createShadowCopySet,
  type CreateShadowCopySetOptions,
  MAX_VOLUMES_PER_SET,
} from "./create.ts";
export { ShadowCopySet } from "./shadow_copy_set.ts";
export {
  breakShadowCopySet,
  deleteShadowCopies,
  type DeleteTarget,
  exposeShadowCopy,
  importShadowCopies,
  listShadowCopies,
  revertToShadowCopy,
  type ShadowCopy,
  type ShadowCopyFilter,
  unexposeShadowCopy,
} from "./shadow_copies.ts";
export {
  isVolumeSnapshotted,
  isVolumeSupported,
  listVolumes,
  resolveVolume,
  sameVolume,
  type Volume,
  type VolumeOptions,
} from "./volumes.ts";
export { listProviders, type Provider, SYSTEM_PROVIDER_ID } from "./providers.ts";
export {
  type DiffArea,
  type DiffAreaManagement,
  diffAreaManagement,
  type DiffAreaOptions,
  type VolumeProtection,
} from "./diff_areas.ts";
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
  getWriters,
  type WriterComponent,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";

// What a backup tool needs from the binding: the errors it may catch and the HRESULT table.
export type { ComWarning } from "../ffi/runtime.ts";
export {
  type AbortReason,
  ComApartmentError,
  type ErrorDetails,
  OperationAbortedError,
  VssError,
  VssLibraryError,
  VssUnavailableError,
} from "../ffi/errors.ts";
export { HRESULT } from "../ffi/generated/hresults.ts";
