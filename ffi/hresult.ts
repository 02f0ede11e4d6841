/**
 * HRESULT values: signed ↔ unsigned, hex text, names. The one place that
 * knows how an HRESULT is written; everything else calls these.
 *
 * @module
 */

import { HRESULT, HRESULT_NAMES } from "./generated/hresults.ts";

/**
 * The HRESULT as an unsigned 32-bit number, whether it came in signed (an
 * `i32` result) or unsigned.
 *
 * @example Normalise the result of a native call
 * ```ts
 * import { toUnsigned } from "./hresult.ts";
 *
 * console.log(toUnsigned(-2147212543) === 0x80042301); // true
 * ```
 */
export function toUnsigned(hr: number): number {
  return hr >>> 0;
}

/**
 * The HRESULT as a signed 32-bit number, as a C `HRESULT` (LONG) holds it.
 *
 * @example Pass an HRESULT to a native `i32` parameter
 * ```ts
 * import { toSigned } from "./hresult.ts";
 *
 * console.log(toSigned(0x80042301)); // -2147212543
 * ```
 */
export function toSigned(hr: number): number {
  return hr | 0;
}

/**
 * Whether the HRESULT reports a failure (its severity bit is set).
 *
 * @example
 * ```ts
 * import { failed } from "./hresult.ts";
 *
 * console.log(failed(0x80042301), failed(1)); // true false
 * ```
 */
export function failed(hr: number): boolean {
  return (hr | 0) < 0;
}

/**
 * Unsigned upper-case hex with eight digits, the way the reference writes
 * codes: `0x80042301`.
 *
 * @example Print a signed HRESULT the way the reference writes it
 * ```ts
 * import { formatHresult } from "./hresult.ts";
 *
 * console.log(formatHresult(-2147212543)); // 0x80042301
 * ```
 */
export function formatHresult(hr: number): string {
  return `0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/**
 * The known name of an HRESULT (signed or unsigned), or null.
 *
 * @example Name a status code
 * ```ts
 * import { hresultName } from "./hresult.ts";
 *
 * console.log(hresultName(0x80042301)); // VSS_E_BAD_STATE
 * console.log(hresultName(0x12345678)); // null
 * ```
 */
export function hresultName(hr: number): string | null {
  return HRESULT_NAMES.get(hr >>> 0)?.[0] ?? null;
}

/**
 * The name when known, else the hex form: what a message shows.
 *
 * @example
 * ```ts
 * import { describeHresult } from "./hresult.ts";
 *
 * console.log(describeHresult(0x80042301)); // VSS_E_BAD_STATE
 * console.log(describeHresult(0x12345678)); // 0x12345678
 * ```
 */
export function describeHresult(hr: number): string {
  return hresultName(hr) ?? formatHresult(hr);
}

/**
 * Reads an HRESULT written by a person: a name (`VSS_E_BAD_STATE`), hex with
 * or without `0x` (`0x8004230f`, `8004230F`: eight digits are read as hex) or
 * a decimal number, signed or not. Returns the unsigned value, or null when the text is none of these.
 *
 * @example
 * ```ts
 * import { parseHresult } from "./hresult.ts";
 *
 * console.log(parseHresult("8004230F") === parseHresult("VSS_E_UNEXPECTED_PROVIDER_ERROR")); // true
 * console.log(parseHresult("nonsense")); // null
 * ```
 */
export function parseHresult(text: string): number | null {
  const t = text.trim();
  if (Object.hasOwn(HRESULT, t)) return HRESULT[t as keyof typeof HRESULT] >>> 0;
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return Number.parseInt(t.slice(2), 16) >>> 0;
  if (/^[0-9a-f]{8}$/i.test(t)) return Number.parseInt(t, 16) >>> 0;
  if (/^-?[0-9]{1,10}$/.test(t)) {
    const n = Number(t);
    if (n >= -(2 ** 31) && n < 2 ** 32) return n >>> 0;
  }
  return null;
}
