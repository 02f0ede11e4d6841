/**
 * Argument values for calling any bound method, and the value the simulator
 * must record for each, derived from the parameter's C type.
 *
 * @module
 */

import type { ParamInfo } from "../../ffi/mod.ts";

/** A value to pass and what the call record must show for it. */
export interface Argument {
  name: string;
  value: unknown;
  recorded: unknown;
}

/** A GUID that depends on the method and parameter, so mix-ups show. */
export function guidFor(seed: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  const a = h.toString(16).padStart(8, "0");
  const b = (Math.imul(h, 31) >>> 0).toString(16).padStart(8, "0");
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${a.slice(1, 4)}-${b}${a.slice(0, 4)}`;
}

/**
 * The arguments for a method's inputs (outputs are allocated by the wrapper
 * and must be recorded as non-null pointers). `enumMembers` gives the values
 * of an enumeration by name.
 */
export function argumentsFor(
  where: string,
  params: readonly ParamInfo[],
  enumMembers: (name: string) => readonly number[],
  overrides: Record<string, unknown> = {},
): { values: unknown[]; recorded: Record<string, unknown> } {
  const values: unknown[] = [];
  const recorded: Record<string, unknown> = {};
  params.forEach((p, i) => {
    const seed = `${where}.${p.name}`;
    const derivedCount = i > 0 && params[i - 1].type === "const VSS_ID *";
    if (derivedCount) {
      recorded[p.name] = 2;
      return;
    }
    if (p.direction !== "in") {
      recorded[p.name] = p.passNull ? null : "ptr"; // reserved: the wrapper passes NULL
      return;
    }
    let value: unknown;
    let shown: unknown;
    if (p.name in overrides) {
      value = overrides[p.name];
      shown = value;
    } else {
      switch (p.type) {
        case "LPCWSTR":
        case "VSS_PWSZ":
          value = `${p.name} ünï€𝄞 ${where.length}`;
          shown = value;
          break;
        case "BSTR":
          value = `<${p.name}>\0after-nul ü`;
          shown = value;
          break;
        case "VSS_ID":
        case "REFIID":
          value = guidFor(seed);
          shown = value;
          break;
        case "const VSS_ID *":
          value = [guidFor(`${seed}#1`), guidFor(`${seed}#2`)];
          shown = value;
          break;
        case "WINBOOL":
        case "boolean":
          value = true;
          shown = true;
          break;
        case "LONGLONG":
          value = 1234567890123n + BigInt(where.length);
          shown = Number(value);
          break;
        case "FILETIME":
          value = 133485408001230000n;
          shown = Number(value);
          break;
        case "HRESULT":
          value = 0x80042301;
          shown = 0x80042301;
          break;
        case "BYTE":
          value = 200;
          shown = 200;
          break;
        default:
          if (p.enum) {
            const members = enumMembers(p.enum);
            value = members.find((m) => m > 0) ?? members[0];
          } else {
            value = 3 + (where.length % 5);
          }
          shown = value;
      }
    }
    values.push(value);
    recorded[p.name] = shown;
  });
  return { values, recorded };
}
