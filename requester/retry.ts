/**
 * The service's retry rules, as policies of {@linkcode createShadowCopySet}:
 *
 * - VSS_E_SNAPSHOT_SET_IN_PROGRESS: only one shadow copy set can be created
 *   at a time, and StartSnapshotSet's page says to wait and try again
 *   (AddToSnapshotSet's page lists it too, for CSV volumes and scale-out
 *   shares added from several nodes). Retried with a doubling pause until
 *   a time budget runs out (default two minutes).
 * - VSS_E_FLUSH_WRITES_TIMEOUT, VSS_E_HOLD_WRITES_TIMEOUT, VSS_E_PROVIDER_VETO
 *   and VSS_E_UNEXPECTED_PROVIDER_ERROR from DoSnapshotSet: its page calls
 *   them possibly transient and advises waiting ten minutes and trying
 *   again, up to three times. The whole set is made again in a new session
 *   (aborting-vss-operations.md: a backup components object serves one
 *   backup; after an error, release it and start over).
 *
 * @module
 */

import { VssError } from "../ffi/errors.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import { hresultName } from "../ffi/hresult.ts";
import { checkDuration, sleep } from "./deadlines.ts";
import { SnapshotSetInProgressError } from "./errors.ts";
import type { Phase } from "./options.ts";
import type { Session } from "./session.ts";

/**
 * How {@linkcode createShadowCopySet} retries what the service calls
 * transient. Every field is optional; 0 turns a retry off.
 *
 * @example Retry a busy system for five minutes, and transient snapshot failures once after a minute
 * ```ts ignore
 * import { createShadowCopySet, type RetryOptions } from "./mod.ts";
 *
 * const retry: RetryOptions = { inProgressMs: 300_000, transientAttempts: 1, transientDelayMs: 60_000 };
 * await using set = await createShadowCopySet(["C:\\"], { retry });
 * ```
 */
export interface RetryOptions {
  /** How long VSS_E_SNAPSHOT_SET_IN_PROGRESS is retried, in ms (default 120 000; 0: not retried). */
  inProgressMs?: number;
  /** The first pause between those retries (default 1 000 ms); it doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  /** The longest pause between those retries (default 15 000 ms). */
  maxDelayMs?: number;
  /** How many more times the set is made after a transient DoSnapshotSet failure (default 3; 0: none). */
  transientAttempts?: number;
  /** The pause before each of those attempts (default 600 000 ms, ten minutes, as the DoSnapshotSet page advises). */
  transientDelayMs?: number;
}

/** The retry policy with its defaults applied and checked. */
export type RetryPolicy = Required<RetryOptions>;

/** The defaults of {@linkcode RetryOptions}. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  inProgressMs: 120_000,
  initialDelayMs: 1_000,
  maxDelayMs: 15_000,
  transientAttempts: 3,
  transientDelayMs: 600_000,
});

/** The DoSnapshotSet failures its page calls possibly transient. */
export const TRANSIENT_SNAPSHOT_FAILURES: ReadonlySet<number> = new Set<number>([
  HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT,
  HRESULT.VSS_E_HOLD_WRITES_TIMEOUT,
  HRESULT.VSS_E_PROVIDER_VETO,
  HRESULT.VSS_E_UNEXPECTED_PROVIDER_ERROR,
]);

/** Checks the options (RangeError naming the field) and applies the defaults. */
export function planRetry(given: RetryOptions = {}): RetryPolicy {
  const out: RetryPolicy = { ...DEFAULT_RETRY };
  for (const key of Object.keys(given) as (keyof RetryOptions)[]) {
    if (!(key in DEFAULT_RETRY)) throw new RangeError(`retry.${key} is not a retry option`);
    const value = given[key];
    if (value === undefined) continue;
    if (key === "transientAttempts") {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`retry.transientAttempts must be a whole number >= 0, got ${value}`);
      }
      out[key] = value;
    } else {
      out[key] = value === 0 && key !== "maxDelayMs" ? 0 : checkDuration(`retry.${key}`, value);
    }
  }
  return out;
}

/**
 * Runs `step` (StartSnapshotSet, AddToSnapshotSet), retrying
 * VSS_E_SNAPSHOT_SET_IN_PROGRESS with a doubling pause until the policy's
 * time budget would be exceeded; then a {@linkcode SnapshotSetInProgressError}.
 * Each pause is reported as a progress event of `phase`.
 */
export async function retryWhileInProgress<T>(
  session: Session,
  policy: RetryPolicy,
  operation: string,
  phase: Phase,
  step: () => T,
): Promise<T> {
  const started = performance.now();
  let delay = policy.initialDelayMs;
  for (let attempt = 1;; attempt++) {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof VssError) || error.code !== HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS) {
        throw error;
      }
      const waited = performance.now() - started;
      if (waited + delay > policy.inProgressMs) {
        throw new SnapshotSetInProgressError(
          `another shadow copy set was being created; ${operation} gave up after ${attempt} ` +
            `attempt(s) in ${Math.round(waited / 1000)} s`,
          {
            hint: "Try again when the other backup has finished, or allow longer with " +
              "retry.inProgressMs.",
            hresult: error.code,
            retryable: true,
            cause: error,
          },
        );
      }
      session.progress(phase, "start", `another set is in progress; retrying in ${delay} ms`, {
        attempt,
        hresult: error.code,
        delayMs: delay,
      });
      await sleep(delay, session.signal, operation, phase);
      delay = Math.min(Math.max(delay * 2, 1), policy.maxDelayMs);
    }
  }
}

/**
 * Whether `error` is one of the failures the DoSnapshotSet page calls
 * transient (whether it came from DoSnapshotSet, IVssAsync::Wait or
 * QueryStatus: the reference documents these codes for DoSnapshotSet only).
 */
export function isTransientSnapshotFailure(error: unknown): error is VssError {
  return error instanceof VssError && TRANSIENT_SNAPSHOT_FAILURES.has(error.code);
}

/**
 * Runs `attempt` (one whole creation) and, after a transient DoSnapshotSet
 * failure, runs it again after the policy's pause, at most
 * `transientAttempts` more times; each retry is a progress event.
 */
export async function retryTransient<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  report: (detail: string, retry: RetryReport) => void,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 0;; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransientSnapshotFailure(error) || n >= policy.transientAttempts) throw error;
      const retry = { attempt: n + 1, hresult: error.code, delayMs: policy.transientDelayMs };
      report(
        `DoSnapshotSet failed with ${hresultName(error.code)}, which can be transient; ` +
          `creating the set again in ${policy.transientDelayMs} ms ` +
          `(retry ${n + 1} of ${policy.transientAttempts})`,
        retry,
      );
      if (policy.transientDelayMs > 0) {
        await sleep(policy.transientDelayMs, signal, "createShadowCopySet", "snapshot");
      }
    }
  }
}

/** A retry, as a progress event reports it. */
export interface RetryReport {
  /** The retry's number (1 for the first retry). */
  attempt: number;
  /** The HRESULT that caused it. */
  hresult: number;
  /** The pause before it, in ms. */
  delayMs: number;
}
