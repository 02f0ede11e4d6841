/**
 * The low-level VSS binding: load VSS, initialise COM, and call every bound
 * interface through its generated wrapper.
 *
 * @example Create a backup components object on the simulator
 * ```ts ignore
 * import { createBackupComponents, VssRuntime } from "./mod.ts";
 * const runtime = VssRuntime.load({ libraryPath: "build/simulator/linux/libvss_sim.so" });
 * runtime.initializeCom();
 * using backup = createBackupComponents(runtime);
 * backup.InitializeForBackup(null);
 * ```
 *
 * @module
 */

export { type ComInitOptions, type ComInitResult, VssRuntime } from "./runtime.ts";
export {
  loadLibraries,
  type LoadOptions,
  MEMORY_SYMBOLS,
  OLE32_SYMBOLS,
  type VssLibraries,
} from "./library.ts";
export {
  hex,
  hresultName,
  ReleasedObjectError,
  VssArgumentError,
  VssAsyncAbortedError,
  VssError,
  VssUnavailableError,
} from "./errors.ts";
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
  VolumeProp,
  WithStrings,
} from "./results.ts";
export * from "./generated/mod.ts";
export { backend, bufferPointer } from "./backend/mod.ts";
export type {
  ArgumentOf,
  ArgumentsOf,
  FfiBackend,
  ForeignFunction,
  ForeignLibraryInterface,
  NativeLibrary,
  NativePointer,
  NativeResultType,
  NativeStructType,
  NativeType,
  OperatingSystem,
  PointerValue,
  ResultOf,
  StaticForeignFunction,
  StaticForeignSymbols,
} from "./backend/types.ts";
