/**
 * Cancellation for the reader: an aborted signal becomes an
 * {@linkcode OperationAbortedError} naming the operation.
 *
 * @module
 */

import { abortReasonOf, OperationAbortedError } from "../../ffi/errors.ts";

/**
 * Throws an {@linkcode OperationAbortedError} for `operation` when `signal` is aborted.
 *
 * @example
 * ```ts
 * import { checkAborted } from "./abort.ts";
 *
 * const controller = new AbortController();
 * controller.abort();
 * try {
 *   checkAborted(controller.signal, "copy");
 * } catch (error) {
 *   console.log((error as Error).message); // copy was aborted
 * }
 * ```
 */
export function checkAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) {
    throw new OperationAbortedError(operation, abortReasonOf(signal), { cause: signal.reason });
  }
}
