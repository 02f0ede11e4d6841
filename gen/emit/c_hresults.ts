/**
 * Emits `simulator/generated/hresults.h`: every HRESULT of the model as a C
 * `#define`, each guarded so that on Windows the mingw-w64 definitions win.
 *
 * @module
 */

import type { AbiModel } from "../model.ts";
import { BANNER, hex32 } from "./source_file.ts";

/** The C header text. */
export function renderCHresults(abi: AbiModel): string {
  const out: string[] = [
    BANNER.replace(/^\/\/ /, "/* ") + " */",
    "/* HRESULT values of the ABI model for the simulator; each is guarded, so the mingw-w64",
    "   definitions win on Windows. */",
    "#ifndef SIM_HRESULTS_H",
    "#define SIM_HRESULTS_H",
    "",
  ];
  for (const [name, h] of Object.entries(abi.hresults)) {
    out.push(`#ifndef ${name}`, `#define ${name} ((HRESULT)${hex32(h.value)}L)`, "#endif");
  }
  out.push("", "#endif /* SIM_HRESULTS_H */", "");
  return out.join("\n");
}
