/**
 * How each parameter of the model crosses the boundary: for a C type and a
 * direction, the TypeScript argument, the statements before the call, the
 * value passed, and the result read after a successful call. The wrapper
 * emitter strings these together into straight-line code per method.
 *
 * @module
 */

import type { AbiModel, AbiParam } from "../model.ts";

/** The code for one parameter. */
export interface ParamCode {
  /** The method argument, when the caller supplies one. */
  input?: { name: string; type: string };
  /** Statements before the call. */
  prep: string[];
  /** The expression passed to the FFI call. */
  arg: string;
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
  "HRESULT *": { array: "Int32Array", read: (v) => `${v} >>> 0`, ts: "number" },
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
  HRESULT: { ts: "number", arg: (v) => `${v} | 0` },
  WINBOOL: { ts: "boolean", arg: (v) => `${v} ? 1 : 0` },
  boolean: { ts: "boolean", arg: (v) => v },
  LONGLONG: { ts: "bigint", arg: (v) => v },
};

/** Interfaces returned as `IUnknown` wrappers (no binding of their own). */
const OPAQUE_INTERFACES = new Set(["IUnknown", "void", "IXMLDOMDocument"]);

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
      return { input: { name: v, type: "string" }, prep: [], arg: `guidBytes(${v})`, cleanup: [] };
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
        cleanup: [],
      };
    }
    if (t === "PVSSCOMPONENTINFO" || t === "VSS_SNAPSHOT_PROP *") {
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
  const slot = ctx.nextSlot++;
  const raw = `o${index}`;
  const slotPtr = `OUT_PTR[${slot}]`;
  const scalarOut = SCALAR_OUT[t];
  if (scalarOut) {
    const view = SCRATCH_VIEW[scalarOut.array];
    return {
      prep: [],
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
  if (t === "BSTR *" || t === "VSS_PWSZ *") {
    const take = t === "BSTR *" ? "takeBstr" : "takeTaskString";
    return pointerSlot((r) => `${rt}.${take}(${r})`, "string | null");
  }
  if (t === "VSS_ID *") {
    return {
      prep: [],
      arg: slotPtr,
      cleanup: [],
      capture: `const ${raw} = readGuid(OUT_VIEW, ${16 * slot});`,
      output: { name: v, type: "string", read: raw },
    };
  }
  const iface = /^(\w+) \*\*$/.exec(t)?.[1];
  if (iface && (ctx.abi.interfaces[iface] || OPAQUE_INTERFACES.has(iface))) {
    const cls = ctx.abi.interfaces[iface] && iface !== "IUnknown" ? iface : "IUnknown";
    return pointerSlot((r) => `wrapOwned(${rt}, ${cls}, ${r})`, `${cls} | null`);
  }
  if (t === "PVSSCOMPONENTINFO *") {
    return pointerSlot((r) => `takeComponentInfo(this, ${r})`, "ComponentInfo | null");
  }
  if (t === "BYTE **") {
    const length = ctx.params.findIndex((x) => x.name === "pcBitmapLength");
    if (length < 0) throw new Error(`${v}: a byte array out needs its length parameter`);
    return pointerSlot((r) => `${rt}.takeTaskBytes(${r}, o${length})`, "Uint8Array | null");
  }
  const buffer = (array: string, length: string) => [`const ${local} = new ${array}(${length});`];
  const ptr = `bufferPointer(${local})`;
  if (t === "VSS_SNAPSHOT_PROP *") {
    return {
      prep: buffer("Uint8Array", "VSS_SNAPSHOT_PROP.size"),
      arg: ptr,
      cleanup: [],
      output: { name: v, type: "SnapshotProp", read: `takeSnapshotProp(${rt}, ${local})` },
    };
  }
  if (t === "VSS_VOLUME_PROTECTION_INFO *") {
    return {
      prep: buffer("Uint8Array", "VSS_VOLUME_PROTECTION_INFO.size"),
      arg: ptr,
      cleanup: [],
      output: {
        name: v,
        type: "VSS_VOLUME_PROTECTION_INFO",
        read: `VSS_VOLUME_PROTECTION_INFO.read(new DataView(${local}.buffer), 0)`,
      },
    };
  }
  if (t === "VSS_OBJECT_PROP *" || t === "VSS_MGMT_OBJECT_PROP *") {
    const struct = t.slice(0, -2);
    const take = struct === "VSS_OBJECT_PROP" ? "takeObjectProps" : "takeMgmtObjectProps";
    const resultType = struct === "VSS_OBJECT_PROP" ? "ObjectProp[]" : "MgmtObjectProp[]";
    const celt = ctx.params.find((x) => x.name === "celt");
    const fetched = ctx.params.findIndex((x) => x.name === "pceltFetched");
    if (!celt || fetched < 0) throw new Error(`${v}: an element array needs celt and pceltFetched`);
    return {
      prep: [`const ${local} = new Uint8Array(${struct}.size * celt);`],
      arg: ptr,
      cleanup: [],
      output: { name: v, type: resultType, read: `${take}(${rt}, ${local}, o${fetched})` },
    };
  }
  throw new Error(`no marshalling for output ${t} ${v}`);
}
