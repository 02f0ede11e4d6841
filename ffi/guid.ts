/**
 * GUIDs as canonical lower-case strings, and their 16-byte Windows layout
 * (`Data1` u32, `Data2` u16, `Data3` u16 little-endian, then 8 bytes).
 *
 * @module
 */

/**
 * A GUID string that is not `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
 *
 * @example Catch a malformed GUID
 * ```ts
 * import { GuidFormatError, normalizeGuid } from "./guid.ts";
 * try {
 *   normalizeGuid("not-a-guid");
 * } catch (error) {
 *   console.log(error instanceof GuidFormatError); // true
 * }
 * ```
 */
export class GuidFormatError extends TypeError {
  /** Always `GuidFormatError`. */
  override name = "GuidFormatError";
}

const GUID_PATTERN =
  /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/**
 * The all-zero GUID (`GUID_NULL`): for VSS, "no particular one", e.g. the
 * provider id that lets VSS choose.
 *
 * @example Let VSS choose the provider
 * ```ts
 * import { GUID_NULL, normalizeGuid } from "./guid.ts";
 *
 * const providerId: string | undefined = undefined;
 * const chosen = providerId ? normalizeGuid(providerId) : GUID_NULL;
 * console.log(chosen); // 00000000-0000-0000-0000-000000000000
 * ```
 */
export const GUID_NULL = "00000000-0000-0000-0000-000000000000";

/**
 * Reads a GUID stored at `offset`.
 *
 * @example Read a GUID from a buffer
 * ```ts
 * import { readGuid, writeGuid } from "./guid.ts";
 * const view = new DataView(new ArrayBuffer(16));
 * writeGuid(view, 0, "507c37b4-cf5b-4e95-b0af-14eb9767467e");
 * console.log(readGuid(view, 0)); // "507c37b4-cf5b-4e95-b0af-14eb9767467e"
 * ```
 */
export function readGuid(view: DataView, offset: number): string {
  const b = (i: number) => HEX[view.getUint8(offset + i)];
  // Data1..Data3 are little-endian; Data4 is a plain byte array.
  return b(3) + b(2) + b(1) + b(0) + "-" + b(5) + b(4) + "-" + b(7) + b(6) + "-" + b(8) + b(9) +
    "-" +
    b(10) + b(11) + b(12) + b(13) + b(14) + b(15);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Writes `guid` at `offset` in the Windows layout.
 *
 * @example Write a GUID
 * ```ts
 * import { writeGuid } from "./guid.ts";
 * const view = new DataView(new ArrayBuffer(16));
 * writeGuid(view, 0, "00000000-0000-0000-c000-000000000046");
 * ```
 */
export function writeGuid(view: DataView, offset: number, guid: string): void {
  const m = GUID_PATTERN.exec(guid);
  if (!m) throw new GuidFormatError(`not a GUID: ${JSON.stringify(guid)}`);
  view.setUint32(offset, parseInt(m[1], 16), true);
  view.setUint16(offset + 4, parseInt(m[2], 16), true);
  view.setUint16(offset + 6, parseInt(m[3], 16), true);
  const tail = m[4] + m[5];
  for (let i = 0; i < 8; i++) {
    view.setUint8(offset + 8 + i, parseInt(tail.slice(i * 2, i * 2 + 2), 16));
  }
}

/**
 * The 16 bytes of a GUID, ready to pass by value or by pointer.
 *
 * @example GUID bytes
 * ```ts
 * import { guidBytes } from "./guid.ts";
 * const bytes = guidBytes("00000000-0000-0000-c000-000000000046");
 * console.log(bytes.length); // 16
 * ```
 */
export function guidBytes(guid: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(16);
  writeGuid(new DataView(bytes.buffer), 0, guid);
  return bytes;
}

/**
 * Canonical lower-case form of a GUID string (braces removed).
 *
 * @example Normalise a GUID
 * ```ts
 * import { normalizeGuid } from "./guid.ts";
 * console.log(normalizeGuid("{507C37B4-CF5B-4E95-B0AF-14EB9767467E}"));
 * ```
 */
export function normalizeGuid(guid: string): string {
  const m = GUID_PATTERN.exec(guid);
  if (!m) throw new GuidFormatError(`not a GUID: ${JSON.stringify(guid)}`);
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
}
