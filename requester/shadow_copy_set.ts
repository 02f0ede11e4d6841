/**
 * Creating a shadow copy set the way the reference prescribes: initialise,
 * gather writer metadata, select writers, start the set, add the volumes,
 * prepare, snapshot, read the properties; complete it later (backup succeeded,
 * BackupComplete). Any failure after the set was started aborts the backup,
 * and nothing is left behind unless persistence was asked for.
 *
 * @module
 */

import { VssError } from "../ffi/errors.ts";
import { GUID_NULL, normalizeGuid } from "../ffi/guid.ts";
import { ticksToDate } from "../ffi/marshal.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import {
  VSS_COMPONENT_TYPE,
  VSS_OBJECT_TYPE,
  VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
} from "../ffi/generated/enums.ts";
import type { IVssBackupComponents } from "../ffi/generated/wrappers.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { os } from "../ffi/platform.ts";
import type { SnapshotProp } from "../ffi/results.ts";
import { createBackupComponents } from "../ffi/vss.ts";
import { openVss } from "./connection.ts";
import { finishOperation } from "./operation.ts";
import {
  explain,
  SessionFinishedError,
  SnapshotSetInProgressError,
  WriterFailureError,
} from "./errors.ts";
import {
  attributeNames,
  type BackupKind,
  backupTypeValue,
  contextIsPersistent,
  contextUsesWriters,
  contextValue,
  type Deadlines,
  DEFAULT_DEADLINES,
  type Phase,
  type ProgressEvent,
  type ShadowCopyContext,
  type WriterSelector,
} from "./options.ts";
import {
  readAllWriterMetadata,
  readWriterStatus,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";

/**
 * The most volumes one shadow copy set may hold.
 *
 * @example Split a long volume list into sets
 * ```ts
 * import { MAX_VOLUMES_PER_SET } from "./mod.ts";
 *
 * const volumes = Array.from({ length: 100 }, (_, i) => `C:\\mnt\\disk${i}\\`);
 * const batches: string[][] = [];
 * for (let i = 0; i < volumes.length; i += MAX_VOLUMES_PER_SET) {
 *   batches.push(volumes.slice(i, i + MAX_VOLUMES_PER_SET));
 * }
 * console.log(batches.map((b) => b.length)); // [64, 36]
 * ```
 */
export const MAX_VOLUMES_PER_SET = 64;

/**
 * Options of {@linkcode createShadowCopySet}. Every field is optional: the
 * default is a non-persistent `backup` context, every writer, backup type
 * `copy`, and VSS's choice of provider.
 *
 * @example A full backup that needs one writer and reports progress
 * ```ts
 * import type { CreateShadowCopySetOptions } from "./mod.ts";
 *
 * const options: CreateShadowCopySetOptions = {
 *   backupType: "full",
 *   writers: { include: [{ name: "SqlServerWriter" }] },
 *   deadlines: { snapshot: 120_000 },
 *   signal: AbortSignal.timeout(15 * 60_000),
 *   onProgress: (e) => console.log(e.phase, e.state),
 * };
 * console.log(Object.keys(options));
 * ```
 */
export interface CreateShadowCopySetOptions {
  /** Default `backup`. */
  context?: ShadowCopyContext;
  /** Keep the shadow copies after the session (persistent variant of the context). Default false. */
  persistent?: boolean;
  /**
   * `false`: no writers take part. Otherwise include or exclude writers by
   * name, class id, instance id or component path (default: every writer).
   */
  writers?: false | { include?: WriterSelector[]; exclude?: WriterSelector[] };
  /** Default `copy`: applications' own backup history is left alone. */
  backupType?: BackupKind;
  /** Previous backup stamps for incremental/differential backups, by `writerId:logicalPath\\name`. */
  previousBackupStamps?: Record<string, string>;
  /** The shadow copy provider; default: VSS chooses. */
  providerId?: string;
  /** Per-phase deadlines in milliseconds. */
  deadlines?: Deadlines;
  /** Aborts the operation (IVssAsync::Cancel, then AbortBackup). */
  signal?: AbortSignal;
  /** Called as each phase starts and ends. */
  onProgress?: (event: ProgressEvent) => void;
  /** Make the shadow copies transportable (to import on another machine; needs a hardware provider). */
  transportable?: boolean;
  /** Retries StartSnapshotSet while another set is in progress. Default 3 attempts from 1 s, doubling. */
  retry?: { attempts?: number; initialDelayMs?: number };
  /** The VSS runtime (default: {@linkcode openVss}). */
  runtime?: VssRuntime;
}

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
  /** Id (GUID). */
  id: string;
  /** Shadow copy set id. */
  setId: string;
  /** The volume as it was asked for. */
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
  /** Creation time. */
  createdAt: Date;
  /** Creation time in 100-ns ticks since 1601 (full precision). */
  createdAtTicks: bigint;
  /** The shadow copy provider. */
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

/** A component selected for the backup. */
interface SelectedComponent {
  writer: WriterMetadata;
  logicalPath: string | null;
  name: string;
  type: VSS_COMPONENT_TYPE;
}

function matches(w: WriterMetadata, s: WriterSelector): boolean {
  if (s.name !== undefined && s.name !== w.name) return false;
  if (s.classId !== undefined && normalizeGuid(s.classId) !== w.writerId) return false;
  if (s.instanceId !== undefined && normalizeGuid(s.instanceId) !== w.instanceId) return false;
  return true;
}

function componentPath(logicalPath: string | null, name: string): string {
  return logicalPath ? `${logicalPath}\\${name}` : name;
}

/**
 * A created shadow copy set. Complete it with {@linkcode ShadowCopySet.complete},
 * which reports the backup's outcome to the writers and releases the session;
 * non-persistent shadow copies go with it. `await using` completes a set that
 * was not completed, reporting the backup as not succeeded.
 *
 * @example Copy a file out of the shadow copy, then report success
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 *
 * await using set = await createShadowCopySet(["C:\\"]);
 * await Deno.copyFile(set.mapPath("C:\\data\\app.db"), "D:\\backup\\app.db");
 * await set.complete({ succeeded: true });
 * // the final document records the outcome; keep it for a restore
 * await Deno.writeTextFile("D:\\backup\\backup.xml", set.saveBackupDocument());
 * ```
 */
export class ShadowCopySet implements AsyncDisposable {
  /** The set id. */
  readonly id: string;
  /** The shadow copies, one per volume, in the order asked. */
  readonly snapshots: readonly ShadowCopy[];
  /** Writer metadata gathered for the session (empty without writers). */
  readonly writers: readonly WriterMetadata[];
  /** Writer status after the snapshot. */
  readonly writerStatus: readonly WriterStatus[];
  /** Writers that failed but were not needed (excluded or unselected): the copy is crash-consistent for their data. */
  readonly degradedWriters: readonly WriterStatus[];
  /** Whether the shadow copies outlive the session. */
  readonly persistent: boolean;
  #backup: IVssBackupComponents | null;
  #document: string | null = null;
  readonly #components: SelectedComponent[];
  readonly #deadlines: Required<Deadlines>;
  readonly #started: number;
  readonly #progress?: (e: ProgressEvent) => void;

  /** Internal: made by {@linkcode createShadowCopySet}. */
  constructor(init: {
    backup: IVssBackupComponents;
    id: string;
    snapshots: ShadowCopy[];
    writers: WriterMetadata[];
    writerStatus: WriterStatus[];
    degradedWriters: WriterStatus[];
    persistent: boolean;
    components: SelectedComponent[];
    deadlines: Required<Deadlines>;
    started: number;
    onProgress?: (e: ProgressEvent) => void;
  }) {
    this.#backup = init.backup;
    this.id = init.id;
    this.snapshots = init.snapshots;
    this.writers = init.writers;
    this.writerStatus = init.writerStatus;
    this.degradedWriters = init.degradedWriters;
    this.persistent = init.persistent;
    this.#components = init.components;
    this.#deadlines = init.deadlines;
    this.#started = init.started;
    this.#progress = init.onProgress;
  }

  /**
   * The path inside the shadow copy that corresponds to `originalPath`
   * (which must lie on one of the set's volumes; a RangeError otherwise).
   *
   * @example Read a file as it was at snapshot time
   * ```ts ignore
   * const bytes = await Deno.readFile(set.mapPath("C:\\data\\app.db"));
   * ```
   */
  mapPath(originalPath: string): string {
    const lower = originalPath.toLowerCase();
    const sep = os === "windows" || originalPath.includes("\\") ? "\\" : "/";
    for (const s of this.snapshots) {
      const root = s.volume.endsWith(sep) ? s.volume : s.volume + sep;
      const bare = root.slice(0, -1);
      if (lower === bare.toLowerCase()) return s.devicePath;
      if (lower.startsWith(root.toLowerCase())) {
        return `${s.devicePath}${sep}${originalPath.slice(root.length)}`;
      }
    }
    throw new RangeError(`${originalPath} is not on any volume of shadow copy set ${this.id}`);
  }

  /**
   * The backup components document of this session, for a later restore:
   * the live one before completion, and the final one (with each component's
   * backup-succeeded flag) afterwards.
   *
   * @example Keep the document next to the copied files
   * ```ts ignore
   * await set.complete();
   * await Deno.writeTextFile("D:\\backup\\backup.xml", set.saveBackupDocument());
   * ```
   */
  saveBackupDocument(): string {
    if (this.#backup === null && this.#document !== null) return this.#document;
    return this.#session("saveBackupDocument").SaveAsXML().pbstrXML ?? "";
  }

  #session(what: string): IVssBackupComponents {
    if (this.#backup === null) {
      throw new SessionFinishedError(
        `${what}: shadow copy set ${this.id} was already completed`,
        "Create a new set; a VSS session is used once.",
      );
    }
    return this.#backup;
  }

  /**
   * Reports the backup's outcome (SetBackupSucceeded per component,
   * BackupComplete), checks the writers, and releases the session. Without
   * `persistent`, the shadow copies are gone afterwards.
   *
   * @example Report the outcome of the copy step
   * ```ts ignore
   * let succeeded = false;
   * try {
   *   await Deno.copyFile(set.mapPath("C:\\data\\app.db"), "D:\\backup\\app.db");
   *   succeeded = true;
   * } finally {
   *   const writers = await set.complete({ succeeded });
   *   console.log(writers.filter((w) => w.failed).length, "writer(s) failed");
   * }
   * ```
   */
  async complete(
    options: { succeeded?: boolean; signal?: AbortSignal } = {},
  ): Promise<WriterStatus[]> {
    const backup = this.#session("complete");
    this.#backup = null;
    const succeeded = options.succeeded ?? true;
    try {
      this.#progress?.({
        phase: "complete",
        state: "start",
        elapsedMs: performance.now() - this.#started,
      });
      for (const c of this.#components) {
        backup.SetBackupSucceeded(
          c.writer.instanceId,
          c.writer.writerId,
          c.type,
          c.logicalPath,
          c.name,
          succeeded,
        );
      }
      await finishOperation(
        backup.BackupComplete().ppAsync,
        "BackupComplete",
        this.#deadlines.complete,
        options.signal,
      );
      const status = this.writers.length > 0
        ? await gatherStatus(backup, this.#deadlines.complete, options.signal)
        : [];
      this.#document = backup.SaveAsXML().pbstrXML ?? "";
      this.#progress?.({
        phase: "complete",
        state: "end",
        elapsedMs: performance.now() - this.#started,
      });
      return status;
    } finally {
      backup.release();
    }
  }

  /**
   * Deletes the shadow copies of this set now (persistent ones included)
   * and releases the session. Returns how many were deleted.
   *
   * @example Throw away a persistent set that is no longer wanted
   * ```ts ignore
   * import { createShadowCopySet } from "./mod.ts";
   *
   * const set = await createShadowCopySet(["C:\\"], { persistent: true });
   * console.log(await set.delete(), "shadow copy deleted");
   * ```
   */
  async delete(): Promise<number> {
    const backup = this.#session("delete");
    this.#backup = null;
    try {
      await Promise.resolve();
      return backup.DeleteSnapshots(this.id, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET, true)
        .plDeletedSnapshots;
    } finally {
      backup.release();
    }
  }

  /**
   * Completes the set if nobody did (`await using`), reporting the backup as
   * not succeeded; call {@linkcode ShadowCopySet.complete} yourself to report success.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    // Disposal cannot tell whether the block that used the set succeeded, so
    // it never claims success: call complete() to report a good backup.
    if (this.#backup !== null) await this.complete({ succeeded: false });
  }
}

async function gatherStatus(
  backup: IVssBackupComponents,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WriterStatus[]> {
  await finishOperation(
    backup.GatherWriterStatus().pAsync,
    "GatherWriterStatus",
    timeoutMs,
    signal,
  );
  return readWriterStatus(backup);
}

/** Writer metadata gathered by a separate backup components object. */
async function discoverWriters(
  runtime: VssRuntime,
  context: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WriterMetadata[]> {
  using probe = createBackupComponents(runtime);
  probe.InitializeForBackup(null);
  probe.SetContext(context);
  await finishOperation(
    probe.GatherWriterMetadata().pAsync,
    "GatherWriterMetadata",
    timeoutMs,
    signal,
  );
  const all = readAllWriterMetadata(probe);
  probe.FreeWriterMetadata();
  return all;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * Creates a shadow copy set of one or more volumes (at most 64) and returns it
 * with, per volume, the snapshot id, set id, device path, original volume,
 * attributes and creation time.
 *
 * @example Back up from a consistent copy
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 * await using set = await createShadowCopySet(["C:\\"], { backupType: "copy" });
 * const path = set.mapPath("C:\\Users\\me\\data.db");
 * // read `path`, then the set completes and the shadow copy goes away
 * ```
 */
export async function createShadowCopySet(
  volumes: readonly string[],
  options: CreateShadowCopySetOptions = {},
): Promise<ShadowCopySet> {
  if (volumes.length === 0) throw new RangeError("createShadowCopySet needs at least one volume");
  if (volumes.length > MAX_VOLUMES_PER_SET) {
    throw new RangeError(
      `a shadow copy set holds at most ${MAX_VOLUMES_PER_SET} volumes, ${volumes.length} were given`,
    );
  }
  const runtime = options.runtime ?? openVss();
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const ctx = contextValue(options.context ?? "backup", options.persistent ?? false) |
    (options.transportable ? VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_TRANSPORTABLE : 0);
  const useWriters = options.writers !== false && contextUsesWriters(ctx);
  const persistent = contextIsPersistent(ctx);
  const started = performance.now();
  const progress = (phase: Phase, state: "start" | "end", detail?: string) =>
    options.onProgress?.({ phase, state, elapsedMs: performance.now() - started, detail });
  const signal = options.signal;
  signal?.throwIfAborted();

  let step = "CreateVssBackupComponents";
  let setId: string | null = null;
  let backup: IVssBackupComponents | null = null;
  try {
    progress("initialize", "start");
    backup = createBackupComponents(runtime);
    step = "InitializeForBackup";
    backup.InitializeForBackup(null);
    step = "SetContext";
    backup.SetContext(ctx);
    const writerSpec = options.writers === false ? {} : options.writers ?? {};
    const includeComponents = (writerSpec.include ?? []).some((s) => s.componentPath !== undefined);
    step = "SetBackupState";
    backup.SetBackupState(
      includeComponents,
      false,
      backupTypeValue(options.backupType ?? "copy"),
      false,
    );
    progress("initialize", "end");

    let writers: WriterMetadata[] = [];
    const components: SelectedComponent[] = [];
    const needed = new Set<string>();
    if (useWriters) {
      progress("gather-metadata", "start");
      const includes = writerSpec.include ?? [];
      const selecting = includes.length > 0 || (writerSpec.exclude ?? []).length > 0;
      const choose = (all: WriterMetadata[]) => {
        const excluded = all.filter((w) => (writerSpec.exclude ?? []).some((s) => matches(w, s)));
        return includes.length === 0
          ? all.filter((w) => !excluded.includes(w))
          : all.filter((w) => includes.some((s) => matches(w, s)) && !excluded.includes(w));
      };
      if (selecting) {
        // Writers must be disabled before this session gathers metadata, so
        // they are discovered with a separate, short-lived object first.
        step = "GatherWriterMetadata (discovery)";
        const all = await discoverWriters(runtime, ctx, deadlines.gatherMetadata, signal);
        const keep = new Set(choose(all).map((w) => w.instanceId));
        const disabled = [
          ...new Set(all.filter((w) => !keep.has(w.instanceId)).map((w) => w.instanceId)),
        ];
        if (disabled.length > 0) {
          step = "DisableWriterInstances";
          backup.DisableWriterInstances(disabled);
        }
      }
      step = "GatherWriterMetadata";
      await finishOperation(
        backup.GatherWriterMetadata().pAsync,
        step,
        deadlines.gatherMetadata,
        signal,
      );
      writers = readAllWriterMetadata(backup);
      const included = choose(writers);
      for (const w of included) {
        if (includes.length > 0) needed.add(w.instanceId);
        const paths = includes.filter((s) => matches(w, s) && s.componentPath !== undefined).map((
          s,
        ) => s.componentPath!);
        for (const c of w.components) {
          const path = componentPath(c.logicalPath, c.name);
          if (includeComponents ? paths.includes(path) : false) {
            step = "AddComponent";
            const type = c.type === "database"
              ? VSS_COMPONENT_TYPE.VSS_CT_DATABASE
              : VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP;
            backup.AddComponent(w.instanceId, w.writerId, type, c.logicalPath, c.name);
            const stamp = options.previousBackupStamps?.[`${w.writerId}:${path}`];
            if (stamp !== undefined) {
              step = "SetPreviousBackupStamp";
              backup.SetPreviousBackupStamp(w.writerId, type, c.logicalPath, c.name, stamp);
            }
            components.push({ writer: w, logicalPath: c.logicalPath, name: c.name, type });
          }
        }
      }
      backup.FreeWriterMetadata();
      progress(
        "gather-metadata",
        "end",
        `${writers.length} writer(s), ${included.length} included`,
      );
    }

    progress("start-set", "start");
    step = "StartSnapshotSet";
    const attempts = options.retry?.attempts ?? 3;
    let delay = options.retry?.initialDelayMs ?? 1000;
    for (let attempt = 1;; attempt++) {
      try {
        setId = backup.StartSnapshotSet().pSnapshotSetId;
        break;
      } catch (error) {
        if (!(error instanceof VssError) || error.code !== HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS) {
          throw error;
        }
        if (attempt >= attempts) {
          throw new SnapshotSetInProgressError(
            `another shadow copy set is being created; gave up after ${attempts} attempt(s)`,
            "Retry later, or pass a larger retry.attempts.",
            { cause: error },
          );
        }
        progress("start-set", "start", `another set is in progress; retrying in ${delay} ms`);
        await sleep(delay, signal);
        delay *= 2;
      }
    }
    progress("start-set", "end");

    progress("add-volumes", "start");
    const ids: string[] = [];
    for (const volume of volumes) {
      step = "AddToSnapshotSet";
      try {
        ids.push(backup.AddToSnapshotSet(volume, options.providerId ?? GUID_NULL).pidSnapshot);
      } catch (error) {
        throw explain(error, `AddToSnapshotSet(${volume})`, {
          volume,
          providerId: options.providerId ?? null,
        });
      }
    }
    progress("add-volumes", "end", `${volumes.length} volume(s)`);

    let degraded: WriterStatus[] = [];
    const checkWriters = async (phase: string) => {
      if (!useWriters) return [];
      const status = await gatherStatus(backup!, deadlines.prepare, signal);
      const failed = status.filter((s) => s.failed);
      const fatal = failed.filter((s) => needed.has(s.instanceId));
      if (fatal.length > 0) throw new WriterFailureError(phase, fatal);
      degraded = failed;
      return status;
    };

    progress("prepare", "start");
    step = "PrepareForBackup";
    await finishOperation(backup.PrepareForBackup().ppAsync, step, deadlines.prepare, signal);
    await checkWriters("PrepareForBackup");
    progress("prepare", "end");

    progress("snapshot", "start");
    step = "DoSnapshotSet";
    await finishOperation(backup.DoSnapshotSet().ppAsync, step, deadlines.snapshot, signal);
    const status = await checkWriters("DoSnapshotSet");
    progress("snapshot", "end");

    progress("properties", "start");
    step = "GetSnapshotProperties";
    const snapshots = ids.map((id, i) =>
      toShadowCopy(backup!.GetSnapshotProperties(id).pProp, volumes[i])
    );
    progress("properties", "end");
    const set = new ShadowCopySet({
      backup,
      id: setId!,
      snapshots,
      writers,
      writerStatus: status,
      degradedWriters: degraded,
      persistent,
      components,
      deadlines,
      started,
      onProgress: options.onProgress,
    });
    backup = null;
    return set;
  } catch (error) {
    if (backup !== null) {
      if (setId !== null) {
        try {
          backup.AbortBackup();
        } catch { /* the original error matters more */ }
        if (persistent) {
          try {
            backup.DeleteSnapshots(setId, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET, true);
          } catch { /* nothing was created */ }
        }
      }
      backup.release();
    }
    throw explain(error, step);
  }
}
