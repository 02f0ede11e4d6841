/**
 * Volume names, one implementation: VSS reports shadow copies by the
 * volume's GUID name (`\\?\Volume{...}\`), people write `C:\` or `C:`, and the
 * volume list of the snapshot management interface maps between the two.
 *
 * @module
 */

import { VSS_MGMT_OBJECT_TYPE, VSS_SNAPSHOT_CONTEXT } from "../ffi/generated/enums.ts";
import { createSnapshotManagement } from "../ffi/vss.ts";
import { readAllMgmtObjects } from "../ffi/thunks/bulk.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { SYSTEM_PROVIDER_ID } from "./providers.ts";
import { runtimeOf, withSession } from "./session.ts";
import type { ManageOptions } from "./options.ts";
import { GUID_NULL } from "../ffi/guid.ts";
import { IsVolumeSnapshottedInternal } from "../ffi/generated/vssapi.ts";

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
  /** The `\\?\Volume{...}\` name VSS reports shadow copies by. */
  guidName: string;
  /** The name people use (`C:\`, a mount folder, a directory on the simulator). */
  displayName: string;
}

/** Options of the volume functions: the runtime, and the provider whose volumes count. */
export interface VolumeOptions {
  /** The VSS runtime (default: openVss()). */
  runtime?: VssRuntime;
  /** The provider (default: the system provider). */
  providerId?: string;
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
export function listVolumes(options: VolumeOptions = {}): Volume[] {
  using mgmt = createSnapshotManagement(runtimeOf(options));
  const list = mgmt.QueryVolumesSupportedForSnapshots(
    options.providerId ?? SYSTEM_PROVIDER_ID,
    VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
  ).ppEnum;
  if (list === null) return [];
  using items = list;
  const out: Volume[] = [];
  for (const item of readAllMgmtObjects(items)) {
    if (item.Type !== VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME || !("Vol" in item)) continue;
    const guidName = item.Vol.m_pwszVolumeName ?? "";
    out.push({ guidName, displayName: item.Vol.m_pwszVolumeDisplayName ?? guidName });
  }
  return out;
}

/**
 * {@linkcode listVolumes}, best effort: an empty list when VSS cannot tell
 * (no management interface, no rights). For display names, which are a
 * convenience.
 *
 * @example Label GUID volume names in a report
 * ```ts ignore
 * import { displayNameOf, knownVolumes } from "./mod.ts";
 *
 * const volumes = knownVolumes();
 * const label = (name: string) => displayNameOf(name, volumes) ?? name;
 * console.log(label("\\\\?\\Volume{3f9a2c1e-0000-0000-0000-100000000000}\\"));
 * ```
 */
export function knownVolumes(options: VolumeOptions = {}): Volume[] {
  try {
    return listVolumes(options);
  } catch {
    return [];
  }
}

function bare(name: string): string {
  return name.toLowerCase().replace(/[\\/]+$/, "");
}

/**
 * Whether two volume names are the same name, ignoring case and a trailing
 * separator (`C:`, `c:\`). Names of different kinds (a GUID name and a
 * drive letter) are compared through {@linkcode guidNameOf}.
 *
 * @example
 * ```ts
 * import { sameVolume } from "./mod.ts";
 *
 * console.log(sameVolume("C:", "c:\\"), sameVolume("C:\\", "D:\\")); // true false
 * ```
 */
export function sameVolume(a: string, b: string): boolean {
  return bare(a) === bare(b);
}

/** Whether `name` is a `\\?\Volume{...}` GUID name. */
function isGuidName(name: string): boolean {
  return /^\\\\\?\\Volume\{/i.test(name);
}

/**
 * The display name of a volume given by any name (GUID name or display
 * name), or null when `volumes` does not know it.
 *
 * @example Show `C:\` instead of the GUID name VSS reports
 * ```ts
 * import { displayNameOf, type Volume } from "./mod.ts";
 *
 * const volumes: Volume[] = [{ guidName: "\\\\?\\Volume{1234}\\", displayName: "C:\\" }];
 * console.log(displayNameOf("\\\\?\\Volume{1234}\\", volumes)); // C:\
 * ```
 */
export function displayNameOf(name: string, volumes: readonly Volume[]): string | null {
  return volumes.find((v) => sameVolume(v.guidName, name) || sameVolume(v.displayName, name))
    ?.displayName ?? null;
}

/**
 * The GUID name of a volume given by any name; the name unchanged when it
 * is a GUID name already or `volumes` does not know it.
 *
 * @example Resolve a drive letter
 * ```ts
 * import { guidNameOf, type Volume } from "./mod.ts";
 *
 * const volumes: Volume[] = [{ guidName: "\\\\?\\Volume{1234}\\", displayName: "C:\\" }];
 * console.log(guidNameOf("c:", volumes)); // \\?\Volume{1234}\
 * ```
 */
export function guidNameOf(name: string, volumes: readonly Volume[]): string {
  if (isGuidName(name)) return name;
  return volumes.find((v) => sameVolume(v.displayName, name))?.guidName ?? name;
}

/**
 * A test for "is this (any form of a name) the volume `name`", using
 * `volumes` to match display names and GUID names with each other.
 */
export function volumeMatcher(
  name: string,
  volumes: readonly Volume[],
): (candidate: string) => boolean {
  const names = [name, guidNameOf(name, volumes)];
  const display = displayNameOf(name, volumes);
  if (display !== null) names.push(display);
  return (candidate) => names.some((n) => sameVolume(candidate, n));
}

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
export function resolveVolume(name: string, options: VolumeOptions = {}): Volume | null {
  return listVolumes(options).find((v) =>
    sameVolume(v.displayName, name) || sameVolume(v.guidName, name)
  ) ?? null;
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
  const init = { kind: "backup", context: VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP } as const;
  return await withSession(
    options,
    init,
    ({ backup }) =>
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
  options: { runtime?: VssRuntime } = {},
): { snapshotsPresent: boolean; capability: number } {
  const r = IsVolumeSnapshottedInternal(runtimeOf(options), volume);
  return { snapshotsPresent: r.pbSnapshotsPresent, capability: r.plSnapshotCapability };
}
