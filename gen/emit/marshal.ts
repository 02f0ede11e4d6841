/**
 * How each parameter of the model crosses the boundary: for a C type and a
 * direction, the TypeScript argument, the statements before the call, the
 * value passed, and the result read after a successful call. The wrapper
 * emitter strings these together into straight-line code per method.
 *
 * @module
 */

import type { AbiModel, AbiParam, FreeWith } from "../model.ts";

/** The code for one parameter. */
export interface ParamCode {
  /** The method argument, when the caller supplies one. */
  input?: { name: string; type: string };
  /** Statements before the call. */
  prep: string[];
  /** The expression passed to the FFI call. */
  arg: string;
  /** The expression passed to the native thunk instead, when it differs (by-value structs). */
  thunkArg?: string;
  /** The result field, read after success. */
  output?: { name: string; type: string; read: string };
  /** Statements in `finally`. */
  cleanup: string[];
  /** Statement reading the raw out value into a local, right after the call. */
  capture?: string;
}

/** Context of one method for the marshalling rules. */
export interface MethodContext {
  abi: AbiModel;
  params: readonly AbiParam[];
  /** Expression for the runtime (`this.runtime` in classes, `runtime` in functions). */
  runtime: string;
  /** Names of parameters whose value another parameter supplies (array counts). */
  derived: Set<string>;
  /** Next free scratch slot for out parameters. */
  nextSlot: number;
  /** Next free scratch slot for GUIDs passed to a thunk by pointer. */
  nextGuid: number;
  /** Methods callable on `this` (the interface and its bases); empty for exported functions. */
  methods: ReadonlySet<string>;
}

/** The scratch views the generated module declares, by element type. */
const SCRATCH_VIEW: Record<string, { name: string; per: number }> = {
  Uint32Array: { name: "OUT_U32", per: 4 },
  Int32Array: { name: "OUT_I32", per: 4 },
  Uint8Array: { name: "OUT_U8", per: 16 },
  BigInt64Array: { name: "OUT_I64", per: 2 },
  BigUint64Array: { name: "OUT_U64", per: 2 },
};

/** Number of 16-byte scratch slots (the most out parameters any method has, with room). */
export const SCRATCH_SLOTS = 16;

const SCALAR_OUT: Record<string, { array: string; read: (v: string) => string; ts: string }> = {
  "UINT *": { array: "Uint32Array", read: (v) => v, ts: "number" },
  "DWORD *": { array: "Uint32Array", read: (v) => v, ts: "number" },
  "ULONG *": { array: "Uint32Array", read: (v) => v, ts: "number" },
  "LONG *": { array: "Int32Array", read: (v) => v, ts: "number" },
  "INT *": { array: "Int32Array", read: (v) => v, ts: "number" },
  "HRESULT *": { array: "Int32Array", read: (v) => `toUnsigned(${v})`, ts: "number" },
  "boolean *": { array: "Uint8Array", read: (v) => `${v} !== 0`, ts: "boolean" },
  "WINBOOL *": { array: "Int32Array", read: (v) => `${v} !== 0`, ts: "boolean" },
  "LONGLONG *": { array: "BigInt64Array", read: (v) => v, ts: "bigint" },
  "FILETIME *": { array: "BigUint64Array", read: (v) => v, ts: "bigint" },
};

const IN_SCALARS: Record<string, { ts: string; arg: (v: string) => string }> = {
  UINT: { ts: "number", arg: (v) => v },
  DWORD: { ts: "number", arg: (v) => v },
  ULONG: { ts: "number", arg: (v) => v },
  LONG: { ts: "number", arg: (v) => v },
  INT: { ts: "number", arg: (v) => v },
  BYTE: { ts: "number", arg: (v) => v },
  HRESULT: { ts: "number", arg: (v) => `toSigned(${v})` },
  WINBOOL: { ts: "boolean", arg: (v) => `${v} ? 1 : 0` },
  boolean: { ts: "boolean", arg: (v) => v },
  LONGLONG: { ts: "bigint", arg: (v) => v },
};

/** The marshalling code of parameter `index`. */
export function marshalParam(ctx: MethodContext, index: number): ParamCode {
  const p = ctx.params[index];
  const v = p.name;
  const t = p.type;
  const rt = ctx.runtime;
  const out = p.direction !== "in";
  const local = `a${index}`;
  if (ctx.derived.has(v)) {
    const array = ctx.params[index - 1].name;
    return { prep: [], arg: `${array}.length`, cleanup: [] };
  }
  if (!out) {
    if (t === "LPCWSTR" || t === "VSS_PWSZ") {
      return {
        input: { name: v, type: "string | null" },
        prep: [`const ${local} = wideString(${v}, "${v}");`],
        arg: `${local} === null ? null : bufferPointer(${local})`,
        cleanup: [],
      };
    }
    if (t === "BSTR") {
      return {
        input: { name: v, type: "string | null" },
        prep: [`const ${local} = ${rt}.allocBstr(${v}, "${v}");`],
        arg: local,
        cleanup: [`${rt}.freeBstr(${local});`],
      };
    }
    if (t === "VSS_ID" || t === "IID" || t === "CLSID") {
      return {
        input: { name: v, type: "string" },
        prep: [],
        arg: `guidBytes(${v})`,
        thunkArg: `guidArg(${ctx.nextGuid++}, ${v})`,
        cleanup: [],
      };
    }
    if (t === "REFIID") {
      return {
        input: { name: v, type: "string" },
        prep: [`const ${local} = guidBytes(${v});`],
        arg: `bufferPointer(${local})`,
        cleanup: [],
      };
    }
    if (t === "const VSS_ID *") {
      const count = ctx.params[index + 1];
      if (!count || count.type !== "UINT") {
        throw new Error(`${v}: a GUID array needs a UINT count after it`);
      }
      ctx.derived.add(count.name);
      return {
        input: { name: v, type: "readonly string[]" },
        prep: [`const ${local} = guidArray(${v}, "${v}");`],
        arg: `bufferPointer(${local})`,
        cleanup: [],
      };
    }
    if (t === "FILETIME") {
      return {
        input: { name: v, type: "bigint" },
        prep: [],
        arg: `filetimeBytes(${v})`,
        thunkArg: `bufferPointer(filetimeBytes(${v}))`,
        cleanup: [],
      };
    }
    const target = pointee(ctx.abi, `${t} *`);
    if (target.pointers === 1 && ctx.abi.structs[target.name]) {
      // A struct the callee handed out earlier, passed back by address (to be freed).
      return { input: { name: v, type: "PointerValue" }, prep: [], arg: v, cleanup: [] };
    }
    const scalar = IN_SCALARS[t];
    if (scalar) {
      return { input: { name: v, type: scalar.ts }, prep: [], arg: scalar.arg(v), cleanup: [] };
    }
    if (p.enum && p.ffi === "i32") {
      return { input: { name: v, type: p.enum }, prep: [], arg: v, cleanup: [] };
    }
    throw new Error(`no marshalling for input ${t} ${v}`);
  }
  // Out (and in-out) parameters: scalars, strings, GUIDs and interface
  // pointers land in the module's scratch slots (16 bytes each, one per out
  // parameter), read into locals right after the call; pointer slots are
  // zeroed first so a callee that leaves one untouched cannot hand back a stale
  // pointer. Larger results get a buffer of their own.
  if (p.passNull) {
    // Reserved: the method's page says the pointer must be NULL.
    return { prep: [], arg: "null", cleanup: [] };
  }
  const slot = ctx.nextSlot++;
  const raw = `o${index}`;
  const slotPtr = `OUT_PTR[${slot}]`;
  const scalarOut = SCALAR_OUT[t];
  if (scalarOut) {
    const view = SCRATCH_VIEW[scalarOut.array];
    // The element count of an array out parameter starts at 0, so a callee
    // that fails (or returns S_FALSE) without writing it reports nothing fetched.
    const isCount = ctx.params.some((x) => x.countParam === v);
    return {
      prep: isCount ? [`${view.name}[${view.per * slot}] = 0;`] : [],
      arg: slotPtr,
      cleanup: [],
      capture: `const ${raw} = ${view.name}[${view.per * slot}];`,
      output: { name: v, type: scalarOut.ts, read: scalarOut.read(raw) },
    };
  }
  if (p.enum && t.endsWith(" *")) {
    return {
      prep: [],
      arg: slotPtr,
      cleanup: [],
      capture: `const ${raw} = OUT_I32[${4 * slot}];`,
      output: { name: v, type: p.enum, read: `${raw} as ${p.enum}` },
    };
  }
  const pointerSlot = (read: (raw: string) => string, type: string): ParamCode => ({
    prep: [`OUT_U64[${2 * slot}] = 0n;`],
    arg: slotPtr,
    cleanup: [],
    capture: `const ${raw} = OUT_U64[${2 * slot}];`,
    output: { name: v, type, read: read(raw) },
  });
  const rule = p.freeWith;
  if (rule === undefined) throw new Error(`${v}: the model gives this out parameter no owner rule`);
  if (t === "VSS_ID *") {
    return {
      prep: [],
      arg: slotPtr,
      cleanup: [],
      capture: `const ${raw} = readGuid(OUT_VIEW, ${16 * slot});`,
      output: { name: v, type: "string", read: raw },
    };
  }
  const target = pointee(ctx.abi, t);
  if (rule === "Release") {
    const iface = target.name;
    const cls = ctx.abi.interfaces[iface] && iface !== "IUnknown" ? iface : "IUnknown";
    return pointerSlot((r) => `wrapOwned(${rt}, ${cls}, ${r})`, `${cls} | null`);
  }
  if (rule === "SysFreeString") return pointerSlot((r) => `${rt}.takeBstr(${r})`, "string | null");
  const countAt = p.countParam ? ctx.params.findIndex((x) => x.name === p.countParam) : -1;
  if (p.countParam && countAt < 0) throw new Error(`${v}: count ${p.countParam} is no parameter`);
  const struct = ctx.abi.structs[target.name] ? target.name : null;
  if (struct === null) {
    if (rule !== "CoTaskMemFree" || target.pointers !== 1) {
      throw new Error(`no marshalling for output ${t} ${v} freed with ${rule}`);
    }
    return countAt >= 0
      ? pointerSlot((r) => `${rt}.takeTaskBytes(${r}, o${countAt})`, "Uint8Array | null")
      : pointerSlot((r) => `${rt}.takeTaskString(${r})`, "string | null");
  }
  const result = `StructResults["${struct}"]`;
  if (target.pointers === 1) {
    return pointerSlot(
      (r) => `takeStruct("${struct}", ${r}, ${freeRule(ctx, struct, rule)})`,
      `${result} | null`,
    );
  }
  const length = p.capacityParam ? `${struct}.size * ${p.capacityParam}` : `${struct}.size`;
  const code: ParamCode = {
    prep: [`const ${local} = new Uint8Array(${length});`],
    arg: `bufferPointer(${local})`,
    cleanup: [],
  };
  if (rule === "none") {
    const read = `${struct}.read(new DataView(${local}.buffer), 0)`;
    return { ...code, output: { name: v, type: struct, read } };
  }
  const free = freeRule(ctx, struct, rule);
  const read = countAt >= 0
    ? `takeStructs("${struct}", ${local}, o${countAt}, ${free})`
    : `takeStruct("${struct}", ${local}, ${free})`;
  return { ...code, output: { name: v, type: countAt >= 0 ? `${result}[]` : result, read } };
}

/** The type an out pointer leads to, through the model's typedefs, and the pointers on the way. */
function pointee(abi: AbiModel, type: string): { name: string; pointers: number } {
  let name = type.replace(/\s*\*$/, "");
  let pointers = 0;
  for (let guard = 0; guard < 8; guard++) {
    name = name.replace(/^const /, "");
    if (name.endsWith("*")) {
      name = name.replace(/\s*\*$/, "");
      pointers++;
    } else if (abi.typedefs[name] !== undefined && !abi.structs[name]) {
      name = abi.typedefs[name];
    } else {
      return { name, pointers };
    }
  }
  throw new Error(`typedef loop resolving ${type}`);
}

/**
 * The code of the `FreeRule` for a struct freed with `rule`: a method of the
 * interface or an exported function frees the whole value; CoTaskMemFree frees
 * each string, except inside union members whose own page names a freeing
 * function.
 */
function freeRule(ctx: MethodContext, struct: string, rule: FreeWith): string {
  const call = (name: FreeWith): string | null => {
    if (ctx.methods.has(name)) return `(p) => this.${name}(p)`;
    const fn = Object.entries(ctx.abi.functions).find(([n, f]) => n === name || f.helper === name);
    return fn ? `(p) => ${ctx.runtime}.libs.vss.${fn[0]}(p)` : null;
  };
  if (rule !== "CoTaskMemFree") {
    const whole = call(rule);
    if (!whole) throw new Error(`${struct}: no method or function ${rule} to free it with`);
    return `{ whole: ${whole} }`;
  }
  const members = ctx.abi.structs[struct].fields.flatMap((f) => {
    const union = ctx.abi.structs[f.ffi.replace(/^struct:/, "")];
    return union?.kind === "union" ? union.fields : [];
  }).flatMap((m) => {
    const own = ctx.abi.structs[m.type]?.freeWith;
    const free = own && own !== "CoTaskMemFree" && own !== "none" ? call(own) : null;
    return free ? [`${m.type}: ${free}`] : [];
  });
  const strings = `strings: (p) => ${ctx.runtime}.libs.memory.CoTaskMemFree(p)`;
  return members.length === 0
    ? `{ ${strings} }`
    : `{ ${strings}, members: { ${members.join(", ")} } }`;
}
