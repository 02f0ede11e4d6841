/**
 * Entry points into VSS on top of the generated wrappers: creating the
 * backup components and the snapshot management objects, and typed
 * QueryInterface.
 *
 * @module
 */

import { type ComClass, type ComObject, wrapOwned } from "./com_object.ts";
import { VssError, VssUnavailableError } from "./errors.ts";
import { GUIDS } from "./generated/guids.ts";
import { HRESULT } from "./generated/hresults.ts";
import { CreateVssBackupComponentsInternal } from "./generated/vssapi.ts";
import {
  type IUnknown,
  type IVssBackupComponents,
  IVssSnapshotMgmt,
} from "./generated/wrappers.ts";
import { guidBytes } from "./guid.ts";
import { failed, toUnsigned } from "./hresult.ts";
import type { VssRuntime } from "./runtime.ts";
import { backend, bufferPointer } from "./backend/mod.ts";

const CLSCTX_ALL = 0x17;

/**
 * A new IVssBackupComponents. A VSS that answers E_NOTIMPL (Wine's stub
 * vssapi.dll, for one) is reported as {@linkcode VssUnavailableError}.
 *
 * @example Start a backup session
 * ```ts ignore
 * import { createBackupComponents, VSS_SNAPSHOT_CONTEXT, VssRuntime } from "./mod.ts";
 *
 * const runtime = VssRuntime.load();
 * runtime.initializeCom();
 * using backup = createBackupComponents(runtime);
 * backup.InitializeForBackup(null);
 * backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
 * ```
 */
export function createBackupComponents(runtime: VssRuntime): IVssBackupComponents {
  try {
    const { ppBackup } = CreateVssBackupComponentsInternal(runtime);
    if (ppBackup === null) {
      throw new VssError(HRESULT.E_UNEXPECTED, "vssapi", "CreateVssBackupComponentsInternal", null);
    }
    return ppBackup;
  } catch (error) {
    if (error instanceof VssError && error.code === HRESULT.E_NOTIMPL) {
      throw new VssUnavailableError(
        `${runtime.libs.paths.vss} does not implement CreateVssBackupComponentsInternal (E_NOTIMPL); ` +
          "it is a stub, such as Wine's vssapi.dll",
        "Run on Windows, or point VSS_LIBRARY_PATH at the VSS simulator.",
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * A new IVssSnapshotMgmt from the VSS coordinator's COM class.
 *
 * @example List the volumes the system provider supports
 * ```ts ignore
 * import { createSnapshotManagement, VSS_SNAPSHOT_CONTEXT } from "./mod.ts";
 *
 * const SYSTEM_PROVIDER = "b5946137-7b9f-4925-af80-51abd60b20d5";
 * using mgmt = createSnapshotManagement(runtime);
 * using volumes = mgmt.QueryVolumesSupportedForSnapshots(
 *   SYSTEM_PROVIDER,
 *   VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
 * ).ppEnum!;
 * for (const item of volumes.Next(64).rgelt) {
 *   if ("Vol" in item) console.log(item.Vol.m_pwszVolumeDisplayName);
 * }
 * ```
 */
export function createSnapshotManagement(runtime: VssRuntime): IVssSnapshotMgmt {
  const out = new BigUint64Array(1);
  const clsid = guidBytes(GUIDS.CLSID_VssSnapshotMgmt);
  const iid = guidBytes(IVssSnapshotMgmt.table.iid!);
  const hr = runtime.libs.ole32.CoCreateInstance(
    bufferPointer(clsid),
    null,
    CLSCTX_ALL,
    bufferPointer(iid),
    bufferPointer(out),
  );
  if (toUnsigned(hr) === HRESULT.REGDB_E_CLASSNOTREG) {
    throw new VssUnavailableError(
      "the VSS snapshot management class is not registered (REGDB_E_CLASSNOTREG)",
      "On Windows this needs the Volume Shadow Copy service; under Wine, register the simulator as its COM server.",
    );
  }
  if (failed(hr)) throw new VssError(hr, "ole32", "CoCreateInstance", null);
  return wrapOwned(runtime, IVssSnapshotMgmt, out[0])!;
}

/**
 * QueryInterface for a typed wrapper; null when the object does not support it.
 *
 * @example Reach IVssBackupComponentsEx4
 * ```ts ignore
 * import { IVssBackupComponentsEx4, queryInterface } from "./mod.ts";
 *
 * using ex4 = queryInterface(backup, IVssBackupComponentsEx4);
 * if (ex4 === null) console.log("this VSS predates IVssBackupComponentsEx4");
 * ```
 */
export function queryInterface<T extends ComObject>(
  object: IUnknown,
  cls: ComClass<T>,
): T | null {
  if (!cls.table.iid) throw new TypeError(`${cls.table.name} has no IID to query for`);
  try {
    const { ppvObject } = object.QueryInterface(cls.table.iid);
    if (ppvObject === null) return null;
    return new cls(object.runtime, backend.pointer(ppvObject.detach())!);
  } catch (error) {
    if (error instanceof VssError && error.code === HRESULT.E_NOINTERFACE) return null;
    throw error;
  }
}
