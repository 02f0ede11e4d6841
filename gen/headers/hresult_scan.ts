/**
 * Fast regex scan of a large header (winerror.h) for HRESULT-valued
 * `#define`s. Only literal forms are taken:
 * `#define NAME _HRESULT_TYPEDEF_(0x...L)`, `#define NAME ((HRESULT)0x...)`,
 * plus `#define NAME HRESULT_FROM_WIN32(ERROR_X)` when `ERROR_X` is a literal
 * `#define` in the same text.
 *
 * @module
 */

import type { HeaderHresult } from "../model.ts";
import { toSigned, toUnsigned } from "../../ffi/hresult.ts";

const LITERAL_HRESULT =
  /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+(?:_HRESULT_TYPEDEF_\([ \t]*(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*[ \t]*\)|\([ \t]*\([ \t]*HRESULT[ \t]*\)[ \t]*(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*[ \t]*\))[ \t]*(?:$|\/[*\/])/gm;

const FROM_WIN32 =
  /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+HRESULT_FROM_WIN32[ \t]*\([ \t]*([A-Za-z_]\w*)[ \t]*\)[ \t]*(?:$|\/[*\/])/gm;

/** `HRESULT_FROM_WIN32(x)` as the SDK macro computes it, as an unsigned 32-bit value. */
export function hresultFromWin32(code: number): number {
  const signed = toSigned(code);
  return toUnsigned(signed <= 0 ? signed : (code & 0xffff) | (7 << 16) | 0x80000000);
}

function win32Code(text: string, name: string): number | null {
  const re = new RegExp(
    `^[ \\t]*#[ \\t]*define[ \\t]+${name}[ \\t]+(?:__MSABI_LONG\\((\\d+)\\)|(\\d+)[lL]?)[ \\t]*$`,
    "m",
  );
  const m = re.exec(text);
  return m ? Number(m[1] ?? m[2]) : null;
}

/**
 * Collect HRESULT `#define`s of one header by regex, first definition of a name wins.
 *
 * @param header Header name recorded on each entry.
 * @param text Header text.
 * @returns Entries in source order, values unsigned 32-bit.
 */
export function scanHresultDefines(header: string, text: string): HeaderHresult[] {
  const found: { name: string; value: number; header: string; at: number }[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(LITERAL_HRESULT)) {
    if (seen.has(m[1])) continue;
    seen.add(m[1]);
    const value = toUnsigned(Number(BigInt(m[2] ?? m[3])));
    found.push({ name: m[1], value, header, at: m.index });
  }
  for (const m of text.matchAll(FROM_WIN32)) {
    if (seen.has(m[1])) continue;
    const code = win32Code(text, m[2]);
    if (code === null) continue;
    seen.add(m[1]);
    found.push({ name: m[1], value: hresultFromWin32(code), header, at: m.index });
  }
  found.sort((a, b) => a.at - b.at);
  return found.map(({ name, value, header }) => ({ name, value, header }));
}
