/**
 * Structured results that carry strings: read them, then free them by the
 * rule the ABI model gives the out parameter (`freeWith` in
 * `ffi/generated/abi.json`): one call for the whole value
 * (VssFreeSnapshotProperties, FreeComponentInfo), or CoTaskMemFree for every
 * string inside. The generated wrappers pass the rule; nothing here knows
 * which method returns what.
 *
 * @module
 */

import * as structs from "./generated/structs.ts";
import type {
  StructCodec,
  VSS_COMPONENTINFO,
  VSS_DIFF_AREA_PROP,
  VSS_DIFF_VOLUME_PROP,
  VSS_PROVIDER_PROP,
  VSS_SNAPSHOT_PROP,
  VSS_VOLUME_PROP,
} from "./generated/structs.ts";
import { VSS_MGMT_OBJECT_TYPE, VSS_OBJECT_TYPE } from "./generated/enums.ts";
import { readBstrAt, readWideStringAt } from "./wide_string.ts";
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
 * `VSS_SNAPSHOT_PROP` with its strings read (and already freed).
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
 * `VSS_COMPONENTINFO` with its BSTRs and icon read (and already handed back
 * with FreeComponentInfo).
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

/**
 * The result type of each struct a call hands back, by the struct's C name:
 * what {@link takeStruct} and {@link takeStructs} return for it.
 *
 * @example The type of a snapshot's properties
 * ```ts
 * import type { SnapshotProp, StructResults } from "./results.ts";
 *
 * const same: StructResults["VSS_SNAPSHOT_PROP"] extends SnapshotProp ? true : false = true;
 * console.log(same); // true
 * ```
 */
export interface StructResults {
  /** GetSnapshotProperties, and the snapshot arm of a Query result. */
  VSS_SNAPSHOT_PROP: SnapshotProp;
  /** One element of IVssEnumObject::Next. */
  VSS_OBJECT_PROP: ObjectProp;
  /** One element of IVssEnumMgmtObject::Next. */
  VSS_MGMT_OBJECT_PROP: MgmtObjectProp;
  /** IVssWMComponent::GetComponentInfo. */
  VSS_COMPONENTINFO: ComponentInfo;
}

/** A freeing function, called with the address of what it frees. */
export type Free = (pointer: PointerValue) => unknown;

/**
 * How a result is freed once read, as the model's `freeWith` says: `whole`
 * takes the struct's address (VssFreeSnapshotProperties, FreeComponentInfo);
 * otherwise `strings` frees every string pointer inside (CoTaskMemFree), except
 * inside a union member listed in `members`, which has a rule of its own.
 *
 * @example Free every string with CoTaskMemFree
 * ```ts ignore
 * const rule: FreeRule = { strings: (p) => runtime.libs.memory.CoTaskMemFree(p) };
 * ```
 */
export interface FreeRule {
  whole?: Free;
  strings?: Free;
  members?: Readonly<Record<string, Free>>;
}

type Codec = StructCodec<unknown>;
const CODECS = structs as unknown as Record<string, Codec>;

/** For a tagged union: the union member each tag value selects. */
const UNION_MEMBERS: Readonly<Record<string, ReadonlyMap<number, string>>> = {
  VSS_OBJECT_UNION: new Map([
    [VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT, "Snap"],
    [VSS_OBJECT_TYPE.VSS_OBJECT_PROVIDER, "Prov"],
  ]),
  VSS_MGMT_OBJECT_UNION: new Map([
    [VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME, "Vol"],
    [VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_DIFF_VOLUME, "DiffVol"],
    [VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_DIFF_AREA, "DiffArea"],
  ]),
};

/** Byte-array fields and the field holding their length. */
const BYTE_ARRAYS: Readonly<Record<string, string>> = { pbIcon: "cbIcon" };

const WIDE_STRINGS = new Set(["VSS_PWSZ", "LPWSTR", "LPCWSTR", "WCHAR *"]);

/** Reads a string field's value: a wide string or BSTR address (or a bulk reader's code). */
type ReadString = (value: bigint, bstr: boolean) => string | null;

const readNative: ReadString = (address, bstr) =>
  bstr ? readBstrAt(address) : readWideStringAt(address);

/** How one struct is read: its string and byte-array fields, or its tag and union. */
interface Plan {
  /** String fields: name and whether it is a BSTR. */
  strings: [string, boolean][];
  /** Byte-array fields and the field holding their length. */
  bytes: [string, string][];
  /** A tagged union (the last field, after its 4-byte tag), or null. */
  union: {
    tag: string;
    tagOffset: number;
    offset: number;
    members: ReadonlyMap<number, { name: string; type: string; codec: Codec }>;
  } | null;
}

const PLANS = new Map<Codec, Plan>();

/** The reading plan of a struct, worked out once. */
function planOf(codec: Codec): Plan {
  let plan = PLANS.get(codec);
  if (plan !== undefined) return plan;
  const entries = Object.entries(codec.fields);
  plan = { strings: [], bytes: [], union: null };
  entries.forEach(([name, field], i) => {
    if (WIDE_STRINGS.has(field.type) || field.type === "BSTR") {
      plan!.strings.push([name, field.type === "BSTR"]);
    } else if (BYTE_ARRAYS[name] !== undefined) {
      plan!.bytes.push([name, BYTE_ARRAYS[name]]);
    } else if (UNION_MEMBERS[field.type]) {
      const [tag, tagField] = entries[i - 1] ?? [];
      if (i !== entries.length - 1 || tagField?.size !== 4) {
        throw new Error(`${field.type}: a union is read only as the last field, after its tag`);
      }
      const members = new Map([...UNION_MEMBERS[field.type]].map(([value, member]) => {
        const type = CODECS[field.type].fields[member].type;
        return [value, { name: member, type, codec: CODECS[type] }];
      }));
      plan!.union = { tag, tagOffset: tagField.offset, offset: field.offset, members };
    }
  });
  PLANS.set(codec, plan);
  return plan;
}

/** Reads one struct at `at`, turning its pointers into values; collects the addresses to free. */
function readValue(
  codec: Codec,
  view: DataView,
  at: number,
  base: bigint,
  rule: FreeRule,
  strings: bigint[],
  wholes: [Free, bigint][],
  readString: ReadString = readNative,
): Record<string, unknown> {
  const plan = planOf(codec);
  const union = plan.union;
  if (union !== null) {
    // A tagged union: the tag says which member is filled in (none: only the tag).
    const value = view.getInt32(at + union.tagOffset, true);
    const out: Record<string, unknown> = {};
    out[union.tag] = value;
    const member = union.members.get(value);
    if (member === undefined) return out;
    const offset = at + union.offset;
    const own = rule.members?.[member.type];
    const memberStrings = own ? [] : strings;
    out[member.name] = readValue(
      member.codec,
      view,
      offset,
      base,
      rule,
      memberStrings,
      wholes,
      readString,
    );
    if (own) wholes.push([own, base + BigInt(offset)]);
    return out;
  }
  const out = codec.read(view, at) as Record<string, unknown>;
  for (const [name, bstr] of plan.strings) {
    const address = out[name] as bigint;
    out[name] = readString(address, bstr);
    if (address !== 0n) strings.push(address);
  }
  for (const [name, lengthField] of plan.bytes) {
    const address = out[name] as bigint;
    const length = out[lengthField] as number;
    out[name] = address === 0n || length === 0
      ? null
      : new Uint8Array(backend.view(address, length).slice(0));
  }
  return out;
}

/** Reads `count` structs at `at` (caller's buffer or callee's address), then frees by `rule`. */
function take(
  name: string,
  at: Uint8Array<ArrayBuffer> | bigint,
  count: number,
  rule: FreeRule,
): unknown[] {
  const codec = CODECS[name];
  const base = typeof at === "bigint" ? at : backend.address(backend.bufferPointer(at));
  const view = typeof at === "bigint"
    ? new DataView(backend.view(at, codec.size * count))
    : new DataView(at.buffer, at.byteOffset);
  const strings: bigint[] = [];
  const wholes: [Free, bigint][] = [];
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    out.push(readValue(codec, view, i * codec.size, base, rule, strings, wholes));
    if (rule.whole) wholes.push([rule.whole, base + BigInt(i * codec.size)]);
  }
  if (!rule.whole && rule.strings) { for (const s of strings) rule.strings(backend.pointer(s)); }
  for (const [free, address] of wholes) free(backend.pointer(address));
  return out;
}

/**
 * Reads the struct `name` a call returned, in the caller's buffer or at the
 * callee's address (null for a null address), then frees it by `rule`.
 *
 * @example After IVssBackupComponents::GetSnapshotProperties
 * ```ts ignore
 * const prop = takeStruct("VSS_SNAPSHOT_PROP", bytes, {
 *   whole: (p) => runtime.libs.vss.VssFreeSnapshotPropertiesInternal(p),
 * });
 * ```
 */
export function takeStruct<K extends keyof StructResults>(
  name: K,
  at: Uint8Array<ArrayBuffer>,
  rule: FreeRule,
): StructResults[K];
export function takeStruct<K extends keyof StructResults>(
  name: K,
  at: bigint,
  rule: FreeRule,
): StructResults[K] | null;
export function takeStruct<K extends keyof StructResults>(
  name: K,
  at: Uint8Array<ArrayBuffer> | bigint,
  rule: FreeRule,
): StructResults[K] | null {
  if (at === 0n) return null;
  return take(name, at, 1, rule)[0] as StructResults[K];
}

/**
 * Reads the first `count` elements of a caller-allocated array of struct
 * `name`, then frees what they hold by `rule`.
 *
 * @example After IVssEnumObject::Next
 * ```ts ignore
 * const items = takeStructs("VSS_OBJECT_PROP", bytes, fetched, {
 *   strings: (p) => runtime.libs.memory.CoTaskMemFree(p),
 * });
 * ```
 */
export function takeStructs<K extends keyof StructResults>(
  name: K,
  at: Uint8Array<ArrayBuffer>,
  count: number,
  rule: FreeRule,
): StructResults[K][] {
  return take(name, at, count, rule) as StructResults[K][];
}

/**
 * Reads `count` structs `name` from `bytes` whose string fields hold codes a
 * bulk reader of the thunk library wrote (the strings already copied out and
 * freed natively): the same objects {@link takeStructs} returns.
 *
 * @example Decode a bulk reader's records
 * ```ts ignore
 * const items = readCodedStructs("VSS_OBJECT_PROP", records, count, (code) => decode(code));
 * ```
 */
export function readCodedStructs<K extends keyof StructResults>(
  name: K,
  bytes: Uint8Array<ArrayBuffer>,
  count: number,
  readString: (code: bigint) => string | null,
): StructResults[K][] {
  const codec = CODECS[name];
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const out: StructResults[K][] = [];
  const ignored: bigint[] = [];
  const wholes: [Free, bigint][] = [];
  for (let i = 0; i < count; i++) {
    const value = readValue(codec, view, i * codec.size, 0n, {}, ignored, wholes, readString);
    out.push(value as StructResults[K]);
    ignored.length = 0;
  }
  return out;
}
