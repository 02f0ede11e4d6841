/**
 * Creating a shadow copy set the way the reference prescribes, one named
 * phase after the other: initialise, select writers (gather metadata), start
 * the set, add the volumes, prepare, snapshot, read the properties. Any
 * failure after the set was started aborts the backup (AbortBackup's page:
 * required between StartSnapshotSet and the end of DoSnapshotSet), and
 * nothing is left behind unless persistence was asked for. Contexts without
 * writers skip PrepareForBackup (shadow-copy-creation-details.md: those
 * calls fail there). The retry rules are in {@link ./retry.ts}.
 *
 * @module
 */

import { OperationAbortedError, type VssError } from "../ffi/errors.ts";
import { GUID_NULL } from "../ffi/guid.ts";
import { VSS_VOLUME_SNAPSHOT_ATTRIBUTES, VSS_WRITER_STATE } from "../ffi/generated/enums.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { type Deadlines, throwIfAborted } from "./deadlines.ts";
import { explain, WriterFailureError } from "./errors.ts";
import {
  planRetry,
  type RetryOptions,
  type RetryPolicy,
  retryTransient,
  retryWhileInProgress,
} from "./retry.ts";
import {
  BACKUP_KINDS,
  type BackupKind,
  backupTypeValue,
  contextIsPersistent,
  contextUsesWriters,
  contextValue,
  type Phase,
  type ProgressEvent,
  SHADOW_COPY_CONTEXTS,
  type ShadowCopyContext,
  type WriterSelector,
} from "./options.ts";
import { enableBackupPrivileges, type PrivilegeResult } from "./files/privileges.ts";
import { Session } from "./session.ts";
import { ShadowCopySet } from "./shadow_copy_set.ts";
import { toShadowCopy } from "./shadow_copies.ts";
import {
  keepsFailed,
  selectWriters,
  type WriterPlan,
  type WriterSelection,
} from "./writer_selection.ts";
import type { WriterStatus } from "./writers.ts";

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
 * @example A full backup that needs one writer, with a cancel button and progress
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 *
 * const cancel = new AbortController(); // cancel.abort() from a UI button
 * await using set = await createShadowCopySet(["D:\\"], {
 *   backupType: "full",
 *   writers: { include: [{ name: "SqlServerWriter" }] },
 *   deadlines: { snapshot: 120_000 },
 *   signal: cancel.signal,
 *   onProgress: (e) => console.log(e.phase, e.state, e.detail ?? ""),
 * });
 * ```
 */
export interface CreateShadowCopySetOptions {
  /** The snapshot context; default `backup`. */
  context?: ShadowCopyContext;
  /** Keep the shadow copies after the session (persistent variant of the context). Default false. */
  persistent?: boolean;
  /**
   * `false`: no writers take part. Otherwise include or exclude writers by
   * name, class id, instance id or component path (default: every writer).
   * A selector that matches no writer is a `WriterSelectorError`; a writer
   * that failed at Identify (missing from the metadata, named by its status)
   * can be selected by name, class id or instance id: excluded, it is
   * disabled; included, the backup needs it and fails with a `WriterFailureError`.
   */
  writers?: false | { include?: WriterSelector[]; exclude?: WriterSelector[] };
  /** Default `copy`: applications' own backup history is left alone. */
  backupType?: BackupKind;
  /** Previous backup stamps for incremental/differential backups, by `writerId:logicalPath\\name`. */
  previousBackupStamps?: Record<string, string>;
  /** The shadow copy provider; default: VSS chooses. */
  providerId?: string;
  /** Per-step deadlines in milliseconds (checked up front: a bad one is a RangeError). */
  deadlines?: Partial<Deadlines>;
  /** Aborts the creation (IVssAsync::Cancel, then AbortBackup). */
  signal?: AbortSignal;
  /** Called as each phase starts and ends. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Make the shadow copies transportable (to import on another machine;
   * needs a hardware provider). They are not surfaced on this machine, so
   * they have no device path here and {@linkcode ShadowCopySet.mapPath}
   * refuses them; save the backup components document to import them.
   */
  transportable?: boolean;
  /**
   * The service's retry rules: another set in progress is retried for two
   * minutes; transient DoSnapshotSet failures make the set again up to three
   * times after ten minutes (see {@linkcode RetryOptions}).
   */
  retry?: RetryOptions;
  /**
   * Enable SeBackupPrivilege first, so the set's files can be read whatever
   * their ACLs (with backup semantics): `true` (the default) enables it and
   * records a token that lacks it in {@linkcode ShadowCopySet.privileges};
   * `"require"` makes a missing privilege a `PrivilegeNotHeldError`; `false`
   * leaves the token alone. Nothing to enable outside Windows.
   */
  privileges?: boolean | "require";
  /** The VSS runtime (default: openVss()). */
  runtime?: VssRuntime;
}

/** The options of a creation, checked and turned into VSS values. */
interface Plan extends WriterPlan {
  persistent: boolean;
  transportable: boolean;
  /** Whether the context takes writers at all (PrepareForBackup, BackupComplete). */
  writerContext: boolean;
  retry: RetryPolicy;
}

/** Checks the arguments (RangeError for the caller's mistakes) and works out the plan. */
function planSet(volumes: readonly string[], options: CreateShadowCopySetOptions): Plan {
  if (volumes.length === 0) throw new RangeError("createShadowCopySet needs at least one volume");
  if (volumes.length > MAX_VOLUMES_PER_SET) {
    throw new RangeError(
      `a shadow copy set holds at most ${MAX_VOLUMES_PER_SET} volumes, ${volumes.length} were given`,
    );
  }
  const name = options.context ?? "backup";
  if (!SHADOW_COPY_CONTEXTS.includes(name)) {
    throw new RangeError(`context must be one of ${SHADOW_COPY_CONTEXTS.join(", ")}`);
  }
  if (options.backupType !== undefined && !BACKUP_KINDS.includes(options.backupType)) {
    throw new RangeError(`backupType must be one of ${BACKUP_KINDS.join(", ")}`);
  }
  if (![undefined, true, false, "require"].includes(options.privileges)) {
    throw new RangeError('privileges must be true, false or "require"');
  }

  const context = contextValue(name, options.persistent ?? false) |
    (options.transportable ? VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_TRANSPORTABLE : 0);
  const spec = options.writers === false ? {} : options.writers ?? {};
  const include = spec.include ?? [];
  const writerContext = contextUsesWriters(context);
  return {
    context,
    volumes,
    strictWriters: (options.backupType ?? "copy") !== "copy",
    persistent: contextIsPersistent(context),
    transportable: options.transportable ?? false,
    writerContext,
    useWriters: options.writers !== false && writerContext,
    include,
    exclude: spec.exclude ?? [],
    selectComponents: include.some((s) => s.componentPath !== undefined),
    retry: planRetry(options.retry),
  };
}

/** The "add-volumes" phase: AddToSnapshotSet per volume (in-progress retried); failures name the volume. */
async function addVolumes(session: Session, plan: Plan, providerId?: string): Promise<string[]> {
  const ids: string[] = [];
  for (const volume of plan.volumes) {
    try {
      ids.push(
        await retryWhileInProgress(
          session,
          plan.retry,
          "AddToSnapshotSet",
          "add-volumes",
          () => session.backup.AddToSnapshotSet(volume, providerId ?? GUID_NULL).pidSnapshot,
        ),
      );
    } catch (error) {
      throw explain(error, {
        volume,
        providerId: providerId ?? null,
        transportable: plan.transportable,
      });
    }
  }
  return ids;
}

/**
 * The writers' status after `after` (under the `writerStatus` deadline): a
 * failed writer the backup needs stops it; other failed writers are degraded.
 */
async function checkWriters(
  session: Session,
  selection: WriterSelection,
  after: string,
  phase: Phase,
): Promise<{ status: WriterStatus[]; degraded: WriterStatus[] }> {
  const status = await session.gatherStatus(phase);
  const failed = status.filter((s) => s.failed);
  const fatal = failed.filter((s) => selection.needed.has(s.instanceId));
  if (fatal.length > 0) throw new WriterFailureError(after, fatal);
  return { status, degraded: failed };
}

/**
 * After writers vetoed GatherWriterMetadata (they failed at Identify and
 * are missing from the metadata): a failed writer the backup needs stops
 * it — one named in `writers.include`, or, without an include list, any one
 * in a `full`, `incremental`, `differential` or `log` backup, since where
 * its data lies is unknown (failing safe, as for paths that cannot be
 * placed). Otherwise the backup goes on and the writer ends up among the
 * degraded ones. A veto no failed writer accounts for stops it too.
 */
async function checkIdentify(session: Session, plan: Plan, veto: VssError): Promise<void> {
  const { failed, unnamed } = await session.failedWriters("gather-metadata", true);
  // Without an include list only a strict backup needs every writer.
  const needsKept = plan.include.length > 0 || plan.strictWriters;
  const fatal = failed.filter((s) =>
    s.state === VSS_WRITER_STATE.VSS_WS_FAILED_AT_IDENTIFY && needsKept && keepsFailed(plan, s)
  );
  if (fatal.length > 0 || failed.length === 0) {
    throw new WriterFailureError("GatherWriterMetadata", fatal, {
      veto: veto.code,
      cause: veto,
      unnamed,
    });
  }
}

/** The "prepare" and "snapshot" phases, each followed by a writer check when writers take part. */
async function prepareAndSnapshot(
  session: Session,
  selection: WriterSelection,
  plan: Plan,
): Promise<{ status: WriterStatus[]; degraded: WriterStatus[] }> {
  const none = { status: [], degraded: [] };
  const useWriters = plan.useWriters;
  // Without writers in the context, PrepareForBackup is an error (shadow-copy-creation-details.md).
  if (plan.writerContext) {
    await prepare(session, selection, useWriters);
  }
  return await session.phase("snapshot", async () => {
    // A veto ends DoSnapshotSet's IVssAsync: the set is not made, whatever the backup type.
    await session.waitForWriters(
      session.backup.DoSnapshotSet().ppAsync,
      "DoSnapshotSet",
      "snapshot",
      "snapshot",
      useWriters,
    );
    return useWriters ? await checkWriters(session, selection, "DoSnapshotSet", "snapshot") : none;
  });
}

/** The "prepare" phase: PrepareForBackup, then the writer check. */
async function prepare(
  session: Session,
  selection: WriterSelection,
  useWriters: boolean,
): Promise<void> {
  await session.phase("prepare", async () => {
    await session.waitForWriters(
      session.backup.PrepareForBackup().ppAsync,
      "PrepareForBackup",
      "prepare",
      "prepare",
      useWriters,
    );
    if (useWriters) await checkWriters(session, selection, "PrepareForBackup", "prepare");
  });
}

/**
 * Creates a shadow copy set of one or more volumes (at most 64) and returns it
 * with, per volume, the snapshot id, set id, device path, original volume,
 * attributes and creation time. `signal` and `deadlines` bound every waiting
 * step; bad options are a RangeError before anything is done. The service's
 * retry rules apply (see {@linkcode RetryOptions}); for `full`,
 * `incremental`, `differential` and `log` backups a failed writer with data
 * on one of the volumes fails the set ({@linkcode WriterFailureError}). A
 * writer that vetoes PrepareForBackup or DoSnapshotSet fails it whatever the
 * backup type (the set is not made); one that fails at Identify only when
 * the backup needs it (see the writer policy in writer-errors-and-vetoes.md).
 *
 * @example Back up from a consistent copy
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 *
 * await using set = await createShadowCopySet(["C:\\"], { backupType: "copy" });
 * await Deno.copyFile(set.mapPath("C:\\Users\\me\\data.db"), "E:\\backup\\data.db");
 * await set.complete({ succeeded: true });
 * ```
 */
export async function createShadowCopySet(
  volumes: readonly string[],
  options: CreateShadowCopySetOptions = {},
): Promise<ShadowCopySet> {
  const plan = planSet(volumes, options);
  throwIfAborted(options.signal, "createShadowCopySet", "initialize");
  const privileges = options.privileges === false
    ? null
    : enableBackupPrivileges({ require: options.privileges === "require" });
  const started = performance.now();
  const report = (detail: string, retry: ProgressEvent["retry"]) =>
    options.onProgress?.({
      phase: "snapshot",
      state: "end",
      elapsedMs: performance.now() - started,
      detail,
      retry,
    });
  return await retryTransient(
    plan.retry,
    options.signal,
    report,
    () => createOnce(plan, options, privileges),
  );
}

/** One attempt at creating the set, in its own session. */
async function createOnce(
  plan: Plan,
  options: CreateShadowCopySetOptions,
  privileges: PrivilegeResult | null,
): Promise<ShadowCopySet> {
  const state = {
    selectComponents: plan.selectComponents,
    backupType: backupTypeValue(options.backupType ?? "copy"),
  };
  const session = Session.open(options, { kind: "backup", context: plan.context, state });
  let setId: string | null = null;
  try {
    const selection = await selectWriters(session, plan, options.previousBackupStamps);
    if (session.identifyVeto !== null) await checkIdentify(session, plan, session.identifyVeto);
    setId = await session.phase(
      "start-set",
      () =>
        retryWhileInProgress(
          session,
          plan.retry,
          "StartSnapshotSet",
          "start-set",
          () => session.backup.StartSnapshotSet().pSnapshotSetId,
        ),
    );
    session.progress("add-volumes", "start");
    const ids = await addVolumes(session, plan, options.providerId);
    session.progress("add-volumes", "end", `${plan.volumes.length} volume(s)`);
    const checked = await prepareAndSnapshot(session, selection, plan);
    const snapshots = await session.phase(
      "properties",
      () =>
        ids.map((id, i) =>
          toShadowCopy(session.backup.GetSnapshotProperties(id).pProp, plan.volumes[i])
        ),
    );
    session.signal = undefined; // the creation's signal does not reach completion
    const { writers, components } = selection;
    const { status: writerStatus, degraded: degradedWriters } = checked;
    return new ShadowCopySet({
      session,
      id: setId,
      snapshots,
      writers,
      writerStatus,
      degradedWriters,
      persistent: plan.persistent,
      transportable: plan.transportable,
      writerContext: plan.writerContext,
      components,
      neededWriters: selection.needed,
      privileges,
    });
  } catch (error) {
    if (setId !== null) session.abort(setId, plan.persistent);
    session.release();
    throw withCleanup(explain(error), setId, plan.persistent);
  }
}

/** A wait abandoned after Cancel: the error also says what was cleaned up. */
function withCleanup(error: unknown, setId: string | null, persistent: boolean): unknown {
  if (!(error instanceof OperationAbortedError) || !error.stillRunning) return error;
  const cleaned = setId === null
    ? "No shadow copy set had been started; the session was released."
    : `AbortBackup was called for set ${setId} and the session released` +
      (persistent
        ? "; deleting the set was asked for, but shadow copies VSS still finishes may remain: " +
          "check with listShadowCopies({ setId }) and delete them."
        : "; shadow copies VSS still finishes are not persistent and go with it.");
  return new OperationAbortedError(error.operation, error.reason, {
    phase: error.phase,
    stillRunning: true,
    hint: cleaned,
    cause: error.cause,
  });
}
