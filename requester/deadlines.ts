/**
 * Deadlines and cancellation, one model: every waiting operation takes the
 * caller's `signal`; phases add their own deadline as an
 * `AbortSignal.timeout`, joined with `AbortSignal.any`. Durations are checked
 * once, up front.
 *
 * @module
 */

import { abortReasonOf, OperationAbortedError } from "../ffi/errors.ts";

/** The longest delay a timer can wait: 2^31 − 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a duration in milliseconds and returns it: a value that is not a
 * finite number, is zero or negative, or exceeds the timer limit (2^31 − 1
 * ms, about 24.8 days) is a RangeError naming `option`.
 *
 * @example Refuse a deadline no timer can wait for
 * ```ts
 * import { checkDuration } from "./mod.ts";
 *
 * console.log(checkDuration("--timeout", 90_000)); // 90000
 * try {
 *   checkDuration("deadlines.snapshot", 30 * 24 * 3600_000);
 * } catch (error) {
 *   console.log((error as RangeError).message); // deadlines.snapshot must be ...
 * }
 * ```
 */
export function checkDuration(option: string, ms: number): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new RangeError(
      `${option} must be a number of milliseconds above 0 and at most ${MAX_TIMER_MS} ` +
        `(about 24.8 days), got ${String(ms)}`,
    );
  }
  return ms;
}

/**
 * Deadlines of the waiting steps, in milliseconds; a step that runs longer
 * is cancelled (IVssAsync::Cancel) and fails with an
 * {@linkcode OperationAbortedError} whose `reason` is `deadline`. Options take
 * a `Partial<Deadlines>`: missing fields keep {@linkcode DEFAULT_DEADLINES}.
 *
 * @example Shorter deadlines for an interactive tool
 * ```ts ignore
 * import { createShadowCopySet, type Deadlines } from "./mod.ts";
 *
 * const deadlines: Partial<Deadlines> = { gatherMetadata: 60_000, snapshot: 120_000 };
 * await using set = await createShadowCopySet(["C:\\"], { deadlines });
 * ```
 */
export interface Deadlines {
  /** GatherWriterMetadata: the writers describe themselves. */
  gatherMetadata: number;
  /** PrepareForBackup. */
  prepare: number;
  /** DoSnapshotSet: freeze, thaw and the shadow copies themselves. */
  snapshot: number;
  /** Each GatherWriterStatus check after a phase (prepare, snapshot, complete, restore). */
  writerStatus: number;
  /** BackupComplete. */
  complete: number;
  /** PreRestore. */
  preRestore: number;
  /** PostRestore. */
  postRestore: number;
  /** ImportSnapshots (importShadowCopies). */
  import: number;
  /** BreakSnapshotSetEx (breakShadowCopySet with flags). */
  breakSet: number;
  /**
   * After IVssAsync::Cancel (a deadline passed or the signal aborted): how
   * long to wait for VSS to stop before giving up on the wait. Deadlines are
   * hard: the error then says VSS may still finish in the background.
   */
  afterCancel: number;
}

/**
 * Default deadlines: generous, since writers and providers can be slow on a
 * busy server; the snapshot itself is bounded by VSS's own freeze limits.
 *
 * @example Double the default snapshot deadline
 * ```ts
 * import { type Deadlines, DEFAULT_DEADLINES } from "./mod.ts";
 *
 * const deadlines: Partial<Deadlines> = { snapshot: 2 * DEFAULT_DEADLINES.snapshot };
 * console.log(deadlines.snapshot! / 60_000, "minutes"); // 20 minutes
 * ```
 */
export const DEFAULT_DEADLINES: Readonly<Deadlines> = Object.freeze({
  gatherMetadata: 5 * 60_000,
  prepare: 5 * 60_000,
  snapshot: 10 * 60_000,
  writerStatus: 5 * 60_000,
  complete: 5 * 60_000,
  preRestore: 5 * 60_000,
  postRestore: 5 * 60_000,
  import: 5 * 60_000,
  breakSet: 5 * 60_000,
  afterCancel: 30_000,
});

/** The defaults with `given` applied, every given duration checked (RangeError naming it). */
export function resolveDeadlines(given: Partial<Deadlines> = {}): Deadlines {
  const out: Deadlines = { ...DEFAULT_DEADLINES };
  for (const key of Object.keys(given) as (keyof Deadlines)[]) {
    if (!(key in DEFAULT_DEADLINES)) throw new RangeError(`deadlines.${key} is not a deadline`);
    const ms = given[key];
    if (ms !== undefined) out[key] = checkDuration(`deadlines.${key}`, ms);
  }
  return out;
}

/** The caller's signal joined with a deadline of `ms` (an `AbortSignal.timeout`). */
export function withDeadline(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const deadline = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

/** The error for an operation stopped by `signal` (not started, or between steps). */
export function abortedBy(
  signal: AbortSignal | undefined,
  operation: string,
  phase: string | null,
): OperationAbortedError {
  return new OperationAbortedError(operation, abortReasonOf(signal), {
    phase,
    cause: signal?.reason,
  });
}

/** Throws {@linkcode abortedBy}'s error when `signal` has aborted. */
export function throwIfAborted(
  signal: AbortSignal | undefined,
  operation: string,
  phase: string | null = null,
): void {
  if (signal?.aborted) throw abortedBy(signal, operation, phase);
}

/**
 * Waits `ms`, or rejects with an {@linkcode OperationAbortedError} for
 * `operation` when `signal` aborts first. The abort listener goes when the
 * timer fires.
 */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  operation: string,
  phase: string | null,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortedBy(signal, operation, phase));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedBy(signal, operation, phase));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
