/**
 * IVssAsync as a promise: the wait runs on another thread (nonblocking FFI),
 * a timeout or an AbortSignal calls IVssAsync::Cancel.
 *
 * @module
 */

import type { IVssAsync } from "./generated/wrappers.ts";
import { VssAsyncAbortedError, VssError } from "./errors.ts";
import { HRESULT } from "./generated/hresults.ts";

const INFINITE = 0xffffffff;

/**
 * Options for {@linkcode settle}: the operation's name for errors, and when
 * to cancel it.
 *
 * @example A deadline and a cancel button together
 * ```ts
 * import type { SettleOptions } from "./async.ts";
 *
 * const controller = new AbortController(); // its abort() is the cancel button
 * const options: SettleOptions = {
 *   operation: "DoSnapshotSet",
 *   interfaceName: "IVssBackupComponents",
 *   timeoutMs: 10 * 60_000,
 *   signal: controller.signal,
 * };
 * console.log(options.operation);
 * ```
 */
export interface SettleOptions {
  /** Name of the operation, for errors (`DoSnapshotSet`). */
  operation: string;
  /** Interface the operation belongs to, for errors. */
  interfaceName?: string;
  /** Cancel after this many milliseconds. */
  timeoutMs?: number;
  /** Cancel when this signal aborts. */
  signal?: AbortSignal;
}

/**
 * Waits for an asynchronous VSS operation without blocking the event loop and
 * returns its final status (`VSS_S_ASYNC_FINISHED`, ...). A failed status
 * becomes a {@linkcode VssError}; a timeout or abort cancels the operation and
 * rejects with {@linkcode VssAsyncAbortedError}. The IVssAsync is not released.
 *
 * @example Wait for DoSnapshotSet with a deadline
 * ```ts ignore
 * import { settle } from "./mod.ts";
 *
 * using op = backup.DoSnapshotSet().ppAsync!;
 * await settle(op, { operation: "DoSnapshotSet", timeoutMs: 60_000 });
 * ```
 */
export async function settle(op: IVssAsync, options: SettleOptions): Promise<number> {
  const { operation, timeoutMs, signal } = options;
  let cancelledBecause: string | null = null;
  let cancelError: unknown;
  const cancel = (why: string) => {
    if (cancelledBecause !== null) return;
    cancelledBecause = why;
    try {
      op.Cancel();
    } catch (error) {
      cancelError = error;
    }
  };
  if (signal?.aborted) cancel("was aborted before it started");
  const timer = timeoutMs === undefined ? undefined : setTimeout(
    () => cancel(`timed out after ${timeoutMs} ms`),
    timeoutMs,
  );
  const onAbort = () => cancel("was aborted");
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await op.WaitNonblocking(INFINITE);
    const { pHrResult } = op.QueryStatus();
    if (cancelledBecause !== null) {
      throw new VssAsyncAbortedError(operation, cancelledBecause, {
        cause: cancelError ?? signal?.reason,
      });
    }
    if ((pHrResult | 0) < 0) {
      throw new VssError(pHrResult, options.interfaceName ?? "IVssAsync", operation, null);
    }
    if (pHrResult === HRESULT.VSS_S_ASYNC_CANCELLED) {
      throw new VssAsyncAbortedError(operation, "was cancelled by VSS");
    }
    return pHrResult;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
