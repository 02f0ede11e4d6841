/**
 * C types under the Windows x64 data model (LLP64): size, alignment and the
 * Deno FFI type each one crosses the boundary as.
 *
 * @module
 */

/** How a C type crosses the FFI boundary. */
export type FfiToken =
  | "void"
  | "bool"
  | "u8"
  | "u16"
  | "i32"
  | "u32"
  | "i64"
  | "u64"
  | "pointer"
  | `struct:${string}`;

/** What the generator knows about one C type. */
export interface TypeInfo {
  size: number;
  align: number;
  ffi: FfiToken;
  /** The type after typedefs and `const` are removed, e.g. `GUID`, `WCHAR *`, `_VSS_SNAPSHOT_PROP`. */
  canonical: string;
  category: "primitive" | "pointer" | "enum" | "struct" | "union" | "array";
  /** For pointers: the pointee type text. */
  pointee?: string;
}

/** A type the generator cannot size. */
export class UnknownTypeError extends Error {
  override name = "UnknownTypeError";
}

const PRIMITIVES: Record<string, { size: number; ffi: FfiToken }> = {
  void: { size: 0, ffi: "void" },
  boolean: { size: 1, ffi: "bool" },
  bool: { size: 1, ffi: "bool" },
  BYTE: { size: 1, ffi: "u8" },
  UCHAR: { size: 1, ffi: "u8" },
  WCHAR: { size: 2, ffi: "u16" },
  USHORT: { size: 2, ffi: "u16" },
  LONG: { size: 4, ffi: "i32" },
  INT: { size: 4, ffi: "i32" },
  HRESULT: { size: 4, ffi: "i32" },
  WINBOOL: { size: 4, ffi: "i32" },
  BOOL: { size: 4, ffi: "i32" },
  ULONG: { size: 4, ffi: "u32" },
  UINT: { size: 4, ffi: "u32" },
  DWORD: { size: 4, ffi: "u32" },
  LONGLONG: { size: 8, ffi: "i64" },
  ULONGLONG: { size: 8, ffi: "u64" },
};

/** Fixed-layout Windows structs that the VSS headers use but do not declare. */
export const WINDOWS_STRUCTS: Record<string, { name: string; type: string }[]> = {
  GUID: [
    { name: "Data1", type: "ULONG" },
    { name: "Data2", type: "USHORT" },
    { name: "Data3", type: "USHORT" },
    { name: "Data4", type: "BYTE [8]" },
  ],
  FILETIME: [
    { name: "dwLowDateTime", type: "DWORD" },
    { name: "dwHighDateTime", type: "DWORD" },
  ],
};

/** Typedefs from the Windows headers that the VSS headers rely on. */
const WINDOWS_TYPEDEFS: Record<string, string> = {
  IID: "GUID",
  CLSID: "GUID",
  REFIID: "const IID *",
  REFCLSID: "const IID *",
  REFGUID: "const GUID *",
  BSTR: "WCHAR *",
  LPCWSTR: "const WCHAR *",
  LPWSTR: "WCHAR *",
  LPOLESTR: "WCHAR *",
  LPCOLESTR: "const WCHAR *",
};

/** The aggregates the type table can size, by name. */
export interface Aggregates {
  /** Field list of a struct or union, by typedef name or tag. */
  fields(
    name: string,
  ): { kind: "struct" | "union"; fields: { name: string; type: string }[] } | null;
  isEnum(name: string): boolean;
  typedef(name: string): string | null;
  isInterface(name: string): boolean;
}

/** Removes `const` and collapses spaces: `const VSS_ID *` → `VSS_ID *`. */
export function stripConst(type: string): string {
  return type.replace(/\bconst\b/g, "").replace(/\s+/g, " ").trim();
}

/** Sizes C types, following typedefs, with memoisation. */
export class TypeTable {
  #cache = new Map<string, TypeInfo>();
  #aggregates: Aggregates;
  #active = new Set<string>();

  constructor(aggregates: Aggregates) {
    this.#aggregates = aggregates;
  }

  /** Field layouts of a struct or union, computed with {@linkcode layoutFields}. */
  layout(name: string) {
    const agg = this.#aggregates.fields(name) ??
      (WINDOWS_STRUCTS[name] ? { kind: "struct" as const, fields: WINDOWS_STRUCTS[name] } : null);
    if (!agg) throw new UnknownTypeError(`no declaration for struct or union ${name}`);
    return layoutFields(agg.kind, agg.fields.map((f) => ({ ...f, info: this.info(f.type) })));
  }

  /** Size, alignment and FFI token of a C type. */
  info(type: string): TypeInfo {
    const key = stripConst(type);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    if (this.#active.has(key)) throw new UnknownTypeError(`type ${key} contains itself`);
    this.#active.add(key);
    try {
      const info = this.#compute(key);
      this.#cache.set(key, info);
      return info;
    } finally {
      this.#active.delete(key);
    }
  }

  #compute(t: string): TypeInfo {
    const array = /^(.*?) ?\[(\d+)\]$/.exec(t);
    if (array) {
      const element = this.info(array[1]);
      const n = Number(array[2]);
      return {
        size: element.size * n,
        align: element.align,
        ffi: "pointer",
        canonical: `${element.canonical} [${n}]`,
        category: "array",
      };
    }
    if (t.endsWith("*")) {
      const pointee = t.slice(0, -1).trim();
      return { size: 8, align: 8, ffi: "pointer", canonical: t, category: "pointer", pointee };
    }
    const primitive = PRIMITIVES[t];
    if (primitive) {
      return {
        size: primitive.size,
        align: Math.max(primitive.size, 1),
        ffi: primitive.ffi,
        canonical: t,
        category: "primitive",
      };
    }
    const alias = this.#aggregates.typedef(t) ?? WINDOWS_TYPEDEFS[t];
    if (alias !== undefined && alias !== null && stripConst(alias) !== t) {
      return this.info(alias);
    }
    if (this.#aggregates.isEnum(t)) {
      return { size: 4, align: 4, ffi: "i32", canonical: t, category: "enum" };
    }
    if (this.#aggregates.isInterface(t)) {
      throw new UnknownTypeError(`interface ${t} used by value`);
    }
    const agg = this.#aggregates.fields(t) ??
      (WINDOWS_STRUCTS[t] ? { kind: "struct" as const, fields: WINDOWS_STRUCTS[t] } : null);
    if (agg) {
      const { size, align } = this.layout(t);
      return { size, align, ffi: `struct:${t}`, canonical: t, category: agg.kind };
    }
    throw new UnknownTypeError(`unknown C type "${t}"`);
  }
}

/** A field placed in its aggregate. */
export interface PlacedField {
  name: string;
  type: string;
  offset: number;
  size: number;
  align: number;
}

/** Places fields by the Windows x64 rules: natural alignment, no packing pragma. */
export function layoutFields(
  kind: "struct" | "union",
  fields: { name: string; type: string; info: TypeInfo }[],
): { size: number; align: number; fields: PlacedField[] } {
  let offset = 0;
  let align = 1;
  let size = 0;
  const placed = fields.map((f) => {
    const a = f.info.align;
    align = Math.max(align, a);
    const at = kind === "union" ? 0 : Math.ceil(offset / a) * a;
    if (kind === "struct") offset = at + f.info.size;
    size = Math.max(size, at + f.info.size);
    return { name: f.name, type: f.type, offset: at, size: f.info.size, align: a };
  });
  size = Math.ceil(size / align) * align;
  return { size, align, fields: placed };
}
