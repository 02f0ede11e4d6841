/**
 * IVssAsync as a promise: the wait runs on another thread (nonblocking FFI);
 * an AbortSignal (the caller's cancel button, a deadline built with
 * `AbortSignal.timeout`, or both through `AbortSignal.any`) calls
 * IVssAsync::Cancel.
 *
 * @module
 */

import type { IVssAsync } from "./generated/wrappers.ts";
import { abortReasonOf, OperationAbortedError, VssError } from "./errors.ts";
import { HRESULT } from "./generated/hresults.ts";
import { failed } from "./hresult.ts";

const INFINITE = 0xffffffff;

/**
 * Options for {@linkcode settle}: the operation's name for errors, and the
 * signal that cancels it.
 *
 * @example A deadline and a cancel button together
 * ```ts ignore
 * import { settle } from "./async.ts";
 *
 * const cancel = new AbortController(); // wired to a Cancel button
 * await settle(op, {
 *   operation: "DoSnapshotSet",
 *   signal: AbortSignal.any([cancel.signal, AbortSignal.timeout(10 * 60_000)]),
 *   phase: "snapshot",
 * });
 * ```
 */
export interface SettleOptions {
  /** Name of the operation, for errors (`DoSnapshotSet`). */
  operation: string;
  /** Interface the operation belongs to, for errors. */
  interfaceName?: string;
  /** Cancels the operation when it aborts; an `AbortSignal.timeout` reason counts as a deadline. */
  signal?: AbortSignal;
  /** The requester phase the operation belongs to, carried by {@linkcode OperationAbortedError}. */
  phase?: string;
  /**
   * How long to wait for VSS to stop after IVssAsync::Cancel, in ms (default
   * 30 s). When it passes, settle rejects at once with an
   * {@linkcode OperationAbortedError} whose `stillRunning` is true: VSS may
   * still finish the operation in the background.
   */
  cancelGraceMs?: number;
  /**
   * Called when the grace period passed and the native wait is abandoned:
   * `finished` settles when VSS really ends the operation. The IVssAsync
   * must stay referenced until then (a wait thread is still inside it).
   */
  onAbandon?: (finished: Promise<unknown>) => void;
}

/** Default {@linkcode SettleOptions.cancelGraceMs}. */
export const DEFAULT_CANCEL_GRACE_MS = 30_000;

/**
 * The native wait, bounded once Cancel was called: resolves with true when
 * the wait returned, false when `graceMs` passed after `cancelled` first.
 */
function boundedWait(
  wait: Promise<unknown>,
  cancelled: Promise<void>,
  graceMs: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = cancelled.then(() =>
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    })
  );
  return Promise.race([wait.then(() => true), expired]).finally(() => clearTimeout(timer));
}

/**
 * Waits for an asynchronous VSS operation without blocking the event loop and
 * returns its final status (`VSS_S_ASYNC_FINISHED`, ...). A failed status
 * becomes a {@linkcode VssError}; an aborted signal cancels the operation and
 * rejects with {@linkcode OperationAbortedError} (`reason` says whether a
 * deadline passed). The IVssAsync is not released.
 *
 * @example Wait for DoSnapshotSet, at most one minute
 * ```ts ignore
 * import { settle } from "./mod.ts";
 *
 * using op = backup.DoSnapshotSet().ppAsync!;
 * await settle(op, { operation: "DoSnapshotSet", signal: AbortSignal.timeout(60_000) });
 * ```
 */
export async function settle(op: IVssAsync, options: SettleOptions): Promise<number> {
  const { operation, signal } = options;
  let cancelled = false;
  let cancelError: unknown;
  let onCancelled = () => {};
  const cancelledPromise = new Promise<void>((resolve) => (onCancelled = resolve));
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    onCancelled();
    try {
      op.Cancel();
    } catch (error) {
      cancelError = error;
    }
  };
  if (signal?.aborted) cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  const graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  try {
    const wait = op.WaitNonblocking(INFINITE);
    if (!await boundedWait(wait, cancelledPromise, graceMs)) {
      options.onAbandon?.(wait.catch(() => {}));
      throw new OperationAbortedError(operation, abortReasonOf(signal), {
        phase: options.phase,
        stillRunning: true,
        cause: cancelError ?? signal?.reason,
      });
    }
    const { pHrResult } = op.QueryStatus();
    if (cancelled) {
      throw new OperationAbortedError(operation, abortReasonOf(signal), {
        phase: options.phase,
        cause: cancelError ?? signal?.reason,
      });
    }
    if (failed(pHrResult)) {
      throw new VssError(pHrResult, options.interfaceName ?? "IVssAsync", operation, null);
    }
    if (pHrResult === HRESULT.VSS_S_ASYNC_CANCELLED) {
      throw new OperationAbortedError(operation, "aborted", {
        phase: options.phase,
        cancelledByVss: true,
        hresult: pHrResult,
      });
    }
    return pHrResult;
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}
