/**
 * Emits the native thunks: `thunks/generated/vss_thunks.c`, one exported C
 * function per bound method (`<Interface>_<Method>(self, args...)`) that calls
 * through the method's vtable slot, and `ffi/generated/thunks.ts`, the
 * symbols table that binds them with `Deno.dlopen`.
 *
 * A symbol bound with `dlopen` whose parameters are all `pointer`, 32-bit
 * integers or `bool` takes Deno's fast call path, which a
 * `Deno.UnsafeFnPointer` (or a struct passed by value) never does. So a GUID
 * or FILETIME that the method takes by value is taken by the thunk as a
 * `const T *` and passed on as `*p`: the C compiler applies the platform's
 * convention for the struct, and JavaScript passes a pointer.
 *
 * @module
 */

import type { AbiMethod, AbiModel, AbiParam } from "../model.ts";
import { BANNER } from "./source_file.ts";

/** One thunk: its exported name, index in the table, and the method it calls. */
export interface Thunk {
  /** `<Interface>_<Method>`. */
  name: string;
  /** Position in {@link thunkList}'s order: the wrappers index the bound table with it. */
  index: number;
  iface: string;
  method: AbiMethod;
}

/** Every thunk, in model order (interfaces as the model lists them, methods by slot). */
export function thunkList(abi: AbiModel): Thunk[] {
  const out: Thunk[] = [];
  for (const [iface, def] of Object.entries(abi.interfaces)) {
    for (const method of def.methods) {
      out.push({ name: `${iface}_${method.name}`, index: out.length, iface, method });
    }
  }
  return out;
}

/** The thunk's Deno FFI type for a parameter: by-value structs become pointers. */
export function thunkFfi(p: AbiParam): string {
  return p.ffi.startsWith("struct:") ? "pointer" : p.ffi;
}

/** The C declaration of one thunk parameter, and the expression passed on to the slot. */
function cParam(p: AbiParam): { decl: string; pass: string } {
  if (p.ffi.startsWith("struct:")) {
    return { decl: `const ${p.type} *${p.name}`, pass: `*${p.name}` };
  }
  const decl = p.type.endsWith("*") ? `${p.type}${p.name}` : `${p.type} ${p.name}`;
  return { decl, pass: p.name };
}

/** A 32-bit FNV-1a hash of `text` (the ABI stamp the library and the table share). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The thunk prototypes, one a line: the ABI the table and the library must agree on. */
function prototypes(abi: AbiModel): string[] {
  return thunkList(abi).map(({ name, iface, method }) => {
    const params = [`${iface} *self`, ...method.params.map((p) => cParam(p).decl)];
    return `${method.returns} ${name}(${params.join(", ")})`;
  });
}

/** The ABI stamp: `vss_thunks_abi()` returns it, the table records it. */
export function thunkAbiStamp(abi: AbiModel): number {
  return fnv1a(prototypes(abi).join("\n"));
}

/** The C source of the thunks (built by `thunks/build.sh` with the bulk readers). */
export function renderThunksC(abi: AbiModel): string {
  const protos = prototypes(abi);
  const out = [
    BANNER.replace(/^\/\/ /, "/* ") + " */",
    "/* One exported function per bound method, calling through its vtable slot. */",
    '#include "vss_abi.h"',
    '#include "thunks.h"',
    "",
    `THUNK_EXPORT uint32_t vss_thunks_abi(void) { return 0x${
      thunkAbiStamp(abi).toString(16).padStart(8, "0")
    }u; }`,
    "",
  ];
  thunkList(abi).forEach(({ method }, i) => {
    const pass = ["self", ...method.params.map((p) => cParam(p).pass)].join(", ");
    out.push(`THUNK_EXPORT ${protos[i]} {`);
    out.push(`    return self->lpVtbl->${method.name}(${pass});`);
    out.push("}", "");
  });
  return out.join("\n");
}

/** The TypeScript table: symbol signatures for `Deno.dlopen`, in thunk order. */
export function renderThunksTs(abi: AbiModel): string {
  const list = thunkList(abi);
  const entries = list.map(({ name, method }) => {
    const parameters = ["pointer", ...method.params.map(thunkFfi)];
    return `  ${name}: { parameters: ${JSON.stringify(parameters)}, result: ${
      JSON.stringify(method.resultFfi)
    } },`;
  });
  return `${BANNER}
/**
 * The native thunks' symbols table (\`thunks/generated/vss_thunks.c\`): one symbol per bound
 * method, \`<Interface>_<Method>(self, args...)\`, with parameter types that keep Deno's fast
 * call path (a GUID or FILETIME passed by value is passed by pointer). The generated wrappers
 * call thunk number \`i\` of {@linkcode THUNK_NAMES} when the library is loaded.
 *
 * @module
 */
import type { ForeignLibraryInterface } from "../backend/types.ts";

/** The ABI stamp the library's \`vss_thunks_abi()\` must return. */
export const THUNK_ABI = 0x${thunkAbiStamp(abi).toString(16).padStart(8, "0")};

/** Signatures of the per-method thunks, by symbol. */
export const THUNK_SYMBOLS = {
${entries.join("\n")}
} as const satisfies ForeignLibraryInterface;

/** Symbol names in wrapper index order. */
export const THUNK_NAMES: readonly (keyof typeof THUNK_SYMBOLS)[] = [
${list.map((t) => `  ${JSON.stringify(t.name)},`).join("\n")}
];
`;
}
