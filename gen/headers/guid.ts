/**
 * GUID formatting for `DEFINE_GUID(name, l, w1, w2, b1, ..., b8)`.
 *
 * @module
 */

const LIMITS = [0xffffffff, 0xffff, 0xffff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const WIDTHS = [8, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2];

/**
 * Format the eleven `DEFINE_GUID` numbers as lower-case
 * `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
 *
 * @throws {RangeError} When there are not eleven parts or one is out of range.
 */
export function formatGuid(parts: readonly bigint[]): string {
  if (parts.length !== 11) throw new RangeError(`a GUID has 11 parts, got ${parts.length}`);
  const hex = parts.map((p, k) => {
    if (p < 0n || p > BigInt(LIMITS[k])) {
      throw new RangeError(`GUID part ${k + 1} (${p}) is out of range`);
    }
    return p.toString(16).padStart(WIDTHS[k], "0");
  });
  return `${hex[0]}-${hex[1]}-${hex[2]}-${hex[3]}${hex[4]}-${hex.slice(5).join("")}`;
}

/** True for `00000000-0000-0000-0000-000000000000`. */
export function isNullGuid(guid: string): boolean {
  return /^[0-]+$/.test(guid);
}
