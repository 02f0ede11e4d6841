/**
 * Shadow copy storage (diff areas) of a software provider: list, add,
 * resize, and the volumes' protection level.
 *
 * @module
 */

import { IID } from "../ffi/generated/guids.ts";
import { VSS_MGMT_OBJECT_TYPE, VSS_PROTECTION_LEVEL } from "../ffi/generated/enums.ts";
import {
  IVssDifferentialSoftwareSnapshotMgmt,
  IVssDifferentialSoftwareSnapshotMgmt3,
  type IVssEnumMgmtObject,
} from "../ffi/generated/wrappers.ts";
import { toUnsigned } from "../ffi/hresult.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { createSnapshotManagement, queryInterface } from "../ffi/vss.ts";
import { readAllMgmtObjects } from "../ffi/thunks/bulk.ts";
import { SYSTEM_PROVIDER_ID } from "./providers.ts";
import { runtimeOf } from "./session.ts";

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
  /** The volume whose shadow copies the area stores. */
  volume: string;
  /** The volume the area lives on. */
  diffAreaVolume: string;
  /** The most the area may grow to, in bytes. */
  maximumBytes: bigint;
  /** What the area has reserved so far, in bytes. */
  allocatedBytes: bigint;
  /** What the shadow copies' saved blocks take, in bytes. */
  usedBytes: bigint;
}

function diffAreas(list: IVssEnumMgmtObject | null): DiffArea[] {
  if (list === null) return [];
  using items = list;
  const out: DiffArea[] = [];
  for (const item of readAllMgmtObjects(items)) {
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
  options: DiffAreaOptions,
  fn: (mgmt: IVssDifferentialSoftwareSnapshotMgmt) => T,
): T {
  using snapshots = createSnapshotManagement(runtimeOf(options));
  using unknown = snapshots.GetProviderMgmtInterface(
    options.providerId ?? SYSTEM_PROVIDER_ID,
    IID.IVssDifferentialSoftwareSnapshotMgmt,
  ).ppItf!;
  using mgmt = queryInterface(unknown, IVssDifferentialSoftwareSnapshotMgmt)!;
  return fn(mgmt);
}

function withDiffMgmt3<T>(
  options: DiffAreaOptions,
  fn: (mgmt: IVssDifferentialSoftwareSnapshotMgmt3) => T,
): T {
  return withDiffMgmt(options, (m) => {
    using m3 = queryInterface(m, IVssDifferentialSoftwareSnapshotMgmt3)!;
    return fn(m3);
  });
}

/**
 * Options of the diff-area functions: the runtime and the provider (default: the system provider).
 *
 * @example Manage the storage of another software provider
 * ```ts ignore
 * import { diffAreaManagement, type DiffAreaOptions } from "./mod.ts";
 *
 * const options: DiffAreaOptions = { providerId: "7c5f3d2a-1b4e-4f60-9a8b-0c1d2e3f4a5b" };
 * console.log(diffAreaManagement.forVolume("C:\\", options));
 * ```
 */
export interface DiffAreaOptions {
  /** The VSS runtime (default: openVss()). */
  runtime?: VssRuntime;
  /** The provider whose storage is managed (default: the system provider). */
  providerId?: string;
}

/**
 * A volume's shadow copy protection state, from
 * {@linkcode DiffAreaManagement.protection}.
 *
 * @example Explain a protection fault
 * ```ts
 * import { hresultName, type VolumeProtection } from "./mod.ts";
 * import { VSS_PROTECTION_FAULT } from "../binding.ts";
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
  forVolume: (volume, options = {}) =>
    withDiffMgmt(options, (m) => diffAreas(m.QueryDiffAreasForVolume(volume).ppEnum)),
  onVolume: (volume, options = {}) =>
    withDiffMgmt(options, (m) => diffAreas(m.QueryDiffAreasOnVolume(volume).ppEnum)),
  add(volume, diffAreaVolume, maximumBytes, options = {}) {
    withDiffMgmt(options, (m) => m.AddDiffArea(volume, diffAreaVolume, maximumBytes));
  },
  changeMaximumSize(volume, diffAreaVolume, maximumBytes, options = {}) {
    withDiffMgmt(
      options,
      (m) => m.ChangeDiffAreaMaximumSize(volume, diffAreaVolume, maximumBytes),
    );
  },
  protection: (volume, options = {}) =>
    withDiffMgmt3(options, (m3) => {
      const p = m3.GetVolumeProtectLevel(volume).protectionLevel;
      return {
        level: p.m_protectionLevel === VSS_PROTECTION_LEVEL.VSS_PROTECTION_LEVEL_SNAPSHOT
          ? "snapshot"
          : "original-volume",
        offline: p.m_volumeIsOfflineForProtection !== 0,
        fault: p.m_protectionFault,
        failureStatus: toUnsigned(p.m_failureStatus),
        hasUnusedDiffArea: p.m_volumeHasUnusedDiffArea !== 0,
      };
    }),
  setProtection(volume, level, options = {}) {
    withDiffMgmt3(options, (m3) =>
      m3.SetVolumeProtectLevel(
        volume,
        level === "snapshot"
          ? VSS_PROTECTION_LEVEL.VSS_PROTECTION_LEVEL_SNAPSHOT
          : VSS_PROTECTION_LEVEL.VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME,
      ));
  },
};
