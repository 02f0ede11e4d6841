/**
 * Shadow copies outside a backup: the {@linkcode ShadowCopy} model, and
 * listing, deleting, exposing, breaking, reverting and importing them.
 *
 * @module
 */

import { VssError } from "../ffi/errors.ts";
import { GUID_NULL, normalizeGuid } from "../ffi/guid.ts";
import { ticksToDate } from "../ffi/marshal.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import { VSS_OBJECT_TYPE, VSS_VOLUME_SNAPSHOT_ATTRIBUTES } from "../ffi/generated/enums.ts";
import { IVssBackupComponentsEx2 } from "../ffi/generated/wrappers.ts";
import type { SnapshotProp } from "../ffi/results.ts";
import { queryInterface } from "../ffi/vss.ts";
import { readAllObjects } from "../ffi/thunks/bulk.ts";
import { throwIfAborted } from "./deadlines.ts";
import { RequesterError } from "./errors.ts";
import { attributeNames, type ManageOptions } from "./options.ts";
import { ALL_CONTEXTS, runtimeOf, type Session, withSession } from "./session.ts";
import { displayNameOf, knownVolumes, volumeMatcher } from "./volumes.ts";

/**
 * One shadow copy: an element of {@linkcode ShadowCopySet.snapshots}, and
 * what {@linkcode listShadowCopies} returns.
 *
 * @example Print where each shadow copy of a set can be read
 * ```ts ignore
 * import { createShadowCopySet, type ShadowCopy } from "./mod.ts";
 *
 * const describe = (s: ShadowCopy) =>
 *   `${s.volume} -> ${s.devicePath} (${s.createdAt.toISOString()}, ${s.attributeNames.join(" ")})`;
 * await using set = await createShadowCopySet(["C:\\", "D:\\"]);
 * for (const snapshot of set.snapshots) console.log(describe(snapshot));
 * ```
 */
export interface ShadowCopy {
  /** The shadow copy's id (GUID). */
  id: string;
  /** The id of the set it belongs to. */
  setId: string;
  /** The volume as it was asked for (or, when listed, as VSS reports it). */
  volume: string;
  /** The volume's display name (`C:\`), when known. */
  volumeDisplayName: string | null;
  /** The volume's name as VSS reports it (`\\?\Volume{...}\`). */
  originalVolumeName: string;
  /** Where the shadow copy's contents are read from. */
  devicePath: string;
  /** VSS_VOLUME_SNAPSHOT_ATTRIBUTES bits. */
  attributes: number;
  /** Names of the attribute bits, lower case. */
  attributeNames: string[];
  /** When the shadow copy was made. */
  createdAt: Date;
  /** Creation time in 100-ns ticks since 1601 (full precision). */
  createdAtTicks: bigint;
  /** The provider that made it. */
  providerId: string;
  /** Where it is exposed, when exposed. */
  exposedName: string | null;
  /** The exposed sub-path, when exposed. */
  exposedPath: string | null;
}

/** A ShadowCopy from snapshot properties; `volume` is the name it was asked for, when known. */
export function toShadowCopy(p: SnapshotProp, volume?: string): ShadowCopy {
  return {
    id: p.m_SnapshotId,
    setId: p.m_SnapshotSetId,
    volume: volume ?? p.m_pwszOriginalVolumeName ?? "",
    volumeDisplayName: volume ?? null,
    originalVolumeName: p.m_pwszOriginalVolumeName ?? volume ?? "",
    devicePath: p.m_pwszSnapshotDeviceObject ?? "",
    attributes: p.m_lSnapshotAttributes,
    attributeNames: attributeNames(p.m_lSnapshotAttributes),
    createdAt: ticksToDate(p.m_tsCreationTimestamp),
    createdAtTicks: p.m_tsCreationTimestamp,
    providerId: p.m_ProviderId,
    exposedName: p.m_pwszExposedName,
    exposedPath: p.m_pwszExposedPath,
  };
}

/** Every shadow copy the session can see, as snapshot properties (none: an empty list). */
function querySnapshots(session: Session): SnapshotProp[] {
  let list;
  try {
    list = session.backup.Query(
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
  const found: SnapshotProp[] = [];
  for (const item of readAllObjects(items)) if ("Snap" in item) found.push(item.Snap);
  return found;
}

/**
 * Which shadow copies {@linkcode listShadowCopies} returns: one set, one id,
 * one volume's (any form of its name), or all of them.
 *
 * @example The shadow copies of C: in one set
 * ```ts ignore
 * import { listShadowCopies, type ShadowCopyFilter } from "./mod.ts";
 *
 * const filter: ShadowCopyFilter = { volume: "C:", setId: "7a1f0c2e-1111-2222-3333-444455556666" };
 * console.log((await listShadowCopies(filter)).map((s) => s.devicePath));
 * ```
 */
export interface ShadowCopyFilter {
  /** Only the shadow copies of this set. */
  setId?: string;
  /** Only the shadow copy with this id. */
  id?: string;
  /** Only the shadow copies of this volume: `C:`, `C:\\`, a GUID name, a mount folder. */
  volume?: string;
}

/**
 * Every shadow copy on the system (all contexts), or those the filter
 * selects, with each volume's display name when VSS knows it.
 *
 * @example List the shadow copies of one volume, newest first
 * ```ts ignore
 * import { listShadowCopies } from "./mod.ts";
 *
 * const copies = await listShadowCopies({ volume: "C:" });
 * copies.sort((a, b) => Number(b.createdAtTicks - a.createdAtTicks));
 * for (const s of copies) console.log(s.createdAt.toISOString(), s.devicePath);
 * ```
 */
export async function listShadowCopies(
  options: ManageOptions & ShadowCopyFilter = {},
): Promise<ShadowCopy[]> {
  const runtime = runtimeOf(options);
  const volumes = knownVolumes({ runtime });
  const setId = options.setId && normalizeGuid(options.setId);
  const id = options.id && normalizeGuid(options.id);
  const onVolume = options.volume === undefined ? null : volumeMatcher(options.volume, volumes);
  const all = await withSession({ ...options, runtime }, ALL_CONTEXTS, querySnapshots);
  return all
    .filter((p) => (!setId || p.m_SnapshotSetId === setId) && (!id || p.m_SnapshotId === id))
    .map((p) => {
      const shadow = toShadowCopy(p);
      shadow.volumeDisplayName = displayNameOf(shadow.originalVolumeName, volumes);
      return shadow;
    })
    .filter((s) => onVolume === null || onVolume(s.originalVolumeName));
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
 * Deletes shadow copies: one by id, a whole set, all of them, or the oldest
 * of a volume (any form of its name; nothing when it has none). Returns how
 * many were deleted.
 *
 * @example Make room on D: by deleting its oldest shadow copy
 * ```ts ignore
 * import { deleteShadowCopies } from "./mod.ts";
 *
 * const deleted = await deleteShadowCopies({ oldest: "D:" });
 * console.log(deleted === 0 ? "D: has no shadow copies" : "deleted the oldest");
 * ```
 */
export async function deleteShadowCopies(
  target: DeleteTarget,
  options: ManageOptions = {},
): Promise<number> {
  const runtime = runtimeOf(options);
  const ids = await deletionTargets(target, { ...options, runtime });
  return await withSession({ ...options, runtime }, ALL_CONTEXTS, ({ backup }) => {
    let deleted = 0;
    for (const { id, type } of ids) {
      deleted += backup.DeleteSnapshots(id, type, true).plDeletedSnapshots;
    }
    return deleted;
  });
}

/** The objects a {@linkcode DeleteTarget} names, with their VSS object types. */
async function deletionTargets(
  target: DeleteTarget,
  options: ManageOptions,
): Promise<{ id: string; type: VSS_OBJECT_TYPE }[]> {
  const { VSS_OBJECT_SNAPSHOT: ONE, VSS_OBJECT_SNAPSHOT_SET: SET } = VSS_OBJECT_TYPE;
  if ("id" in target) return [{ id: normalizeGuid(target.id), type: ONE }];
  if ("setId" in target) return [{ id: normalizeGuid(target.setId), type: SET }];
  const filter = "all" in target ? {} : { volume: target.oldest };
  const chosen = (await listShadowCopies({ ...options, ...filter }))
    .sort((a, b) => (a.createdAtTicks < b.createdAtTicks ? -1 : 1));
  return ("all" in target ? chosen : chosen.slice(0, 1)).map((s) => ({ id: s.id, type: ONE }));
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
  const A = VSS_VOLUME_SNAPSHOT_ATTRIBUTES;
  const attributes = how.as === "local"
    ? A.VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY
    : A.VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY;
  return await withSession(
    options,
    ALL_CONTEXTS,
    ({ backup }) =>
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
  await withSession(options, ALL_CONTEXTS, ({ backup }) => {
    using ex2 = queryInterface(backup, IVssBackupComponentsEx2)!;
    ex2.UnexposeSnapshot(normalizeGuid(id));
  });
}

/**
 * Breaks a shadow copy set: its shadow copies become ordinary read-write
 * volumes outside VSS's control. With `flags` (VSS_HARDWARE_OPTIONS values)
 * the extended form is used, which waits (under `signal` and the `breakSet`
 * deadline). An aborted signal stops it before anything is broken.
 *
 * @example Keep a set's volumes as ordinary volumes
 * ```ts ignore
 * import { breakShadowCopySet, createShadowCopySet } from "./mod.ts";
 *
 * const set = await createShadowCopySet(["E:\\"], { context: "app-rollback" });
 * await set.complete();
 * await breakShadowCopySet(set.id, { signal: AbortSignal.timeout(60_000) });
 * ```
 */
export async function breakShadowCopySet(
  setId: string,
  options: ManageOptions & { flags?: number } = {},
): Promise<void> {
  throwIfAborted(options.signal, "breakShadowCopySet");
  await withSession(options, ALL_CONTEXTS, async (session) => {
    throwIfAborted(options.signal, "breakShadowCopySet");
    try {
      if (options.flags === undefined) {
        session.backup.BreakSnapshotSet(normalizeGuid(setId));
        return;
      }
      using ex2 = queryInterface(session.backup, IVssBackupComponentsEx2)!;
      const op = ex2.BreakSnapshotSetEx(normalizeGuid(setId), options.flags).ppAsync;
      await session.wait(op, "BreakSnapshotSetEx", "breakSet", null);
    } catch (error) {
      throw breakRefused(error, setId, session.runtime.loaded.kind === "simulator");
    }
  });
}

/**
 * A provider veto of a break is not the transient veto of DoSnapshotSet: the
 * set's provider does not break sets (the system software provider never
 * does), so another attempt meets the same answer. The simulator's way to a
 * hardware provider is named only when the simulator is in use.
 */
function breakRefused(error: unknown, setId: string, simulator: boolean): unknown {
  if (!(error instanceof VssError) || error.code !== HRESULT.VSS_E_PROVIDER_VETO) return error;
  return new RequesterError(
    `${error.method} was refused by the provider of set ${setId} (VSS_E_PROVIDER_VETO)`,
    {
      hint: "Only a hardware provider breaks shadow copy sets; the system software provider " +
        "refuses. `vss providers` (listProviders) shows the providers." +
        (simulator
          ? " On the simulator, VSS_SIM_HARDWARE_PROVIDER=1 registers a simulated hardware provider."
          : ""),
      cause: error,
      hresult: error.code,
      retryable: false,
    },
  );
}

/**
 * Reverts a volume to a shadow copy of it (destroys later changes on the volume).
 *
 * @example Roll D: back to its newest shadow copy
 * ```ts ignore
 * import { listShadowCopies, revertToShadowCopy } from "./mod.ts";
 *
 * const [newest] = (await listShadowCopies({ volume: "D:" }))
 *   .sort((a, b) => Number(b.createdAtTicks - a.createdAtTicks));
 * await revertToShadowCopy(newest.id, { forceDismount: true });
 * ```
 */
export async function revertToShadowCopy(
  id: string,
  options: ManageOptions & { forceDismount?: boolean } = {},
): Promise<void> {
  await withSession(options, ALL_CONTEXTS, ({ backup }) => {
    backup.RevertToSnapshot(normalizeGuid(id), options.forceDismount ?? false);
  });
}

/**
 * Imports transportable shadow copies described by a saved backup components
 * document (ImportSnapshots, under `signal` and the `import` deadline);
 * returns the shadow copies that appeared.
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
  const runtime = runtimeOf(options);
  const before = new Set((await listShadowCopies({ runtime })).map((s) => s.id));
  // A transportable set is imported by a session initialised for backup with its document.
  const init = { kind: "backup", document } as const;
  await withSession(
    { ...options, runtime },
    init,
    (session) =>
      session.wait(session.backup.ImportSnapshots().ppAsync, "ImportSnapshots", "import", null),
  );
  return (await listShadowCopies({ runtime })).filter((s) => !before.has(s.id));
}
