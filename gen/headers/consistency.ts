/**
 * Cross-header checks on interface inheritance: the Vtbl of an interface must
 * begin with the Vtbl of the base its C++ declaration names.
 *
 * @module
 */

import type { HeaderModel } from "../model.ts";

const IUNKNOWN = ["QueryInterface", "AddRef", "Release"];

/**
 * Compare every interface's Vtbl with its declared base.
 *
 * - base `IUnknown`: slots 0..2 must be QueryInterface, AddRef, Release;
 * - base another model interface: the base's slots (names, return and
 *   parameter types) must be a prefix;
 * - base null: the Vtbl must not start with the IUnknown methods.
 *
 * @returns One message per mismatch; empty when consistent.
 */
export function checkVtblInheritance(model: HeaderModel): string[] {
  const byName = new Map(model.interfaces.map((i) => [i.name, i]));
  const problems: string[] = [];
  for (const iface of model.interfaces) {
    const names = iface.vtbl.map((m) => m.name);
    if (iface.base === null) {
      if (IUNKNOWN.every((n, k) => names[k] === n)) {
        problems.push(`${iface.name}: no C++ base, but its Vtbl starts with IUnknown methods`);
      }
      continue;
    }
    if (iface.base === "IUnknown") {
      if (!IUNKNOWN.every((n, k) => names[k] === n)) {
        problems.push(`${iface.name}: base IUnknown, but slots 0..2 are ${names.slice(0, 3)}`);
      }
      continue;
    }
    const base = byName.get(iface.base);
    if (!base) {
      problems.push(`${iface.name}: base ${iface.base} is not in the headers`);
      continue;
    }
    const strip = (m: (typeof iface.vtbl)[number]) =>
      JSON.stringify({ ...m, params: m.params.map((p) => p.type) });
    if (
      base.vtbl.length > iface.vtbl.length ||
      base.vtbl.some((m, k) => strip(m) !== strip(iface.vtbl[k]))
    ) {
      problems.push(`${iface.name}: Vtbl does not begin with the Vtbl of its base ${base.name}`);
    }
  }
  return problems;
}
