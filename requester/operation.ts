/**
 * Waits for one asynchronous VSS operation and releases its IVssAsync.
 *
 * @module
 */

import { settle } from "../ffi/async.ts";
import { VssError } from "../ffi/errors.ts";
import { HRESULT } from "../ffi/generated/hresults.ts";
import type { IVssAsync } from "../ffi/generated/wrappers.ts";

/**
 * Settles `op` (an IVssAsync the caller owns) within `timeoutMs`, releases it,
 * and returns the final status. A missing IVssAsync is an unexpected failure.
 *
 * @example
 * ```ts ignore
 * await finishOperation(backup.DoSnapshotSet().ppAsync, "DoSnapshotSet", 60_000);
 * ```
 */
export async function finishOperation(
  op: IVssAsync | null,
  operation: string,
  timeoutMs: number = 5 * 60_000,
  signal?: AbortSignal,
): Promise<number> {
  if (op === null) {
    throw new VssError(HRESULT.E_UNEXPECTED, "IVssBackupComponents", operation, null);
  }
  try {
    return await settle(op, {
      operation,
      interfaceName: "IVssBackupComponents",
      timeoutMs,
      signal,
    });
  } finally {
    op.release();
  }
}
