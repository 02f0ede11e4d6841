/**
 * A created shadow copy set: map paths into it, save its backup components
 * document, complete it (backup succeeded, BackupComplete) or delete it.
 *
 * @module
 */

import { VSS_OBJECT_TYPE } from "../ffi/generated/enums.ts";
import type { IVssBackupComponents } from "../ffi/generated/wrappers.ts";
import { os } from "../ffi/platform.ts";
import type { VssError } from "../ffi/errors.ts";
import { explain, SessionFinishedError, WriterFailureError } from "./errors.ts";
import type { Session } from "./session.ts";
import type { ShadowCopy } from "./shadow_copies.ts";
import type { SelectedComponent } from "./writer_selection.ts";
import type { WriterMetadata, WriterStatus } from "./writers.ts";
import type { PrivilegeResult } from "./files/privileges.ts";

/** What {@linkcode ShadowCopySet}'s constructor takes: the session and what the phases found. */
export interface SetInit {
  session: Session;
  id: string;
  snapshots: ShadowCopy[];
  writers: WriterMetadata[];
  writerStatus: WriterStatus[];
  degradedWriters: WriterStatus[];
  persistent: boolean;
  /** Transportable: not surfaced on this machine (no device path). */
  transportable: boolean;
  /** Whether the context takes writers (BackupComplete is an error otherwise). */
  writerContext: boolean;
  components: SelectedComponent[];
  /** Instance ids of the writers the backup needs: their failure at BackupComplete fails complete(). */
  neededWriters: ReadonlySet<string>;
  /** What enabling the backup privileges did (null when the caller opted out). */
  privileges: PrivilegeResult | null;
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
  /**
   * What enabling SeBackupPrivilege for reading the set did (on Windows;
   * elsewhere `supported` is false), or null when creation opted out.
   */
  readonly privileges: PrivilegeResult | null;
  #session: Session | null;
  #document: string | null = null;
  readonly #components: SelectedComponent[];
  readonly #neededWriters: ReadonlySet<string>;
  readonly #transportable: boolean;
  readonly #writerContext: boolean;

  /** @ignore Made by {@linkcode createShadowCopySet}. */
  constructor(init: SetInit) {
    this.#session = init.session;
    this.id = init.id;
    this.snapshots = init.snapshots;
    this.writers = init.writers;
    this.writerStatus = init.writerStatus;
    this.degradedWriters = init.degradedWriters;
    this.persistent = init.persistent;
    this.privileges = init.privileges;
    this.#components = init.components;
    this.#neededWriters = init.neededWriters;
    this.#transportable = init.transportable;
    this.#writerContext = init.writerContext;
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
    if (this.#transportable) {
      throw new RangeError(
        `shadow copy set ${this.id} is transportable: it is not surfaced on this machine; ` +
          "import it on the machine that will read it",
      );
    }
    const lower = originalPath.toLowerCase();
    for (const s of this.snapshots) {
      const sep = os === "windows" || s.volume.includes("\\") ? "\\" : "/";
      const root = s.volume.endsWith(sep) ? s.volume : s.volume + sep;
      const bare = root.slice(0, -1);
      const device = s.devicePath.endsWith(sep) ? s.devicePath.slice(0, -1) : s.devicePath;
      // A volume root maps to the device's root directory: the path keeps its trailing separator.
      if (lower === bare.toLowerCase()) return `${device}${sep}`;
      if (lower.startsWith(root.toLowerCase())) {
        return `${device}${sep}${originalPath.slice(root.length)}`;
      }
    }
    throw new RangeError(`${originalPath} is not on any volume of shadow copy set ${this.id}`);
  }

  /** The live session; a finished set is a {@linkcode SessionFinishedError}. */
  #live(what: string): Session {
    if (this.#session === null) {
      throw new SessionFinishedError(`${what}: shadow copy set ${this.id} was already completed`, {
        hint: "Create a new set; a VSS session is used once.",
      });
    }
    return this.#session;
  }

  /** Takes the session for a last operation: the set is finished afterwards. */
  #take(what: string): Session {
    const session = this.#live(what);
    this.#session = null;
    return session;
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
    if (this.#session === null && this.#document !== null) return this.#document;
    return this.#live("saveBackupDocument").backup.SaveAsXML().pbstrXML ?? "";
  }

  /**
   * Reports the backup's outcome and releases the session: with `succeeded`
   * (the default), SetBackupSucceeded(true) per component and
   * BackupComplete; without, SetBackupSucceeded(false) per component and
   * AbortBackup, so that no writer treats a failed copy as a backup
   * (aborting-vss-operations.md). Then the writers are checked and the final
   * document kept for {@linkcode ShadowCopySet.saveBackupDocument}. Without
   * `persistent`, the shadow copies are gone afterwards. `signal` cancels
   * the waiting steps (the `complete` and `writerStatus` deadlines apply).
   *
   * When writers veto BackupComplete (its IVssAsync ends with a
   * VSS_E_WRITERERROR_* code), a writer the backup needs (one named in
   * `writers.include`, or with data on the set in a `full`, `incremental`,
   * `differential` or `log` backup) makes it a {@linkcode WriterFailureError},
   * and so does a veto no failed writer accounts for; other failed writers
   * are only reported in the returned status. Either way the session is
   * released and the final document is still kept.
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
    const session = this.#take("complete");
    session.signal = options.signal;
    const succeeded = options.succeeded ?? true;
    try {
      return await session.phase("complete", async () => {
        reportOutcome(session.backup, this.#components, succeeded);
        let veto: VssError | null = null;
        if (!succeeded) {
          // aborting-vss-operations.md: a backup stopped after PrepareForBackup ends with
          // AbortBackup, so no writer takes it for a good one; BackupComplete is then not needed.
          session.backup.AbortBackup();
        } else if (this.#writerContext) {
          // Contexts without writers refuse BackupComplete (shadow-copy-creation-details.md).
          const op = session.backup.BackupComplete().ppAsync;
          veto = await session.waitAllowingVeto(op, "BackupComplete", "complete", "complete");
        }
        const status = this.writers.length > 0 ? await session.gatherStatus("complete") : [];
        // Saved after completion, so the document records what was backed up.
        this.#document = session.backup.SaveAsXML().pbstrXML ?? "";
        if (veto !== null) this.#checkVeto(veto, status);
        return status;
      });
    } catch (error) {
      throw explain(error);
    } finally {
      session.release();
    }
  }

  /**
   * After BackupComplete was vetoed: a failed writer the backup needs, or a
   * veto no failed writer accounts for, is a {@linkcode WriterFailureError}.
   */
  #checkVeto(veto: VssError, status: readonly WriterStatus[]): void {
    const failed = status.filter((s) => s.failed);
    const fatal = failed.filter((s) => this.#neededWriters.has(s.instanceId));
    if (failed.length > 0 && fatal.length === 0) return;
    throw new WriterFailureError("BackupComplete", fatal, {
      veto: veto.code,
      cause: veto,
      unnamed: this.writers.length === 0
        ? "the writers were not asked for their status (no writer metadata was gathered)"
        : "GatherWriterStatus reported no writer in a failed state",
    });
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
    const session = this.#take("delete");
    try {
      await Promise.resolve();
      return session.backup.DeleteSnapshots(this.id, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET, true)
        .plDeletedSnapshots;
    } catch (error) {
      throw explain(error);
    } finally {
      session.release();
    }
  }

  /**
   * Completes the set if nobody did (`await using`), reporting the backup as
   * not succeeded; call {@linkcode ShadowCopySet.complete} yourself to report success.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    // Disposal cannot tell whether the block that used the set succeeded, so
    // it never claims success: call complete() to report a good backup.
    if (this.#session !== null) await this.complete({ succeeded: false });
  }
}

/** SetBackupSucceeded for every selected component. */
function reportOutcome(
  backup: IVssBackupComponents,
  components: readonly SelectedComponent[],
  succeeded: boolean,
): void {
  for (const c of components) {
    const { instanceId, writerId } = c.writer;
    backup.SetBackupSucceeded(instanceId, writerId, c.type, c.logicalPath, c.name, succeeded);
  }
}
