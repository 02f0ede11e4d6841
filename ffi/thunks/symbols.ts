/**
 * Signatures of the bulk readers in the thunk library (`thunks/src/bulk.c`),
 * for `Deno.dlopen`: pointers and 32-bit integers only (Deno's fast path).
 *
 * @module
 */

import type { ForeignLibraryInterface } from "../backend/types.ts";

const ENUMERATE = {
  // self, records, record capacity, units, unit capacity, state, frees
  parameters: ["pointer", "pointer", "u32", "pointer", "u32", "pointer", "pointer"],
  result: "i32",
} as const;

/**
 * The bulk readers' symbols.
 *
 * @example List the bulk readers
 * ```ts
 * import { BULK_SYMBOLS } from "./symbols.ts";
 * console.log(Object.keys(BULK_SYMBOLS).length); // 5
 * ```
 */
export const BULK_SYMBOLS = {
  vss_enum_objects: ENUMERATE,
  vss_enum_mgmt_objects: ENUMERATE,
  // bstr, units, unit capacity, frees
  vss_bstr_take: { parameters: ["pointer", "pointer", "u32", "pointer"], result: "u32" },
  // component, which, first, count, records, units, unit capacity, state, frees
  vss_component_files: {
    parameters: [
      "pointer",
      "u32",
      "u32",
      "u32",
      "pointer",
      "pointer",
      "u32",
      "pointer",
      "pointer",
    ],
    result: "i32",
  },
  // component, first, count, records, units, unit capacity, state, frees
  vss_component_dependencies: {
    parameters: ["pointer", "u32", "u32", "pointer", "pointer", "u32", "pointer", "pointer"],
    result: "i32",
  },
} as const satisfies ForeignLibraryInterface;
