/**
 * Ownership in the model: for every out parameter, how the caller frees what
 * comes back (`freeWith`) and, for arrays, which parameters give the length
 * (`countParam`, `capacityParam`). Each rule is taken from the page that
 * states it: the method's page first, then the page of the type it returns.
 * Where no page says anything the rule is the COM convention or follows from
 * the header type, and `ownerSource` says so.
 *
 * @module
 */

import type { TypeInfo } from "./c_types.ts";
import type {
  AbiModel,
  AbiParam,
  FreeWith,
  PageFree,
  PageFreeWith,
  PageModel,
  PageParam,
} from "../model.ts";

/** What an out parameter's C type hands back, as far as ownership goes. */
export type OutShape =
  | { kind: "value" }
  | { kind: "interface" }
  | { kind: "string"; bstr: boolean }
  | { kind: "bytes" }
  | { kind: "struct"; struct: string; calleeAllocated: boolean };

/** Types the bindings return as plain `IUnknown` wrappers. */
export const OPAQUE_INTERFACES: ReadonlySet<string> = new Set([
  "IUnknown",
  "void",
  "IXMLDOMDocument",
]);

const CONVENTION = {
  value: "header: the callee writes a value into caller storage; nothing is allocated",
  Release: "convention: COM, an interface pointer returned through [out] holds a reference " +
    "the caller releases",
  SysFreeString: "convention: COM, a BSTR returned through [out] is freed by the caller " +
    "with SysFreeString",
  CoTaskMemFree: "convention: COM, memory a callee allocates for an [out] pointer is freed " +
    "with CoTaskMemFree",
} as const;

/** The freeing functions that can dispose of a value of this shape. */
function fits(shape: OutShape, freeWith: PageFreeWith): boolean {
  switch (shape.kind) {
    case "interface":
      return freeWith === "Release";
    case "string":
      return freeWith === (shape.bstr ? "SysFreeString" : "CoTaskMemFree");
    case "bytes":
      return freeWith === "CoTaskMemFree";
    case "struct":
      return ["CoTaskMemFree", "VssFreeSnapshotProperties", "FreeComponentInfo"].includes(
        freeWith,
      );
    default:
      return false;
  }
}

/** Looks up types for {@link outShape}. */
export interface ShapeTypes {
  info(type: string): TypeInfo;
  /** A struct or union by name or tag. */
  struct(name: string): { name: string; fields: { type: string }[] } | null;
  isInterface(name: string): boolean;
}

/** The shape of an out parameter of type `type` (a pointer). */
export function outShape(types: ShapeTypes, type: string): OutShape {
  const iface = /^(\w+) \*\*$/.exec(type)?.[1];
  if (iface && (types.isInterface(iface) || OPAQUE_INTERFACES.has(iface))) {
    return { kind: "interface" };
  }
  const pointee = types.info(type).pointee;
  if (pointee === undefined) return { kind: "value" };
  const target = types.info(pointee);
  if (target.category === "pointer") {
    const inner = types.info(target.pointee!);
    if (inner.canonical === "WCHAR") return { kind: "string", bstr: /^BSTR\b/.test(pointee) };
    if (inner.size === 1 && inner.category === "primitive") return { kind: "bytes" };
    if (inner.category === "struct" && holdsPointers(types, inner.canonical)) {
      return { kind: "struct", struct: structName(types, target.pointee!), calleeAllocated: true };
    }
    throw new Error(`no ownership shape for out type ${type}`);
  }
  if (target.category === "struct" && holdsPointers(types, target.canonical)) {
    return { kind: "struct", struct: structName(types, pointee), calleeAllocated: false };
  }
  return { kind: "value" };
}

function structName(types: ShapeTypes, type: string): string {
  const found = types.struct(types.info(type).canonical);
  if (found === null) throw new Error(`not a struct: ${type}`);
  return found.name;
}

function holdsPointers(types: ShapeTypes, canonical: string, seen = new Set<string>()): boolean {
  if (seen.has(canonical)) return false;
  seen.add(canonical);
  return (types.struct(canonical)?.fields ?? []).some((f) => {
    const info = types.info(f.type);
    if (info.category === "pointer") return true;
    return (info.category === "struct" || info.category === "union") &&
      holdsPointers(types, info.canonical, seen);
  });
}

/** Where to look for statements about one parameter, nearest first. */
export interface OwnerPages {
  /** The method or function page, or null when it has none. */
  page: { file: string; frees: PageFree[]; params: PageParam[] } | null;
  /** The pages of the returned type (interface page; struct page, then its unions' pages). */
  typePages: (shape: OutShape, param: AbiParam) => { file: string; frees: PageFree[] }[];
}

function fromPage(
  frees: PageFree[],
  shape: OutShape,
  name: string | null,
): PageFreeWith | null {
  const named = frees.find((f) =>
    name !== null && f.params.includes(name) && fits(shape, f.freeWith)
  );
  const general = frees.find((f) => f.params.length === 0 && fits(shape, f.freeWith));
  return (named ?? general)?.freeWith ?? null;
}

function conventionFor(shape: OutShape): { freeWith: FreeWith; source: string } | null {
  switch (shape.kind) {
    case "value":
      return { freeWith: "none", source: CONVENTION.value };
    case "interface":
      return { freeWith: "Release", source: CONVENTION.Release };
    case "string":
      return shape.bstr
        ? { freeWith: "SysFreeString", source: CONVENTION.SysFreeString }
        : { freeWith: "CoTaskMemFree", source: CONVENTION.CoTaskMemFree };
    case "bytes":
      return { freeWith: "CoTaskMemFree", source: CONVENTION.CoTaskMemFree };
    default:
      return null;
  }
}

/** The owner rule of one out parameter. */
export function ownerRule(
  param: AbiParam,
  shape: OutShape,
  where: OwnerPages,
): { freeWith: FreeWith; source: string } {
  if (shape.kind !== "value" && where.page) {
    const stated = fromPage(where.page.frees, shape, param.name);
    if (stated) return { freeWith: stated, source: where.page.file };
  }
  for (const typePage of shape.kind === "value" ? [] : where.typePages(shape, param)) {
    const stated = fromPage(typePage.frees, shape, null);
    if (stated) return { freeWith: stated, source: typePage.file };
  }
  const rule = conventionFor(shape);
  if (!rule) throw new Error(`${param.name}: no page states how to free a ${param.type}`);
  return rule;
}

const COUNT_TYPES = /^(?:UINT|ULONG|DWORD|LONG|INT) \*$/;
const CAPACITY_TYPES = /^(?:UINT|ULONG|DWORD|LONG|INT)$/;

/**
 * The length parameters of an array out parameter. A caller-allocated array
 * is one whose page section names an in count (its capacity); its count is
 * the out parameter whose section names the array. A callee-allocated byte
 * array takes its count from the out parameter the page or, failing that,
 * the header names for its length.
 */
export function arrayRule(
  params: readonly AbiParam[],
  index: number,
  shape: OutShape,
  page: { file: string; params: PageParam[] } | null,
): { countParam: string; capacityParam?: string; source: string } | null {
  const p = params[index];
  const documented = (name: string) => page?.params.find((x) => x.name === name);
  const counts = params.filter((x) => x.direction !== "in" && COUNT_TYPES.test(x.type));
  if (shape.kind === "struct" && !shape.calleeAllocated && page) {
    const capacity = params.find((x) =>
      x.direction === "in" && CAPACITY_TYPES.test(x.type) &&
      documented(p.name)?.mentions.includes(x.name)
    );
    if (!capacity) return null;
    const count = counts.find((x) => documented(x.name)?.mentions.includes(p.name));
    if (!count) throw new Error(`${p.name}: an array with a capacity needs a count parameter`);
    return { countParam: count.name, capacityParam: capacity.name, source: page.file };
  }
  if (shape.kind !== "bytes") return null;
  const stated = counts.find((x) =>
    documented(p.name)?.mentions.includes(x.name) || documented(x.name)?.mentions.includes(p.name)
  );
  if (stated && page) return { countParam: stated.name, source: page.file };
  const named = counts.filter((x) => /Length$/.test(x.name));
  if (named.length !== 1) throw new Error(`${p.name}: no parameter gives the byte array's length`);
  return {
    countParam: named[0].name,
    source: "header: the one out parameter named for a length; the page has no text for either",
  };
}

/** Sets the owner and array rules of every out parameter of the model. */
export function annotateOwnership(
  abi: AbiModel,
  pages: PageModel,
  types: ShapeTypes,
  structPages: ReadonlyMap<string, { file: string; frees: PageFree[] }>,
): void {
  const interfacePages = new Map(pages.interfaces.map((i) => [i.name, i]));
  const methodPages = new Map(pages.methods.map((m) => [`${m.interface}::${m.name}`, m]));
  const functionPages = new Map(pages.functions.map((f) => [f.name, f]));
  for (const [name, s] of Object.entries(abi.structs)) {
    const page = structPages.get(name);
    const stated = page?.frees.find((f) =>
      fits({ kind: "struct", struct: name, calleeAllocated: false }, f.freeWith)
    );
    if (page && stated) Object.assign(s, { freeWith: stated.freeWith, ownerSource: page.file });
  }
  const unionsOf = (struct: string) =>
    abi.structs[struct].fields.map((f) => f.ffi.replace(/^struct:/, "")).filter((n) =>
      abi.structs[n]?.kind === "union"
    );
  const typePages = (shape: OutShape, param: AbiParam) => {
    const found = shape.kind === "struct"
      ? [shape.struct, ...unionsOf(shape.struct)].map((n) => structPages.get(n))
      : shape.kind === "interface"
      ? [interfacePages.get(/^(\w+)/.exec(param.type)?.[1] ?? "")]
      : [];
    return found.filter((p) => p !== undefined);
  };
  const annotate = (params: AbiParam[], page: OwnerPages["page"]) => {
    params.forEach((p, i) => {
      if (p.direction === "in") return;
      const shape = outShape(types, p.type);
      const rule = ownerRule(p, shape, { page, typePages });
      p.freeWith = rule.freeWith;
      p.ownerSource = rule.source;
      const array = arrayRule(params, i, shape, page);
      if (array) {
        p.countParam = array.countParam;
        if (array.capacityParam) p.capacityParam = array.capacityParam;
        p.countSource = array.source;
      }
    });
  };
  for (const [iface, i] of Object.entries(abi.interfaces)) {
    for (const m of i.methods) annotate(m.params, methodPages.get(`${iface}::${m.name}`) ?? null);
  }
  for (const [name, f] of Object.entries(abi.functions)) {
    annotate(
      f.params,
      functionPages.get(name) ?? (f.helper ? functionPages.get(f.helper) : undefined) ?? null,
    );
  }
}
