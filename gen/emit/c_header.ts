/**
 * Emits `simulator/generated/vss_abi.h`: the model as C declarations with
 * fixed-width Windows types, for building the VSS simulator on a non-Windows
 * host. (The Windows build of the simulator uses the mingw-w64 headers
 * instead, so its slot order comes from the compiler's header.)
 *
 * @module
 */

import type { AbiModel } from "../model.ts";
import { BANNER } from "./source_file.ts";

const BASE_TYPES = `#include <stdint.h>
#include <stddef.h>

#define STDMETHODCALLTYPE
#define STDAPICALLTYPE
#define APIENTRY

typedef int32_t HRESULT;
typedef int32_t LONG;
typedef int32_t INT;
typedef int32_t WINBOOL;
typedef int32_t BOOL;
typedef uint32_t ULONG;
typedef uint32_t UINT;
typedef uint32_t DWORD;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint8_t boolean;
typedef uint8_t BYTE;
typedef uint16_t USHORT;
typedef uint16_t WCHAR;
typedef WCHAR *BSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
typedef GUID IID;
typedef GUID CLSID;
typedef const IID *REFIID;
typedef const CLSID *REFCLSID;

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME;

typedef struct IXMLDOMDocument IXMLDOMDocument;
`;

function cDeclarator(type: string, name: string): string {
  const array = /^(.*?) ?\[(\d+)\]$/.exec(type);
  if (array) return `${array[1]} ${name}[${array[2]}]`;
  return type.endsWith("*") ? `${type}${name}` : `${type} ${name}`;
}

/** The C header text. */
export function renderCHeader(abi: AbiModel): string {
  const out: string[] = [
    BANNER.replace(/^\/\/ /, "/* ") + " */",
    "/* The VSS ABI with fixed-width Windows types, for building the simulator outside Windows. */",
    "#ifndef VSS_ABI_H",
    "#define VSS_ABI_H",
    "",
    BASE_TYPES,
    "typedef GUID VSS_ID;",
    "typedef WCHAR *VSS_PWSZ;",
    "typedef LONGLONG VSS_TIMESTAMP;",
    "",
  ];
  for (const [name, e] of Object.entries(abi.enums)) {
    out.push(`typedef enum _${name} {`);
    out.push(...Object.entries(e.members).map(([m, v]) => `    ${m} = ${v},`));
    out.push(`} ${name};`, "");
  }
  // Structs in dependency order: a struct follows every struct its fields embed.
  const emitted = new Set(["GUID", "FILETIME"]);
  const pending = Object.keys(abi.structs).filter((n) => !emitted.has(n));
  const embeds = (name: string) =>
    abi.structs[name].fields.map((f) => f.ffi.startsWith("struct:") ? f.ffi.slice(7) : "").filter(
      Boolean,
    );
  while (pending.length > 0) {
    const index = pending.findIndex((n) => embeds(n).every((d) => emitted.has(d) || d === "GUID"));
    if (index < 0) throw new Error(`struct dependency cycle among ${pending.join(", ")}`);
    const [name] = pending.splice(index, 1);
    const s = abi.structs[name];
    out.push(`typedef ${s.kind} _${name} {`);
    out.push(...s.fields.map((f) => `    ${cDeclarator(f.type, f.name)};`));
    out.push(`} ${name};`, "");
    emitted.add(name);
  }
  out.push("typedef const VSS_COMPONENTINFO *PVSSCOMPONENTINFO;", "");
  const names = Object.keys(abi.interfaces);
  out.push(...names.map((n) => `typedef struct ${n} ${n};`), "");
  const slotsOf = (
    name: string,
  ): { name: string; returns: string; params: { name: string; type: string }[] }[] => {
    const iface = abi.interfaces[name];
    return [...(iface.base ? slotsOf(iface.base) : []), ...iface.methods];
  };
  for (const name of names) {
    out.push(`typedef struct ${name}Vtbl {`);
    for (const m of slotsOf(name)) {
      const params = [`${name} *This`, ...m.params.map((p) => cDeclarator(p.type, p.name))];
      out.push(`    ${m.returns} (STDMETHODCALLTYPE *${m.name})(${params.join(", ")});`);
    }
    out.push(`} ${name}Vtbl;`, `struct ${name} {`, `    const ${name}Vtbl *lpVtbl;`, "};", "");
  }
  for (const [name, f] of Object.entries(abi.functions)) {
    const params = f.params.map((p) => cDeclarator(p.type, p.name));
    out.push(`${f.returns} STDAPICALLTYPE ${name}(${params.length ? params.join(", ") : "void"});`);
  }
  out.push("", "#endif /* VSS_ABI_H */", "");
  return out.join("\n");
}
