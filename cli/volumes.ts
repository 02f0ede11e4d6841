/**
 * Volume names: VSS reports shadow copies by the volume's GUID name
 * (`\\?\Volume{...}\`), while people write `C:\`. The volume list of the
 * snapshot management interface maps between the two.
 *
 * @module
 */

import {
  createSnapshotManagement,
  openVss,
  SYSTEM_PROVIDER_ID,
  VSS_MGMT_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
} from "../mod.ts";

/** A volume VSS can shadow copy: its GUID name and the name people use. */
export interface VolumeName {
  guidName: string;
  displayName: string;
}

/**
 * The volumes the system provider supports, best effort: an empty list
 * when VSS cannot tell (no management interface, no rights).
 */
export function knownVolumes(): VolumeName[] {
  try {
    using mgmt = createSnapshotManagement(openVss());
    const list = mgmt.QueryVolumesSupportedForSnapshots(
      SYSTEM_PROVIDER_ID,
      VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP,
    ).ppEnum;
    if (list === null) return [];
    using items = list;
    const out: VolumeName[] = [];
    for (;;) {
      const batch = items.Next(256);
      for (const item of batch.rgelt) {
        if (item.Type !== VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME || !("Vol" in item)) continue;
        out.push({
          guidName: item.Vol.m_pwszVolumeName ?? "",
          displayName: item.Vol.m_pwszVolumeDisplayName ?? item.Vol.m_pwszVolumeName ?? "",
        });
      }
      if (batch.pceltFetched < 256) break;
    }
    return out;
  } catch {
    return [];
  }
}

function bare(name: string): string {
  return name.toLowerCase().replace(/[\\/]+$/, "");
}

/** Whether two volume names denote the same volume, ignoring case and a trailing separator. */
export function sameVolume(a: string, b: string): boolean {
  return bare(a) === bare(b);
}

/** The display name of a volume VSS named (GUID name or display name), or null when unknown. */
export function displayNameOf(name: string, volumes: readonly VolumeName[]): string | null {
  return volumes.find((v) => sameVolume(v.guidName, name) || sameVolume(v.displayName, name))
    ?.displayName ?? null;
}

/** The GUID name of a volume given by any name (unchanged when it cannot be resolved). */
export function guidNameOf(name: string, volumes: readonly VolumeName[]): string {
  if (/^\\\\\?\\Volume\{/i.test(name)) return name;
  return volumes.find((v) => sameVolume(v.displayName, name))?.guidName ?? name;
}
