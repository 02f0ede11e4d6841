/**
 * Querying and managing shadow copies outside a backup: list, delete,
 * expose, break, revert, import, providers, volume support, diff areas,
 * and the writers of the system.
 *
 * @module
 */

import { VssError } from "../ffi/errors.ts";
import { GUID_NULL, normalizeGuid } from "../ffi/guid.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import { IID } from "../ffi/generated/guids.ts";
import {
  VSS_MGMT_OBJECT_TYPE,
  VSS_OBJECT_TYPE,
  VSS_PROTECTION_LEVEL,
  VSS_PROVIDER_TYPE,
  VSS_SNAPSHOT_CONTEXT,
} from "../ffi/generated/enums.ts";
import { IsVolumeSnapshottedInternal } from "../ffi/generated/vssapi.ts";
import {
  type IVssBackupComponents,
  IVssBackupComponentsEx2,
  IVssDifferentialSoftwareSnapshotMgmt,
  IVssDifferentialSoftwareSnapshotMgmt3,
  type IVssEnumMgmtObject,
} from "../ffi/generated/wrappers.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { createBackupComponents, createSnapshotManagement, queryInterface } from "../ffi/vss.ts";
import { openVss } from "./connection.ts";
import { finishOperation } from "./operation.ts";
import { explain } from "./errors.ts";
import { type ShadowCopy, toShadowCopy } from "./shadow_copy_set.ts";
import {
  enumName,
  readAllWriterMetadata,
  readWriterStatus,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";

/**
 * The id of the Microsoft Software Shadow Copy provider that ships with Windows.
 *
 * @example Ask the system provider, not VSS's choice
 * ```ts ignore
 * import { isVolumeSupported, SYSTEM_PROVIDER_ID } from "./mod.ts";
 *
 * console.log(await isVolumeSupported("D:\\", { providerId: SYSTEM_PROVIDER_ID }));
 * ```
 */
export const SYSTEM_PROVIDER_ID = "b5946137-7b9f-4925-af80-51abd60b20d5";

/** Runs `fn` with a fresh backup components object in `context` (default: all contexts). */
async function withSession<T>(
  runtime: VssRuntime,
  context: number,
  fn: (backup: IVssBackupComponents) => T | Promise<T>,
): Promise<T> {
  using backup = createBackupComponents(runtime);
  try {
    backup.InitializeForBackup(null);
    backup.SetContext(context);
    return await fn(backup);
  } catch (error) {
    throw explain(error, "a management call");
  }
}

/**
 * Common options of the management functions: the runtime to use, and a
 * signal for those with an asynchronous part.
 *
 * @example Give up on a slow writer query after a minute
 * ```ts
 * import type { ManageOptions } from "./mod.ts";
 *
 * const options: ManageOptions = { signal: AbortSignal.timeout(60_000) };
 * console.log(options.signal?.aborted); // false
 * ```
 */
export interface ManageOptions {
  /** The VSS runtime (default: openVss()). */
  runtime?: VssRuntime;
  /** Cancels the asynchronous part of the operation (IVssAsync::Cancel). */
  signal?: AbortSignal;
}

/**
 * Every shadow copy on the system (all contexts), optionally only one set or one id.
 *
 * @example List the shadow copies of one volume
 * ```ts ignore
 * import { listShadowCopies } from "./mod.ts";
 *
 * for (const s of await listShadowCopies()) {
 *   if (s.volumeDisplayName === "C:\\") console.log(s.id, s.createdAt, s.devicePath);
 * }
 * ```
 */
export async function listShadowCopies(
  options: ManageOptions & { setId?: string; id?: string } = {},
): Promise<ShadowCopy[]> {
  const runtime = options.runtime ?? openVss();
  const names = new Map<string, string>();
  try {
    for (const v of listVolumes({ runtime })) names.set(v.guidName.toLowerCase(), v.displayName);
  } catch { /* display names are a convenience */ }
  return await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL, (backup) => {
    const found: ShadowCopy[] = [];
    let list;
    try {
      list = backup.Query(
        GUID_NULL,
        VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
        VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
      ).ppEnum;
    } catch (error) {
      if (error instanceof VssError && error.code === HRESULT.VSS_E_OBJECT_NOT_FOUND) return [];
      throw error;
    }
    if (list === null) return [];
    using items = list;
    const setId = options.setId && normalizeGuid(options.setId);
    const id = options.id && normalizeGuid(options.id);
    for (;;) {
      const batch = items.Next(1024);
      for (const item of batch.rgelt) {
        if (!("Snap" in item)) continue;
        const p = item.Snap;
        if (setId && p.m_SnapshotSetId !== setId) continue;
        if (id && p.m_SnapshotId !== id) continue;
        const shadow = toShadowCopy(p);
        shadow.volumeDisplayName = names.get(shadow.originalVolumeName.toLowerCase()) ?? null;
        found.push(shadow);
      }
      if (batch.pceltFetched < 1024) break;
    }
    return found;
  });
}

/**
 * What {@linkcode deleteShadowCopies} deletes: one shadow copy by `id`, a
 * whole set by `setId`, `all` of them, or the `oldest` of a volume.
 *
 * @example Pick the target from command-line arguments
 * ```ts
 * import type { DeleteTarget } from "./mod.ts";
 *
 * const [what, value] = ["oldest", "C:\\"];
 * const target: DeleteTarget = what === "set"
 *   ? { setId: value }
 *   : what === "oldest"
 *   ? { oldest: value }
 *   : { id: value };
 * console.log(target); // { oldest: "C:\\" }
 * ```
 */
export type DeleteTarget = { id: string } | { setId: string } | { all: true } | { oldest: string };

/**
 * Deletes shadow copies: one by id, a whole set, all of them, or the oldest of a volume.
 * Returns how many were deleted.
 *
 * @example Delete every shadow copy of a set
 * ```ts ignore
 * import { deleteShadowCopies, listShadowCopies } from "./mod.ts";
 *
 * const [first] = await listShadowCopies();
 * if (first) console.log(await deleteShadowCopies({ setId: first.setId }), "deleted");
 * ```
 */
export async function deleteShadowCopies(
  target: DeleteTarget,
  options: ManageOptions = {},
): Promise<number> {
  const runtime = options.runtime ?? openVss();
  let ids: { id: string; type: VSS_OBJECT_TYPE }[];
  if ("id" in target) {
    ids = [{ id: normalizeGuid(target.id), type: VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT }];
  } else if ("setId" in target) {
    ids = [{ id: normalizeGuid(target.setId), type: VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET }];
  } else {
    const all = await listShadowCopies({ runtime });
    const volume = "all" in target ? null : resolveVolume(target.oldest, { runtime });
    const chosen = "all" in target ? all : all
      .filter((s) =>
        sameVolume(s.originalVolumeName, target.oldest) ||
        (volume !== null && sameVolume(s.originalVolumeName, volume.guidName))
      )
      .sort((a, b) => (a.createdAtTicks < b.createdAtTicks ? -1 : 1))
      .slice(0, 1);
    ids = chosen.map((s) => ({ id: s.id, type: VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT }));
  }
  return await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL, (backup) => {
    let deleted = 0;
    for (const { id, type } of ids) {
      deleted += backup.DeleteSnapshots(id, type, true).plDeletedSnapshots;
    }
    return deleted;
  });
}

/**
 * Exposes a persistent shadow copy: locally at a drive letter or mount folder
 * (`as: "local"`, `at: "X:"`), or as a file share (`as: "share"`, `at` the
 * share name). Returns the exposed name.
 *
 * @example Mount a shadow copy at X:
 * ```ts ignore
 * import { exposeShadowCopy, listShadowCopies } from "./mod.ts";
 *
 * const [snapshot] = await listShadowCopies();
 * console.log(await exposeShadowCopy(snapshot.id, { as: "local", at: "X:" })); // "X:"
 * ```
 */
export async function exposeShadowCopy(
  id: string,
  how: { as: "local" | "share"; at: string | null; pathFromRoot?: string },
  options: ManageOptions = {},
): Promise<string> {
  const runtime = options.runtime ?? openVss();
  const attributes = how.as === "local" ? 0x100000 : 0x200000; // EXPOSED_LOCALLY : EXPOSED_REMOTELY
  return await withSession(
    runtime,
    VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
    (backup) =>
      backup.ExposeSnapshot(normalizeGuid(id), how.pathFromRoot ?? null, attributes, how.at)
        .pwszExposed ?? "",
  );
}

/**
 * Unexposes a shadow copy that {@linkcode exposeShadowCopy} exposed (drive
 * letter, mount folder or share).
 *
 * @example Expose a shadow copy for a while, then take it away
 * ```ts ignore
 * import { exposeShadowCopy, listShadowCopies, unexposeShadowCopy } from "./mod.ts";
 *
 * const [snapshot] = await listShadowCopies();
 * await exposeShadowCopy(snapshot.id, { as: "local", at: "X:" });
 * try {
 *   console.log([...Deno.readDirSync("X:\\")].length, "entries");
 * } finally {
 *   await unexposeShadowCopy(snapshot.id);
 * }
 * ```
 */
export async function unexposeShadowCopy(id: string, options: ManageOptions = {}): Promise<void> {
  const runtime = options.runtime ?? openVss();
  await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL, (backup) => {
    using ex2 = queryInterface(backup, IVssBackupComponentsEx2)!;
    ex2.UnexposeSnapshot(normalizeGuid(id));
  });
}

/**
 * Breaks a shadow copy set: its shadow copies become ordinary read-write
 * volumes outside VSS's control. With `flags` (VSS_HARDWARE_OPTIONS values)
 * the extended form is used.
 *
 * @example Keep a set's volumes as ordinary volumes
 * ```ts ignore
 * import { breakShadowCopySet, createShadowCopySet } from "./mod.ts";
 *
 * const set = await createShadowCopySet(["E:\\"], { context: "app-rollback" });
 * await set.complete();
 * await breakShadowCopySet(set.id);
 * ```
 */
export async function breakShadowCopySet(
  setId: string,
  options: ManageOptions & { flags?: number } = {},
): Promise<void> {
  const runtime = options.runtime ?? openVss();
  await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL, async (backup) => {
    if (options.flags === undefined) {
      backup.BreakSnapshotSet(normalizeGuid(setId));
    } else {
      using ex2 = queryInterface(backup, IVssBackupComponentsEx2)!;
      await finishOperation(
        ex2.BreakSnapshotSetEx(normalizeGuid(setId), options.flags).ppAsync,
        "BreakSnapshotSetEx",
      );
    }
  });
}

/**
 * Reverts a volume to a shadow copy of it (destroys later changes on the volume).
 *
 * @example Roll D: back to its newest shadow copy
 * ```ts ignore
 * import { listShadowCopies, revertToShadowCopy } from "./mod.ts";
 *
 * const newest = (await listShadowCopies())
 *   .filter((s) => s.volumeDisplayName === "D:\\")
 *   .sort((a, b) => Number(b.createdAtTicks - a.createdAtTicks))[0];
 * await revertToShadowCopy(newest.id, { forceDismount: true });
 * ```
 */
export async function revertToShadowCopy(
  id: string,
  options: ManageOptions & { forceDismount?: boolean } = {},
): Promise<void> {
  const runtime = options.runtime ?? openVss();
  await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL, (backup) => {
    backup.RevertToSnapshot(normalizeGuid(id), options.forceDismount ?? false);
  });
}

/**
 * Imports transportable shadow copies described by a saved backup components
 * document; returns the shadow copies that appeared.
 *
 * @example Import a set made on another machine
 * ```ts ignore
 * import { importShadowCopies } from "./mod.ts";
 *
 * const imported = await importShadowCopies(await Deno.readTextFile("set.xml"));
 * for (const s of imported) console.log(s.id, s.devicePath);
 * ```
 */
export async function importShadowCopies(
  document: string,
  options: ManageOptions = {},
): Promise<ShadowCopy[]> {
  const runtime = options.runtime ?? openVss();
  const before = new Set((await listShadowCopies({ runtime })).map((s) => s.id));
  {
    using backup = createBackupComponents(runtime);
    try {
      // A transportable set is imported by a session initialised for backup with its document.
      backup.InitializeForBackup(document);
      await finishOperation(
        backup.ImportSnapshots().ppAsync,
        "ImportSnapshots",
        undefined,
        options.signal,
      );
    } catch (error) {
      throw explain(error, "ImportSnapshots");
    }
  }
  return (await listShadowCopies({ runtime })).filter((s) => !before.has(s.id));
}

/**
 * A volume that shadow copies can be made of, as {@linkcode listVolumes}
 * and {@linkcode resolveVolume} return it.
 *
 * @example Show a volume by the name people know
 * ```ts
 * import type { Volume } from "./mod.ts";
 *
 * const volume: Volume = {
 *   guidName: "\\\\?\\Volume{3f9a2c1e-0000-0000-0000-100000000000}\\",
 *   displayName: "C:\\",
 * };
 * console.log(`${volume.displayName} (${volume.guidName})`);
 * ```
 */
export interface Volume {
  /** The `\\?\Volume{...}\` name. */
  guidName: string;
  /** The name people use (`C:\`, a mount folder, a directory on the simulator). */
  displayName: string;
}

/**
 * The volumes a provider (default: the system provider) can shadow copy.
 *
 * @example Print the volumes that can be shadow copied
 * ```ts ignore
 * import { listVolumes } from "./mod.ts";
 *
 * for (const v of listVolumes()) console.log(v.displayName, v.guidName);
 * ```
 */
export function listVolumes(options: ManageOptions & { providerId?: string } = {}): Volume[] {
  const runtime = options.runtime ?? openVss();
  using mgmt = createSnapshotManagement(runtime);
  using list = mgmt.QueryVolumesSupportedForSnapshots(
    options.providerId ?? SYSTEM_PROVIDER_ID,
    VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
  ).ppEnum!;
  const out: Volume[] = [];
  for (;;) {
    const batch = list.Next(256);
    for (const item of batch.rgelt) {
      if ("Vol" in item) {
        out.push({
          guidName: item.Vol.m_pwszVolumeName ?? "",
          displayName: item.Vol.m_pwszVolumeDisplayName ?? "",
        });
      }
    }
    if (batch.pceltFetched < 256) break;
  }
  return out;
}

const sameVolume = (a: string, b: string) => {
  const norm = (x: string) => x.toLowerCase().replace(/[\\/]+$/, "");
  return norm(a) === norm(b);
};

/**
 * The volume that `name` (a display name like `C:` / `C:\`, or a GUID name) stands for, or null.
 *
 * @example Find the GUID name of C:
 * ```ts ignore
 * import { resolveVolume } from "./mod.ts";
 *
 * const volume = resolveVolume("C:");
 * console.log(volume?.guidName ?? "C: cannot be shadow copied");
 * ```
 */
export function resolveVolume(name: string, options: ManageOptions = {}): Volume | null {
  return listVolumes(options).find((v) =>
    sameVolume(v.displayName, name) || sameVolume(v.guidName, name)
  ) ??
    null;
}

/**
 * A shadow copy provider, as {@linkcode listProviders} returns it.
 *
 * @example Tell a hardware provider from the others
 * ```ts
 * import type { Provider } from "./mod.ts";
 *
 * const provider: Provider = {
 *   id: "11111111-2222-3333-4444-555555555555",
 *   name: "Example SAN provider",
 *   type: "hardware",
 *   version: "2.1",
 *   versionId: "00000002-0000-0000-0001-000000000000",
 *   classId: "66666666-7777-8888-9999-aaaaaaaaaaaa",
 * };
 * console.log(provider.type === "hardware" ? "can make transportable sets" : "software only");
 * ```
 */
export interface Provider {
  /** Id (GUID). */
  id: string;
  /** The name. */
  name: string | null;
  /** The type. */
  type: string;
  /** Version string. */
  version: string | null;
  /** Version id. */
  versionId: string;
  /** COM class id. */
  classId: string;
}

/**
 * The registered shadow copy providers.
 *
 * @example Print the providers and their types
 * ```ts ignore
 * import { listProviders } from "./mod.ts";
 *
 * for (const p of await listProviders()) console.log(p.name, p.type, p.id);
 * ```
 */
export async function listProviders(options: ManageOptions = {}): Promise<Provider[]> {
  const runtime = options.runtime ?? openVss();
  return await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL, (backup) => {
    using list = backup.Query(
      GUID_NULL,
      VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
      VSS_OBJECT_TYPE.VSS_OBJECT_PROVIDER,
    )
      .ppEnum!;
    const out: Provider[] = [];
    for (const item of list.Next(256).rgelt) {
      if (!("Prov" in item)) continue;
      const p = item.Prov;
      out.push({
        id: p.m_ProviderId,
        name: p.m_pwszProviderName,
        type: enumName(VSS_PROVIDER_TYPE, p.m_eProviderType).replace(/^VSS_PROV_/, "")
          .toLowerCase(),
        version: p.m_pwszProviderVersion,
        versionId: p.m_ProviderVersionId,
        classId: p.m_ClassId,
      });
    }
    return out;
  });
}

/**
 * Whether a provider (default: any) can shadow copy `volume`.
 *
 * @example Keep only the volumes that can be shadow copied
 * ```ts ignore
 * import { isVolumeSupported } from "./mod.ts";
 *
 * const wanted = ["C:\\", "D:\\", "Z:\\"];
 * const supported: string[] = [];
 * for (const v of wanted) if (await isVolumeSupported(v)) supported.push(v);
 * console.log(supported);
 * ```
 */
export async function isVolumeSupported(
  volume: string,
  options: ManageOptions & { providerId?: string } = {},
): Promise<boolean> {
  const runtime = options.runtime ?? openVss();
  return await withSession(
    runtime,
    VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP,
    (backup) =>
      backup.IsVolumeSupported(options.providerId ?? GUID_NULL, volume).pbSupportedByThisProvider,
  );
}

/**
 * Whether `volume` has shadow copies, and the capability mask
 * (VSS_SNAPSHOT_COMPATIBILITY bits) VSS reports for it.
 *
 * @example Check before defragmenting a volume
 * ```ts ignore
 * import { isVolumeSnapshotted } from "./mod.ts";
 *
 * const { snapshotsPresent, capability } = isVolumeSnapshotted("C:\\");
 * console.log(snapshotsPresent, capability.toString(16));
 * ```
 */
export function isVolumeSnapshotted(
  volume: string,
  options: ManageOptions = {},
): { snapshotsPresent: boolean; capability: number } {
  const runtime = options.runtime ?? openVss();
  const r = IsVolumeSnapshottedInternal(runtime, volume);
  return { snapshotsPresent: r.pbSnapshotsPresent, capability: r.plSnapshotCapability };
}

/**
 * A shadow copy storage (diff) area, as {@linkcode DiffAreaManagement.forVolume}
 * and {@linkcode DiffAreaManagement.onVolume} return it.
 *
 * @example How full is a storage area
 * ```ts
 * import type { DiffArea } from "./mod.ts";
 *
 * const area: DiffArea = {
 *   volume: "C:\\",
 *   diffAreaVolume: "D:\\",
 *   maximumBytes: 10n * 2n ** 30n,
 *   allocatedBytes: 2n * 2n ** 30n,
 *   usedBytes: 2n ** 30n,
 * };
 * console.log(`${Number((area.usedBytes * 100n) / area.maximumBytes)}% used`); // 10% used
 * ```
 */
export interface DiffArea {
  /** The volume. */
  volume: string;
  /** Volume holding the diff area. */
  diffAreaVolume: string;
  /** Maximum size in bytes. */
  maximumBytes: bigint;
  /** Allocated bytes. */
  allocatedBytes: bigint;
  /** Used bytes. */
  usedBytes: bigint;
}

function diffAreas(list: IVssEnumMgmtObject | null): DiffArea[] {
  if (list === null) return [];
  using items = list;
  const out: DiffArea[] = [];
  for (const item of items.Next(1024).rgelt) {
    if (item.Type !== VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_DIFF_AREA || !("DiffArea" in item)) {
      continue;
    }
    const d = item.DiffArea;
    out.push({
      volume: d.m_pwszVolumeName ?? "",
      diffAreaVolume: d.m_pwszDiffAreaVolumeName ?? "",
      maximumBytes: d.m_llMaximumDiffSpace,
      allocatedBytes: d.m_llAllocatedDiffSpace,
      usedBytes: d.m_llUsedDiffSpace,
    });
  }
  return out;
}

function withDiffMgmt<T>(
  runtime: VssRuntime,
  providerId: string,
  fn: (mgmt: IVssDifferentialSoftwareSnapshotMgmt) => T,
): T {
  using snapshots = createSnapshotManagement(runtime);
  using unknown = snapshots.GetProviderMgmtInterface(
    providerId,
    IID.IVssDifferentialSoftwareSnapshotMgmt,
  ).ppItf!;
  using mgmt = queryInterface(unknown, IVssDifferentialSoftwareSnapshotMgmt)!;
  return fn(mgmt);
}

/**
 * Options of the diff-area functions: the runtime and the provider (default: the system provider).
 *
 * @example Manage the storage of another software provider
 * ```ts
 * import type { DiffAreaOptions } from "./mod.ts";
 *
 * const options: DiffAreaOptions = { providerId: "7c5f3d2a-1b4e-4f60-9a8b-0c1d2e3f4a5b" };
 * console.log(options.providerId);
 * ```
 */
export type DiffAreaOptions = ManageOptions & { providerId?: string };

/**
 * A volume's shadow copy protection state, from
 * {@linkcode DiffAreaManagement.protection}.
 *
 * @example Explain a protection fault
 * ```ts
 * import { hresultName, VSS_PROTECTION_FAULT, type VolumeProtection } from "../mod.ts";
 *
 * const state: VolumeProtection = {
 *   level: "snapshot",
 *   offline: true,
 *   fault: VSS_PROTECTION_FAULT.VSS_PROTECTION_FAULT_DIFF_AREA_FULL,
 *   failureStatus: 0x8004231f,
 *   hasUnusedDiffArea: false,
 * };
 * if (state.offline) console.log(`offline: ${hresultName(state.failureStatus)}`);
 * // offline: VSS_E_INSUFFICIENT_STORAGE
 * ```
 */
export interface VolumeProtection {
  /** `original-volume` or `snapshot`. */
  level: "original-volume" | "snapshot";
  /** Whether the volume is offline because of a protection fault. */
  offline: boolean;
  /** VSS_PROTECTION_FAULT value. */
  fault: number;
  /** The failure HRESULT of the fault (0 when none). */
  failureStatus: number;
  /** Whether the volume has a diff area that is not used. */
  hasUnusedDiffArea: boolean;
}

/**
 * The functions of {@linkcode diffAreaManagement}: list, add and resize
 * shadow copy storage areas, and read or set a volume's protection level.
 *
 * @example Take the functions as a parameter (a test can pass a fake)
 * ```ts ignore
 * import { type DiffAreaManagement, diffAreaManagement } from "./mod.ts";
 *
 * function usedBytes(areas: DiffAreaManagement, volume: string): bigint {
 *   return areas.forVolume(volume).reduce((sum, a) => sum + a.usedBytes, 0n);
 * }
 * console.log(usedBytes(diffAreaManagement, "C:\\"));
 * ```
 */
export interface DiffAreaManagement {
  /** Diff areas for a volume (whose shadow copies they store). */
  forVolume(volume: string, options?: DiffAreaOptions): DiffArea[];
  /** Diff areas residing on a volume. */
  onVolume(volume: string, options?: DiffAreaOptions): DiffArea[];
  /** Adds a diff area for `volume` on `diffAreaVolume`. */
  add(
    volume: string,
    diffAreaVolume: string,
    maximumBytes: bigint,
    options?: DiffAreaOptions,
  ): void;
  /** Changes the maximum size of a diff area. */
  changeMaximumSize(
    volume: string,
    diffAreaVolume: string,
    maximumBytes: bigint,
    options?: DiffAreaOptions,
  ): void;
  /** The protection level and fault state of a volume. */
  protection(volume: string, options?: DiffAreaOptions): VolumeProtection;
  /** Sets the protection level of a volume. */
  setProtection(
    volume: string,
    level: "original-volume" | "snapshot",
    options?: DiffAreaOptions,
  ): void;
}

/**
 * Shadow copy storage management (diff areas) of the system provider.
 *
 * @example Limit the storage of C: on D: to 10 GiB
 * ```ts ignore
 * import { diffAreaManagement } from "./mod.ts";
 *
 * diffAreaManagement.changeMaximumSize("C:\\", "D:\\", 10n * 2n ** 30n);
 * ```
 */
export const diffAreaManagement: DiffAreaManagement = {
  /** Diff areas for a volume (whose shadow copies they store). */
  forVolume(volume: string, options: ManageOptions & { providerId?: string } = {}): DiffArea[] {
    const runtime = options.runtime ?? openVss();
    return withDiffMgmt(
      runtime,
      options.providerId ?? SYSTEM_PROVIDER_ID,
      (m) => diffAreas(m.QueryDiffAreasForVolume(volume).ppEnum),
    );
  },
  /** Diff areas residing on a volume. */
  onVolume(volume: string, options: ManageOptions & { providerId?: string } = {}): DiffArea[] {
    const runtime = options.runtime ?? openVss();
    return withDiffMgmt(
      runtime,
      options.providerId ?? SYSTEM_PROVIDER_ID,
      (m) => diffAreas(m.QueryDiffAreasOnVolume(volume).ppEnum),
    );
  },
  /** Adds a diff area for `volume` on `diffAreaVolume`. */
  add(
    volume: string,
    diffAreaVolume: string,
    maximumBytes: bigint,
    options: ManageOptions & { providerId?: string } = {},
  ): void {
    const runtime = options.runtime ?? openVss();
    withDiffMgmt(
      runtime,
      options.providerId ?? SYSTEM_PROVIDER_ID,
      (m) => m.AddDiffArea(volume, diffAreaVolume, maximumBytes),
    );
  },
  /** Changes the maximum size of a diff area. */
  changeMaximumSize(
    volume: string,
    diffAreaVolume: string,
    maximumBytes: bigint,
    options: ManageOptions & { providerId?: string } = {},
  ): void {
    const runtime = options.runtime ?? openVss();
    withDiffMgmt(
      runtime,
      options.providerId ?? SYSTEM_PROVIDER_ID,
      (m) => m.ChangeDiffAreaMaximumSize(volume, diffAreaVolume, maximumBytes),
    );
  },
  /** The protection level and fault state of a volume. */
  protection(volume: string, options: ManageOptions & { providerId?: string } = {}) {
    const runtime = options.runtime ?? openVss();
    return withDiffMgmt(runtime, options.providerId ?? SYSTEM_PROVIDER_ID, (m) => {
      using m3 = queryInterface(m, IVssDifferentialSoftwareSnapshotMgmt3)!;
      const p = m3.GetVolumeProtectLevel(volume).protectionLevel;
      return {
        level: p.m_protectionLevel === VSS_PROTECTION_LEVEL.VSS_PROTECTION_LEVEL_SNAPSHOT
          ? "snapshot"
          : "original-volume",
        offline: p.m_volumeIsOfflineForProtection !== 0,
        fault: p.m_protectionFault,
        failureStatus: p.m_failureStatus >>> 0,
        hasUnusedDiffArea: p.m_volumeHasUnusedDiffArea !== 0,
      };
    });
  },
  /** Sets the protection level of a volume. */
  setProtection(
    volume: string,
    level: "original-volume" | "snapshot",
    options: ManageOptions & { providerId?: string } = {},
  ): void {
    const runtime = options.runtime ?? openVss();
    withDiffMgmt(runtime, options.providerId ?? SYSTEM_PROVIDER_ID, (m) => {
      using m3 = queryInterface(m, IVssDifferentialSoftwareSnapshotMgmt3)!;
      m3.SetVolumeProtectLevel(
        volume,
        level === "snapshot"
          ? VSS_PROTECTION_LEVEL.VSS_PROTECTION_LEVEL_SNAPSHOT
          : VSS_PROTECTION_LEVEL.VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME,
      );
    });
  },
};

/**
 * The writers of the system: their metadata (GatherWriterMetadata) and status.
 *
 * @example List the writers and their state, like `vssadmin list writers`
 * ```ts ignore
 * import { getWriters } from "./mod.ts";
 *
 * const { metadata, status } = await getWriters({ timeoutMs: 60_000 });
 * for (const s of status) console.log(s.name, s.stateName, s.failureName ?? "no error");
 * console.log(metadata.reduce((n, w) => n + w.components.length, 0), "components");
 * ```
 */
export async function getWriters(
  options: ManageOptions & { timeoutMs?: number } = {},
): Promise<{ metadata: WriterMetadata[]; status: WriterStatus[] }> {
  const runtime = options.runtime ?? openVss();
  return await withSession(runtime, VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP, async (backup) => {
    await finishOperation(
      backup.GatherWriterMetadata().pAsync,
      "GatherWriterMetadata",
      options.timeoutMs,
      options.signal,
    );
    const metadata = readAllWriterMetadata(backup);
    backup.FreeWriterMetadata();
    await finishOperation(
      backup.GatherWriterStatus().pAsync,
      "GatherWriterStatus",
      options.timeoutMs,
      options.signal,
    );
    return { metadata, status: readWriterStatus(backup) };
  });
}
