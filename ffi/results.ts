/**
 * Structured results that carry strings: read them, then free what the
 * reference says the caller frees (VssFreeSnapshotProperties for snapshot
 * properties, CoTaskMemFree for the strings in query results,
 * FreeComponentInfo for component information).
 *
 * @module
 */

import {
  VSS_COMPONENTINFO,
  VSS_DIFF_AREA_PROP,
  VSS_DIFF_VOLUME_PROP,
  VSS_MGMT_OBJECT_PROP,
  VSS_OBJECT_PROP,
  VSS_PROVIDER_PROP,
  VSS_SNAPSHOT_PROP,
  VSS_VOLUME_PROP,
} from "./generated/structs.ts";
import { VSS_MGMT_OBJECT_TYPE, VSS_OBJECT_TYPE } from "./generated/enums.ts";
import type { VssRuntime } from "./runtime.ts";
import { readBstr, readWideString, readWideStringAt } from "./wide_string.ts";
import { backend } from "./backend/mod.ts";
import type { PointerValue } from "./backend/types.ts";

/**
 * `T` with the listed pointer fields turned into strings (null for a null
 * pointer): the shape of every struct result below.
 *
 * @example A struct whose name pointer has been read
 * ```ts
 * import type { WithStrings } from "./results.ts";
 *
 * interface RAW_ITEM {
 *   m_pwszName: bigint;
 *   m_lFlags: number;
 * }
 * const item: WithStrings<RAW_ITEM, "m_pwszName"> = { m_pwszName: "C:\\", m_lFlags: 0 };
 * console.log(item.m_pwszName);
 * ```
 */
export type WithStrings<T, K extends keyof T> = Omit<T, K> & { [P in K]: string | null };

/**
 * The string fields of VSS_SNAPSHOT_PROP.
 *
 * @example Print the string fields of a shadow copy
 * ```ts
 * import type { SnapshotProp, SnapshotStrings } from "./results.ts";
 *
 * const shown: SnapshotStrings[] = ["m_pwszOriginalVolumeName", "m_pwszSnapshotDeviceObject"];
 * const show = (prop: SnapshotProp) => shown.map((k) => `${k}=${prop[k] ?? "-"}`).join(" ");
 * console.log(shown.length, typeof show);
 * ```
 */
export type SnapshotStrings =
  | "m_pwszSnapshotDeviceObject"
  | "m_pwszOriginalVolumeName"
  | "m_pwszOriginatingMachine"
  | "m_pwszServiceMachine"
  | "m_pwszExposedName"
  | "m_pwszExposedPath";
/**
 * `VSS_SNAPSHOT_PROP` with its strings read (and already freed with
 * VssFreeSnapshotProperties).
 *
 * @example Read a shadow copy's properties
 * ```ts ignore
 * import { type SnapshotProp, ticksToDate } from "./mod.ts";
 *
 * const prop: SnapshotProp = backup.GetSnapshotProperties(id).pProp;
 * console.log(prop.m_pwszSnapshotDeviceObject, ticksToDate(prop.m_tsCreationTimestamp));
 * ```
 */
export type SnapshotProp = WithStrings<VSS_SNAPSHOT_PROP, SnapshotStrings>;
/**
 * `VSS_PROVIDER_PROP` with its strings read.
 *
 * @example A software provider's properties
 * ```ts
 * import { type ProviderProp, VSS_PROVIDER_TYPE } from "./mod.ts";
 *
 * const prov: ProviderProp = {
 *   m_ProviderId: "11111111-2222-3333-4444-555555555555",
 *   m_pwszProviderName: "Example provider",
 *   m_eProviderType: VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE,
 *   m_pwszProviderVersion: "1.0",
 *   m_ProviderVersionId: "00000001-0000-0000-0000-000000000000",
 *   m_ClassId: "66666666-7777-8888-9999-aaaaaaaaaaaa",
 * };
 * console.log(prov.m_pwszProviderName);
 * ```
 */
export type ProviderProp = WithStrings<
  VSS_PROVIDER_PROP,
  "m_pwszProviderName" | "m_pwszProviderVersion"
>;
/**
 * One `VSS_OBJECT_PROP` from IVssEnumObject::Next: a shadow copy (`Snap`),
 * a provider (`Prov`), or only its type for anything else.
 *
 * @example Walk the shadow copies a query returns
 * ```ts ignore
 * import { GUID_NULL, type ObjectProp, VSS_OBJECT_TYPE } from "./mod.ts";
 *
 * const { VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT } = VSS_OBJECT_TYPE;
 * using list = backup.Query(GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT).ppEnum!;
 * const items: ObjectProp[] = list.Next(64).rgelt;
 * for (const item of items) if ("Snap" in item) console.log(item.Snap.m_SnapshotId);
 * ```
 */
export type ObjectProp =
  | { Type: typeof VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT; Snap: SnapshotProp }
  | { Type: typeof VSS_OBJECT_TYPE.VSS_OBJECT_PROVIDER; Prov: ProviderProp }
  | { Type: number };
/**
 * `VSS_VOLUME_PROP` with its strings read.
 *
 * @example A volume as the management interface lists it
 * ```ts
 * import type { VolumeProp } from "./results.ts";
 *
 * const vol: VolumeProp = {
 *   m_pwszVolumeName: "\\\\?\\Volume{3f9a2c1e-0000-0000-0000-100000000000}\\",
 *   m_pwszVolumeDisplayName: "C:\\",
 * };
 * console.log(vol.m_pwszVolumeDisplayName);
 * ```
 */
export type VolumeProp = WithStrings<
  VSS_VOLUME_PROP,
  "m_pwszVolumeName" | "m_pwszVolumeDisplayName"
>;
/**
 * `VSS_DIFF_VOLUME_PROP` with its strings read.
 *
 * @example Free space on a volume that can hold diff areas
 * ```ts
 * import type { DiffVolumeProp } from "./results.ts";
 *
 * const vol: DiffVolumeProp = {
 *   m_pwszVolumeName: "\\\\?\\Volume{3f9a2c1e-0000-0000-0000-200000000000}\\",
 *   m_pwszVolumeDisplayName: "D:\\",
 *   m_llVolumeFreeSpace: 50n * 2n ** 30n,
 *   m_llVolumeTotalSpace: 200n * 2n ** 30n,
 * };
 * console.log(`${vol.m_pwszVolumeDisplayName} ${vol.m_llVolumeFreeSpace / 2n ** 30n} GiB free`);
 * ```
 */
export type DiffVolumeProp = WithStrings<
  VSS_DIFF_VOLUME_PROP,
  "m_pwszVolumeName" | "m_pwszVolumeDisplayName"
>;
/**
 * `VSS_DIFF_AREA_PROP` with its strings read.
 *
 * @example A diff area for C: stored on D:
 * ```ts
 * import type { DiffAreaProp } from "./results.ts";
 *
 * const area: DiffAreaProp = {
 *   m_pwszVolumeName: "C:\\",
 *   m_pwszDiffAreaVolumeName: "D:\\",
 *   m_llMaximumDiffSpace: 10n * 2n ** 30n,
 *   m_llAllocatedDiffSpace: 2n ** 30n,
 *   m_llUsedDiffSpace: 2n ** 29n,
 * };
 * console.log(area.m_llUsedDiffSpace < area.m_llMaximumDiffSpace); // true
 * ```
 */
export type DiffAreaProp = WithStrings<
  VSS_DIFF_AREA_PROP,
  "m_pwszVolumeName" | "m_pwszDiffAreaVolumeName"
>;
/**
 * One `VSS_MGMT_OBJECT_PROP` from IVssEnumMgmtObject::Next: a volume
 * (`Vol`), a diff volume (`DiffVol`), a diff area (`DiffArea`), or only its
 * type for anything else.
 *
 * @example Tell the kinds apart
 * ```ts
 * import { type MgmtObjectProp, VSS_MGMT_OBJECT_TYPE } from "./mod.ts";
 *
 * const describe = (item: MgmtObjectProp) =>
 *   "Vol" in item
 *     ? `volume ${item.Vol.m_pwszVolumeDisplayName}`
 *     : "DiffArea" in item
 *     ? `diff area of ${item.DiffArea.m_pwszVolumeName}`
 *     : `type ${item.Type}`;
 * const item: MgmtObjectProp = {
 *   Type: VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME,
 *   Vol: { m_pwszVolumeName: null, m_pwszVolumeDisplayName: "C:\\" },
 * };
 * console.log(describe(item)); // volume C:\
 * ```
 */
export type MgmtObjectProp =
  | { Type: typeof VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME; Vol: VolumeProp }
  | { Type: typeof VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_DIFF_VOLUME; DiffVol: DiffVolumeProp }
  | { Type: typeof VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_DIFF_AREA; DiffArea: DiffAreaProp }
  | { Type: number };
/**
 * `VSS_COMPONENTINFO` with its BSTRs and icon read (and handed back with
 * FreeComponentInfo).
 *
 * @example Read a writer component's description
 * ```ts ignore
 * import type { ComponentInfo } from "./mod.ts";
 *
 * using metadata = backup.GetWriterMetadata(0).ppMetadata!;
 * using component = metadata.GetComponent(0).ppComponent!;
 * const info: ComponentInfo | null = component.GetComponentInfo().ppInfo;
 * console.log(info?.bstrComponentName, info?.cFileCount, info?.pbIcon?.length ?? 0);
 * ```
 */
export type ComponentInfo =
  & WithStrings<
    Omit<VSS_COMPONENTINFO, "pbIcon">,
    "bstrLogicalPath" | "bstrComponentName" | "bstrCaption"
  >
  & { pbIcon: Uint8Array | null };

const pointer = (address: bigint): PointerValue => backend.pointer(address);

/** Replaces each listed address field by the string `read` returns for it. */
function withStrings<T, K extends keyof T>(
  raw: T,
  keys: readonly K[],
  read: (address: bigint) => string | null,
): WithStrings<T, K> {
  const out = { ...raw } as Record<keyof T, unknown>;
  for (const k of keys) out[k] = read(raw[k] as bigint);
  return out as WithStrings<T, K>;
}

const SNAPSHOT_STRINGS: readonly SnapshotStrings[] = [
  "m_pwszSnapshotDeviceObject",
  "m_pwszOriginalVolumeName",
  "m_pwszOriginatingMachine",
  "m_pwszServiceMachine",
  "m_pwszExposedName",
  "m_pwszExposedPath",
];

/**
 * Reads a VSS_SNAPSHOT_PROP the callee filled, then frees its strings with
 * VssFreeSnapshotProperties.
 *
 * @example After GetSnapshotProperties
 * ```ts ignore
 * const prop = takeSnapshotProp(runtime, bytes);
 * console.log(prop.m_pwszSnapshotDeviceObject);
 * ```
 */
export function takeSnapshotProp(
  runtime: VssRuntime,
  bytes: Uint8Array<ArrayBuffer>,
): SnapshotProp {
  const raw = VSS_SNAPSHOT_PROP.read(new DataView(bytes.buffer, bytes.byteOffset), 0);
  const value = withStrings(raw, SNAPSHOT_STRINGS, (a) => readWideString(pointer(a)));
  runtime.libs.vss.VssFreeSnapshotPropertiesInternal(backend.bufferPointer(bytes));
  return value;
}

/**
 * Reads `count` VSS_OBJECT_PROP elements and frees the strings inside each.
 *
 * @example After IVssEnumObject::Next
 * ```ts ignore
 * const items = takeObjectProps(runtime, bytes, fetched);
 * ```
 */
export function takeObjectProps(
  runtime: VssRuntime,
  bytes: Uint8Array<ArrayBuffer>,
  count: number,
): ObjectProp[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const take = (a: bigint) => runtime.takeTaskString(a);
  const read = readWideStringAt;
  const base = backend.address(backend.bufferPointer(bytes));
  const out: ObjectProp[] = [];
  const union = VSS_OBJECT_PROP.fields.Obj.offset;
  for (let i = 0; i < count; i++) {
    const at = i * VSS_OBJECT_PROP.size;
    const type = view.getInt32(at, true);
    if (type === VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT) {
      const raw = VSS_SNAPSHOT_PROP.read(view, at + union);
      const snap = withStrings(raw, SNAPSHOT_STRINGS, read);
      // One call frees all of the snapshot's strings, as the Query page advises.
      runtime.libs.vss.VssFreeSnapshotPropertiesInternal(
        backend.pointer(base + BigInt(at + union)),
      );
      out.push({ Type: type, Snap: snap });
    } else if (type === VSS_OBJECT_TYPE.VSS_OBJECT_PROVIDER) {
      const raw = VSS_PROVIDER_PROP.read(view, at + union);
      out.push({
        Type: type,
        Prov: withStrings(raw, ["m_pwszProviderName", "m_pwszProviderVersion"], take),
      });
    } else {
      out.push({ Type: type });
    }
  }
  return out;
}

/**
 * Reads `count` VSS_MGMT_OBJECT_PROP elements and frees the strings inside each.
 *
 * @example After IVssEnumMgmtObject::Next
 * ```ts ignore
 * const items = takeMgmtObjectProps(runtime, bytes, fetched);
 * ```
 */
export function takeMgmtObjectProps(
  runtime: VssRuntime,
  bytes: Uint8Array<ArrayBuffer>,
  count: number,
): MgmtObjectProp[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const take = (a: bigint) => runtime.takeTaskString(a);
  const union = VSS_MGMT_OBJECT_PROP.fields.Obj.offset;
  const out: MgmtObjectProp[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * VSS_MGMT_OBJECT_PROP.size;
    const type = view.getInt32(at, true);
    const t = VSS_MGMT_OBJECT_TYPE;
    if (type === t.VSS_MGMT_OBJECT_VOLUME) {
      const raw = VSS_VOLUME_PROP.read(view, at + union);
      out.push({
        Type: type,
        Vol: withStrings(raw, ["m_pwszVolumeName", "m_pwszVolumeDisplayName"], take),
      });
    } else if (type === t.VSS_MGMT_OBJECT_DIFF_VOLUME) {
      const raw = VSS_DIFF_VOLUME_PROP.read(view, at + union);
      out.push({
        Type: type,
        DiffVol: withStrings(raw, ["m_pwszVolumeName", "m_pwszVolumeDisplayName"], take),
      });
    } else if (type === t.VSS_MGMT_OBJECT_DIFF_AREA) {
      const raw = VSS_DIFF_AREA_PROP.read(view, at + union);
      out.push({
        Type: type,
        DiffArea: withStrings(raw, ["m_pwszVolumeName", "m_pwszDiffAreaVolumeName"], take),
      });
    } else {
      out.push({ Type: type });
    }
  }
  return out;
}

/**
 * Reads the VSS_COMPONENTINFO at `address`, then hands it back with
 * FreeComponentInfo.
 *
 * @example After IVssWMComponent::GetComponentInfo
 * ```ts ignore
 * const info = takeComponentInfo(component, address);
 * ```
 */
export function takeComponentInfo(
  owner: { FreeComponentInfo(pInfo: PointerValue): number },
  address: bigint,
): ComponentInfo | null {
  if (address === 0n) return null;
  const view = new DataView(backend.view(address, VSS_COMPONENTINFO.size));
  const { pbIcon, ...raw } = VSS_COMPONENTINFO.read(view, 0);
  const strings = withStrings(
    raw,
    ["bstrLogicalPath", "bstrComponentName", "bstrCaption"],
    (a) => readBstr(pointer(a)),
  );
  const icon = pbIcon === 0n || raw.cbIcon === 0
    ? null
    : new Uint8Array(backend.view(pbIcon, raw.cbIcon).slice(0));
  owner.FreeComponentInfo(pointer(address));
  return { ...strings, pbIcon: icon };
}
