/**
 * UTF-16 strings across the boundary: `WCHAR` is 16-bit on every platform.
 *
 * @module
 */

import { VssArgumentError } from "./errors.ts";
import { backend } from "./backend/mod.ts";
import type { PointerValue } from "./backend/types.ts";

/**
 * A NUL-terminated UTF-16LE copy of `text` (null stays null). A NUL inside
 * the text cannot be represented in a C wide string and is refused.
 *
 * @example Encode a volume name
 * ```ts
 * import { wideString } from "./wide_string.ts";
 * const buffer = wideString("C:\\", "pwszVolumeName");
 * console.log(buffer?.length); // 4
 * ```
 */
export function wideString(
  text: string | null | undefined,
  parameter: string,
): Uint16Array<ArrayBuffer> | null {
  if (text === null || text === undefined) return null;
  if (typeof text !== "string") {
    throw new VssArgumentError(parameter, `must be a string, got ${typeof text}`);
  }
  const units = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) {
      throw new VssArgumentError(
        parameter,
        `contains a NUL character at index ${i}; C strings end there`,
      );
    }
    units[i] = unit;
  }
  return units;
}

/** UTF-16 code units to a string, in chunks to stay within argument limits. */
export function decodeUnits(units: Uint16Array): string {
  if (units.length < 1024) return String.fromCharCode.apply(null, units as unknown as number[]);
  let out = "";
  for (let i = 0; i < units.length; i += 1024) {
    out += String.fromCharCode.apply(null, units.subarray(i, i + 1024) as unknown as number[]);
  }
  return out;
}

/**
 * Reads a NUL-terminated UTF-16 string at `pointer` (null for a null pointer).
 *
 * @example Read a string the native side returned
 * ```ts
 * import { readWideString } from "./wide_string.ts";
 * import { bufferPointer } from "./backend/mod.ts";
 * const units = new Uint16Array([0x48, 0x69, 0]);
 * console.log(readWideString(bufferPointer(units))); // "Hi"
 * ```
 */
export function readWideString(pointer: PointerValue): string | null {
  return pointer === null ? null : readWideStringAt(backend.address(pointer));
}

/**
 * Reads a NUL-terminated UTF-16 string at `address` (an address as a bigint,
 * so no pointer object is made); null for address 0.
 *
 * @example Read a string by address
 * ```ts
 * import { readWideStringAt, wideString } from "./wide_string.ts";
 * import { backend } from "./backend/mod.ts";
 * const units = wideString("Hi", "text")!;
 * console.log(readWideStringAt(backend.address(backend.bufferPointer(units)))); // "Hi"
 * ```
 */
export function readWideStringAt(address: bigint): string | null {
  if (address === 0n) return null;
  // Copy a window at a time into scratch and look for the terminator. A window
  // never crosses a page boundary, so no read goes past the page that holds
  // the string's last unit (it cannot touch unmapped memory).
  let at = address;
  let parts: string[] | null = null;
  for (;;) {
    const toPageEnd = PAGE - Number(at & PAGE_MASK);
    const bytes = Math.max(2, Math.min(WINDOW_BYTES, toPageEnd) & ~1);
    const window = WINDOW_BYTES_VIEW.subarray(0, bytes);
    backend.copyInto(at, window);
    const units = WINDOW_UNITS.subarray(0, bytes / 2);
    const end = units.indexOf(0);
    const text = decodeUnits(end >= 0 ? units.subarray(0, end) : units);
    if (end >= 0) return parts === null ? text : parts.join("") + text;
    (parts ??= []).push(text);
    at += BigInt(bytes);
  }
}

const WINDOW_BYTES = 512;
const WINDOW_UNITS = new Uint16Array(WINDOW_BYTES / 2);
const WINDOW_BYTES_VIEW = new Uint8Array(WINDOW_UNITS.buffer);
const PAGE_MASK = 4095n;
const PAGE = 4096;

/**
 * Reads a BSTR by its length prefix, so embedded NULs survive (null for a null BSTR).
 *
 * @example Read a BSTR
 * ```ts
 * import { readBstr } from "./wide_string.ts";
 * import { backend } from "./backend/mod.ts";
 * const memory = new Uint16Array([4, 0, 0x4f, 0x4b, 0]); // byte length 4, "OK"
 * console.log(readBstr(backend.pointer(backend.address(backend.bufferPointer(memory)) + 4n)));
 * ```
 */
export function readBstr(pointer: PointerValue): string | null {
  return pointer === null ? null : readBstrAt(backend.address(pointer));
}

/**
 * Reads a BSTR by address (null for 0), copying its length prefix and its
 * units into reused scratch: no ArrayBuffer per string.
 *
 * @example Read a BSTR by address
 * ```ts
 * import { readBstrAt } from "./wide_string.ts";
 * import { backend } from "./backend/mod.ts";
 * const memory = new Uint16Array([4, 0, 0x4f, 0x4b, 0]); // byte length 4, "OK"
 * console.log(readBstrAt(backend.address(backend.bufferPointer(memory)) + 4n)); // "OK"
 * ```
 */
export function readBstrAt(address: bigint): string | null {
  if (address === 0n) return null;
  backend.copyInto(address - 4n, PREFIX_BYTES);
  const units = PREFIX[0] >>> 1;
  if (units === 0) return "";
  if (bstrUnits.length < units) bstrUnits = new Uint16Array(Math.max(units, bstrUnits.length * 2));
  const target = bstrUnits.subarray(0, units);
  backend.copyInto(address, new Uint8Array(target.buffer, 0, units * 2));
  return decodeUnits(target);
}

const PREFIX = new Uint32Array(1);
const PREFIX_BYTES = new Uint8Array(PREFIX.buffer);
let bstrUnits = new Uint16Array(256);
