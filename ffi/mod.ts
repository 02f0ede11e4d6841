/**
 * The low-level VSS binding: load VSS, initialise COM, and call every bound
 * interface through its generated wrapper.
 *
 * @example Create a backup components object on the simulator
 * ```ts ignore
 * import { createBackupComponents, VssRuntime } from "@vss/requester/binding";
 * const runtime = VssRuntime.load({ libraryPath: "/opt/vss/libvss_sim.so" });
 * runtime.initializeCom();
 * using backup = createBackupComponents(runtime);
 * backup.InitializeForBackup(null);
 * ```
 *
 * @module
 */

export {
  type ComInitOptions,
  type ComInitResult,
  type ComWarning,
  type RuntimeLoadOptions,
  VssRuntime,
} from "./runtime.ts";
export type { LibraryKind, LoadedLibraries, LoadOptions } from "./library.ts";
export {
  type AbortReason,
  abortReasonOf,
  ComApartmentError,
  type ErrorDetails,
  isRetryableHresult,
  OperationAbortedError,
  ReleasedObjectError,
  VssArgumentError,
  VssError,
  VssLibraryError,
  VssUnavailableError,
} from "./errors.ts";
export * from "./hresult.ts";
export { type Callable, type ComClass, ComObject, wrapOwned } from "./com_object.ts";
export type { InterfaceTable, ParamInfo, VtableSlot } from "./generated/vtables.ts";
export { settle, type SettleOptions } from "./async.ts";
export { createBackupComponents, createSnapshotManagement, queryInterface } from "./vss.ts";
export { GUID_NULL, GuidFormatError, normalizeGuid } from "./guid.ts";
export { dateToTicks, ticksToDate } from "./marshal.ts";
export type {
  ComponentInfo,
  DiffAreaProp,
  DiffVolumeProp,
  MgmtObjectProp,
  ObjectProp,
  ProviderProp,
  SnapshotProp,
  SnapshotStrings,
  StructResults,
  VolumeProp,
  WithStrings,
} from "./results.ts";
// The pointer and native-type vocabulary of the generated signatures.
export type {
  NativePointer,
  NativeResultType,
  NativeStructType,
  NativeType,
  PointerValue,
} from "./backend/types.ts";
export * from "./generated/mod.ts";
export type { CallPath } from "./thunks/mod.ts";
