/**
 * Argument encoders the generated wrappers share.
 *
 * @module
 */

import { writeGuid } from "./guid.ts";
import { VssArgumentError } from "./errors.ts";

/**
 * A contiguous array of GUIDs (for `const VSS_ID *` + count parameters).
 *
 * @example Encode writer class ids
 * ```ts
 * import { guidArray } from "./marshal.ts";
 * console.log(guidArray(["00000000-0000-0000-0000-000000000001"], "ids").length); // 16
 * ```
 */
export function guidArray(guids: readonly string[], parameter: string): Uint8Array<ArrayBuffer> {
  if (!Array.isArray(guids)) {
    throw new VssArgumentError(parameter, "must be an array of GUID strings");
  }
  const bytes = new Uint8Array(Math.max(16 * guids.length, 16));
  const view = new DataView(bytes.buffer);
  guids.forEach((g, i) => writeGuid(view, 16 * i, g));
  return bytes;
}

/**
 * A FILETIME passed by value: 100-ns ticks since 1601-01-01 UTC as two DWORDs.
 *
 * @example Encode a FILETIME
 * ```ts
 * import { filetimeBytes } from "./marshal.ts";
 * console.log(filetimeBytes(116444736000000000n).length); // 8 (the Unix epoch)
 * ```
 */
export function filetimeBytes(ticks: bigint): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, ticks), true);
  return bytes;
}

const EPOCH_DIFFERENCE_TICKS = 116444736000000000n;

/**
 * Converts FILETIME / VSS_TIMESTAMP ticks to a `Date` (millisecond precision;
 * keep the bigint for the full 100-ns precision).
 *
 * @example Read a creation time
 * ```ts
 * import { ticksToDate } from "./marshal.ts";
 * console.log(ticksToDate(116444736000000000n).toISOString()); // 1970-01-01T00:00:00.000Z
 * ```
 */
export function ticksToDate(ticks: bigint): Date {
  return new Date(Number((ticks - EPOCH_DIFFERENCE_TICKS) / 10000n));
}

/**
 * Converts a `Date` to FILETIME ticks.
 *
 * @example Ticks for now
 * ```ts
 * import { dateToTicks } from "./marshal.ts";
 * console.log(dateToTicks(new Date(0))); // 116444736000000000n
 * ```
 */
export function dateToTicks(date: Date): bigint {
  return BigInt(date.getTime()) * 10000n + EPOCH_DIFFERENCE_TICKS;
}
