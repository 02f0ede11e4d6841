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
  if (view !== lastView) {
    // Struct readers call this several times per view: one byte view per DataView.
    lastView = view;
    lastBytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  return readGuidBytes(lastBytes, offset);
}

let lastView: DataView | null = null;
let lastBytes: Uint8Array = new Uint8Array(0);

/** Byte order of the text: Data1..Data3 are little-endian, Data4 is a byte array. */
const TEXT_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
/** Where each byte's two digits go in the 36 characters. */
const TEXT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const DIGIT = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const TEXT = [...GUID_NULL].map((c) => c.charCodeAt(0));

/**
 * Reads a GUID stored at `offset` of `bytes` as its lower-case text, built
 * with one `String.fromCharCode` call.
 *
 * @example Read a GUID from bytes
 * ```ts
 * import { guidBytes, readGuidBytes } from "./guid.ts";
 * const bytes = guidBytes("507c37b4-cf5b-4e95-b0af-14eb9767467e");
 * console.log(readGuidBytes(bytes, 0)); // "507c37b4-cf5b-4e95-b0af-14eb9767467e"
 * ```
 */
export function readGuidBytes(bytes: Uint8Array, offset: number): string {
  for (let i = 0; i < 16; i++) {
    const b = bytes[offset + TEXT_ORDER[i]];
    const at = TEXT_AT[i];
    TEXT[at] = DIGIT[b >> 4];
    TEXT[at + 1] = DIGIT[b & 15];
  }
  return String.fromCharCode.apply(null, TEXT);
}

/** The value of a hex digit's code unit, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * Parses `guid` (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, any case, braces
 * allowed) into its 16-byte Windows layout at `offset` of `bytes`, without
 * allocating. Throws {@linkcode GuidFormatError} for anything else.
 *
 * @example Parse into a buffer
 * ```ts
 * import { parseGuidInto } from "./guid.ts";
 * const bytes = new Uint8Array(16);
 * parseGuidInto("{00000000-0000-0000-C000-000000000046}", bytes, 0);
 * console.log(bytes[8].toString(16)); // c0
 * ```
 */
export function parseGuidInto(guid: string, bytes: Uint8Array, offset: number): void {
  if (typeof guid !== "string") throw new GuidFormatError(`not a GUID: ${String(guid)}`);
  let start = 0;
  if (guid.length === 38 && guid.charCodeAt(0) === 123 && guid.charCodeAt(37) === 125) start = 1;
  else if (guid.length !== 36) throw new GuidFormatError(`not a GUID: ${JSON.stringify(guid)}`);
  if (
    guid.charCodeAt(start + 8) !== 45 || guid.charCodeAt(start + 13) !== 45 ||
    guid.charCodeAt(start + 18) !== 45 || guid.charCodeAt(start + 23) !== 45
  ) {
    throw new GuidFormatError(`not a GUID: ${JSON.stringify(guid)}`);
  }
  for (let i = 0; i < 16; i++) {
    const at = start + TEXT_AT[i];
    const hi = hexValue(guid.charCodeAt(at));
    const lo = hexValue(guid.charCodeAt(at + 1));
    if (hi < 0 || lo < 0) throw new GuidFormatError(`not a GUID: ${JSON.stringify(guid)}`);
    bytes[offset + TEXT_ORDER[i]] = (hi << 4) | lo;
  }
}

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
  parseGuidInto(guid, new Uint8Array(view.buffer, view.byteOffset), offset);
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
  parseGuidInto(guid, bytes, 0);
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
