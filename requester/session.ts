/**
 * One backup or restore session (internal): the runtime, an initialised
 * IVssBackupComponents, the caller's signal and deadlines, progress reports,
 * the waits for asynchronous steps, gathering writer metadata and status,
 * aborting on failure, and the release at the end. Every requester function
 * that talks to IVssBackupComponents goes through it.
 *
 * @module
 */

import { settle } from "../ffi/async.ts";
import { VssError } from "../ffi/errors.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import {
  type VSS_BACKUP_TYPE,
  VSS_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
} from "../ffi/generated/enums.ts";
import type { IVssAsync, IVssBackupComponents } from "../ffi/generated/wrappers.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { createBackupComponents } from "../ffi/vss.ts";
import { openVss } from "./connection.ts";
import { type Deadlines, resolveDeadlines, withDeadline } from "./deadlines.ts";
import { explain, WriterFailureError } from "./errors.ts";
import type { Phase, ProgressEvent } from "./options.ts";
import {
  readAllWriterMetadata,
  readWriterStatus,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";

/**
 * The codes an operation's IVssAsync ends with when writers vetoed it or
 * failed in it (writer-errors-and-vetoes.md; simulator/README.md "Writer
 * failures"): the operation did not take place, and GatherWriterStatus
 * names the writers.
 */
export const WRITER_VETO_CODES: ReadonlySet<number> = new Set<number>([
  HRESULT.VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT,
  HRESULT.VSS_E_WRITERERROR_NONRETRYABLE,
  HRESULT.VSS_E_WRITERERROR_OUTOFRESOURCES,
  HRESULT.VSS_E_WRITERERROR_PARTIAL_FAILURE,
  HRESULT.VSS_E_WRITERERROR_RECOVERY_FAILED,
  HRESULT.VSS_E_WRITERERROR_RETRYABLE,
  HRESULT.VSS_E_WRITERERROR_TIMEOUT,
  HRESULT.VSS_E_WRITER_NOT_RESPONDING,
  HRESULT.VSS_E_UNEXPECTED_WRITER_ERROR,
  HRESULT.VSS_E_WRITER_STATUS_NOT_AVAILABLE,
]);

/** Whether `error` is a VssError with one of {@linkcode WRITER_VETO_CODES}. */
export function isWriterVeto(error: unknown): error is VssError {
  return error instanceof VssError && WRITER_VETO_CODES.has(error.code);
}

/** What every session-backed function accepts: the runtime, a signal, deadlines, progress. */
export interface SessionOptions {
  /** The VSS runtime (default: {@linkcode openVss}). */
  runtime?: VssRuntime;
  /** Cancels the waiting steps (IVssAsync::Cancel). */
  signal?: AbortSignal;
  /** Per-step deadlines in ms; missing fields keep the defaults. */
  deadlines?: Partial<Deadlines>;
  /** Called as each phase starts and ends. */
  onProgress?: (event: ProgressEvent) => void;
}

/** The runtime a function uses: the one it was given, or the process's (the one place that decides). */
export function runtimeOf(options: { runtime?: VssRuntime }): VssRuntime {
  return options.runtime ?? openVss();
}

/** How the session's IVssBackupComponents is initialised. */
export type SessionInit =
  | {
    kind: "backup";
    /** SetContext; left at VSS's default when missing. */
    context?: number;
    document?: string | null;
    /** SetBackupState: whether components are selected, and the VSS backup type. */
    state?: { selectComponents: boolean; backupType: VSS_BACKUP_TYPE };
  }
  | { kind: "restore"; document: string };

/** A session for management calls: initialised for backup, in every context. */
export const ALL_CONTEXTS: SessionInit = {
  kind: "backup",
  context: VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
};

/** One IVssBackupComponents with the caller's signal, deadlines and progress. */
export class Session implements Disposable {
  readonly runtime: VssRuntime;
  readonly backup: IVssBackupComponents;
  readonly deadlines: Deadlines;
  /** The signal of the operation running now (a completion may bring its own). */
  signal: AbortSignal | undefined;
  readonly #started: number;
  readonly #onProgress?: (event: ProgressEvent) => void;
  #released = false;
  /**
   * The writer veto GatherWriterMetadata ended with, if any: the writers
   * that failed at Identify are missing from the metadata, the others are
   * there (simulator/README.md "Writer failures"), and a requester may go on
   * without a writer it does not need (writer-errors-and-vetoes.md).
   */
  identifyVeto: VssError | null = null;

  private constructor(runtime: VssRuntime, options: SessionOptions, deadlines: Deadlines) {
    this.runtime = runtime;
    this.deadlines = deadlines;
    this.signal = options.signal;
    this.#onProgress = options.onProgress;
    this.#started = performance.now();
    this.backup = createBackupComponents(runtime);
  }

  /**
   * A new session, initialised for backup (context set) or for restore. The
   * deadlines are checked first (RangeError); a failure releases the object
   * and comes back explained.
   */
  static open(options: SessionOptions, init: SessionInit): Session {
    const deadlines = resolveDeadlines(options.deadlines);
    const session = new Session(runtimeOf(options), options, deadlines);
    try {
      session.progress("initialize", "start");
      if (init.kind === "restore") {
        session.backup.InitializeForRestore(init.document);
      } else {
        session.backup.InitializeForBackup(init.document ?? null);
        if (init.context !== undefined) session.backup.SetContext(init.context);
        const state = init.state;
        if (state) {
          session.backup.SetBackupState(state.selectComponents, false, state.backupType, false);
        }
      }
      session.progress("initialize", "end");
      return session;
    } catch (error) {
      session.release();
      throw explain(error);
    }
  }

  /** Reports that `phase` started or ended. */
  progress(
    phase: Phase,
    state: "start" | "end",
    detail?: string,
    retry?: ProgressEvent["retry"],
  ): void {
    const elapsedMs = performance.now() - this.#started;
    this.#onProgress?.({ phase, state, elapsedMs, detail, ...(retry ? { retry } : {}) });
  }

  /** Runs `step` between the start and end reports of `phase`. */
  async phase<T>(phase: Phase, step: () => T | Promise<T>): Promise<T> {
    this.progress(phase, "start");
    const result = await step();
    this.progress(phase, "end");
    return result;
  }

  /**
   * Waits for `op` (which the session then releases) under the caller's
   * signal and the `deadline` named; a missing IVssAsync is E_UNEXPECTED.
   */
  async wait(
    op: IVssAsync | null,
    operation: string,
    deadline: keyof Deadlines,
    phase: Phase | null,
  ): Promise<number> {
    if (op === null) {
      throw new VssError(HRESULT.E_UNEXPECTED, "IVssBackupComponents", operation, null);
    }
    let abandoned: Promise<unknown> | null = null;
    try {
      return await settle(op, {
        operation,
        interfaceName: "IVssBackupComponents",
        signal: withDeadline(this.signal, this.deadlines[deadline]),
        phase: phase ?? undefined,
        cancelGraceMs: this.deadlines.afterCancel,
        onAbandon: (finished) => (abandoned = finished),
      });
    } finally {
      // A wait thread still inside the IVssAsync keeps it until VSS ends the operation.
      if (abandoned === null) op.release();
      else (abandoned as Promise<unknown>).finally(() => op.release());
    }
  }

  /**
   * {@linkcode Session.wait}, with a writer veto ({@linkcode isWriterVeto})
   * returned instead of thrown: for steps whose veto is judged afterwards,
   * from the writers' status. Null when the operation succeeded.
   */
  async waitAllowingVeto(
    op: IVssAsync | null,
    operation: string,
    deadline: keyof Deadlines,
    phase: Phase | null,
  ): Promise<VssError | null> {
    try {
      await this.wait(op, operation, deadline, phase);
      return null;
    } catch (error) {
      if (!isWriterVeto(error)) throw error;
      return error;
    }
  }

  /**
   * {@linkcode Session.wait} for an operation writers take part in: when
   * its IVssAsync ends with a writer veto ({@linkcode isWriterVeto}), the
   * writers' status is gathered (when `statusReadable`: metadata was
   * gathered in this session) and the failure is a
   * {@linkcode WriterFailureError} naming the failed writers.
   */
  async waitForWriters(
    op: IVssAsync | null,
    operation: string,
    deadline: keyof Deadlines,
    phase: Phase,
    statusReadable: boolean,
  ): Promise<void> {
    try {
      await this.wait(op, operation, deadline, phase);
    } catch (error) {
      if (!isWriterVeto(error)) throw error;
      const { failed, unnamed } = await this.failedWriters(phase, statusReadable);
      throw new WriterFailureError(operation, failed, { veto: error.code, unnamed, cause: error });
    }
  }

  /**
   * The writers GatherWriterStatus reports failed, after a veto; when they
   * cannot be read, `unnamed` says why (the veto matters more than that).
   */
  async failedWriters(
    phase: Phase,
    statusReadable: boolean,
  ): Promise<{ failed: WriterStatus[]; unnamed?: string }> {
    if (!statusReadable) {
      return {
        failed: [],
        unnamed: "the writers were not asked for their status (no writer metadata was " +
          "gathered in this session: writers were left out of the selection)",
      };
    }
    try {
      const failed = (await this.gatherStatus(phase)).filter((s) => s.failed);
      return failed.length > 0
        ? { failed }
        : { failed, unnamed: "GatherWriterStatus reported no writer in a failed state" };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { failed: [], unnamed: `the writers' status could not be read (${why})` };
    }
  }

  /**
   * GatherWriterMetadata, then every writer's metadata as plain data.
   * `use` runs while the metadata is still held (to add components), before
   * FreeWriterMetadata. A writer veto fails the call with a
   * {@linkcode WriterFailureError} naming the writers, unless `keepVeto`: then
   * it is kept in {@linkcode Session.identifyVeto} and the other writers'
   * metadata is read (for callers that decide per writer, as backups do).
   */
  async gatherMetadata(
    use: (writers: WriterMetadata[]) => void = () => {},
    { keepVeto = false }: { keepVeto?: boolean } = {},
  ): Promise<WriterMetadata[]> {
    const op = this.backup.GatherWriterMetadata().pAsync;
    const args = ["GatherWriterMetadata", "gatherMetadata", "gather-metadata"] as const;
    if (keepVeto) this.identifyVeto = await this.waitAllowingVeto(op, ...args);
    else await this.waitForWriters(op, ...args, true);
    const writers = readAllWriterMetadata(this.backup);
    use(writers);
    this.backup.FreeWriterMetadata();
    return writers;
  }

  /** GatherWriterStatus (under the `writerStatus` deadline), then every writer's status. */
  async gatherStatus(phase: Phase | null): Promise<WriterStatus[]> {
    await this.wait(
      this.backup.GatherWriterStatus().pAsync,
      "GatherWriterStatus",
      "writerStatus",
      phase,
    );
    return readWriterStatus(this.backup);
  }

  /**
   * After a failure once a set was started: AbortBackup, and for persistent
   * shadow copies, deleting what was made. Errors here would hide the
   * original failure, so they are dropped.
   */
  abort(setId: string, persistent: boolean): void {
    try {
      this.backup.AbortBackup();
    } catch { /* the original error matters more */ }
    if (!persistent) return;
    try {
      this.backup.DeleteSnapshots(setId, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET, true);
    } catch { /* nothing was created */ }
  }

  /** Whether {@linkcode Session.release} was called. */
  get released(): boolean {
    return this.#released;
  }

  /** Releases the IVssBackupComponents (once). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.backup.release();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Runs `fn` in a fresh session and releases it; VSS failures come back
 * explained. The management functions are built on it.
 */
export async function withSession<T>(
  options: SessionOptions,
  init: SessionInit,
  fn: (session: Session) => T | Promise<T>,
): Promise<T> {
  using session = Session.open(options, init);
  try {
    return await fn(session);
  } catch (error) {
    throw explain(error);
  }
}
