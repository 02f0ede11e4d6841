/**
 * Merges what the pages say with what the headers say into the ABI model,
 * recording every difference between the two and the rule applied.
 *
 * @module
 */

import { TypeTable, UnknownTypeError, WINDOWS_STRUCTS } from "./c_types.ts";
import { DisagreementLog } from "./disagreements.ts";
import { annotateOwnership } from "./ownership.ts";
import { formatHresult, toSigned, toUnsigned } from "../../ffi/hresult.ts";
import type {
  AbiEnum,
  AbiFunction,
  AbiHresult,
  AbiInterface,
  AbiMethod,
  AbiModel,
  AbiParam,
  AbiStruct,
  Direction,
  HeaderInterface,
  HeaderMethod,
  HeaderModel,
  HeaderParam,
  PageMethod,
  PageModel,
  PageParam,
} from "../model.ts";

/** The command that writes the model, named in every generated file. */
export const GENERATED_BY = "deno task gen";

/** The model and the log of differences found while building it. */
export interface BuildResult {
  abi: AbiModel;
  log: DisagreementLog;
}

const toInt32 = toSigned;
const sortRecord = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries(entries.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));

/** Direction implied by a C parameter type when the page gives none. */
export function directionFromType(type: string): Direction {
  const t = type.replace(/\s+/g, " ").trim();
  if (/^const\b/.test(t)) return "in";
  return /\*$/.test(t) ? "out" : "in";
}

/** Builds the ABI model. `explanations` maps disagreement ids to reviewed reasons. */
export function buildAbi(
  pages: PageModel,
  headers: HeaderModel,
  explanations: ReadonlyMap<string, string>,
): BuildResult {
  const log = new DisagreementLog(explanations);
  const headerIfaces = new Map(headers.interfaces.map((i) => [i.name, i]));
  const headerEnums = new Map(headers.enums.map((e) => [e.name, e]));
  const headerStructs = new Map<string, (typeof headers.structs)[number]>();
  for (const s of headers.structs) {
    headerStructs.set(s.name, s);
    if (s.tag) headerStructs.set(s.tag, s);
  }
  const typedefs = new Map(headers.typedefs.map((t) => [t.name, t.type]));
  const enumTags = new Set(headers.enums.flatMap((e) => e.tag ? [e.name, e.tag] : [e.name]));
  const types = new TypeTable({
    fields: (name) => headerStructs.get(name) ?? null,
    isEnum: (name) => enumTags.has(name.replace(/^enum /, "")),
    typedef: (name) => typedefs.get(name) ?? null,
    isInterface: (name) => headerIfaces.has(name),
  });

  // ---- interfaces -------------------------------------------------------
  const pageMethodsByInterface = new Map<string, PageMethod[]>();
  for (const m of pages.methods) {
    pageMethodsByInterface.set(m.interface, [
      ...(pageMethodsByInterface.get(m.interface) ?? []),
      m,
    ]);
  }
  const interfaces: [string, AbiInterface][] = [];
  const ancestry = (h: HeaderInterface): string[] => {
    const chain: string[] = [];
    for (let b = h.base; b; b = headerIfaces.get(b)?.base ?? null) chain.push(b);
    return chain;
  };
  const unknownHeader = headers.interfaces.find((h) => h.base === "IUnknown");
  if (!unknownHeader) throw new Error("no header interface derives from IUnknown");
  interfaces.push(["IUnknown", {
    iid: "00000000-0000-0000-c000-000000000046",
    base: null,
    header: "unknwn.h",
    kind: "com",
    doc: "https://learn.microsoft.com/windows/win32/api/unknwn/nn-unknwn-iunknown",
    requirements: null,
    methods: unknownHeader.vtbl.slice(0, 3).map((m) => ({
      name: m.name,
      slot: m.slot,
      params: m.params.map((p) => ({
        name: p.name,
        type: p.type,
        direction: directionFromType(p.type),
        ffi: "",
      })),
      returns: m.returns,
      resultFfi: "",
      returnCodes: [],
      doc:
        `https://learn.microsoft.com/windows/win32/api/unknwn/nf-unknwn-iunknown-${m.name.toLowerCase()}`,
    })),
    vtableSize: 3,
    vptrs: [{ offset: 0, interface: "IUnknown" }],
    unknownOffset: 0,
  }]);

  for (const page of pages.interfaces) {
    const h = headerIfaces.get(page.name);
    if (!h) {
      log.add(
        "interface-not-in-header",
        page.name,
        page.file,
        null,
        "interface left out of the model",
      );
      continue;
    }
    const chain = ancestry(h);
    const extraBases = page.bases.filter((b) => !chain.includes(b));
    const pageDirect = page.bases[0] ?? null;
    if (pageDirect !== h.base) {
      log.add("base", page.name, page.bases, h.base, "header base used for the vtable");
    }
    const vptrs = [{ offset: 0, interface: page.name }];
    let unknownOffset: number | null = chain.includes("IUnknown") ? 0 : null;
    if (extraBases.length > 0) {
      log.add(
        "bases",
        page.name,
        page.bases,
        chain,
        "C++ multiple inheritance: one more vtable pointer per extra base, 8 bytes apart, in declaration order",
      );
      extraBases.forEach((b, i) => {
        vptrs.push({ offset: 8 * (i + 1), interface: b });
        if (b === "IUnknown") unknownOffset = 8 * (i + 1);
      });
    }
    const baseSize = h.base === "IUnknown"
      ? 3
      : h.base
      ? (headerIfaces.get(h.base)?.vtbl.length ?? 0)
      : 0;
    const own = h.vtbl.slice(baseSize);
    const documented = pageMethodsByInterface.get(page.name) ?? [];
    const byName = new Map(documented.map((m) => [m.name, m]));
    for (const m of documented) {
      if (!own.some((o) => o.name === m.name)) {
        const inherited = h.vtbl.slice(0, baseSize).some((o) => o.name === m.name);
        log.add(
          inherited ? "method-documented-on-derived" : "method-not-in-header",
          `${page.name}::${m.name}`,
          m.file,
          inherited ? "declared by a base" : null,
          inherited ? "bound on the base that declares it" : "method left out of the model",
        );
      }
    }
    const methods: AbiMethod[] = own.map((o) => buildMethod(page.name, o, byName.get(o.name), log));
    for (const o of own) {
      if (!byName.has(o.name)) {
        log.add(
          "method-not-documented",
          `${page.name}::${o.name}`,
          null,
          o.slot,
          "bound from the header alone",
        );
      }
    }
    interfaces.push([page.name, {
      iid: h.iid,
      base: h.base,
      header: h.header,
      kind: page.cppOnly ? "c++" : "com",
      doc: page.doc,
      requirements: page.requirements,
      methods,
      vtableSize: h.vtbl.length,
      vptrs,
      unknownOffset,
    }]);
  }
  const boundInterfaces = new Set(interfaces.map(([n]) => n));

  // ---- enums ------------------------------------------------------------
  const enums: [string, AbiEnum][] = [];
  for (const page of pages.enums) {
    const h = headerEnums.get(page.name);
    if (!h) {
      log.add(
        "enum-not-in-header",
        page.name,
        page.file,
        null,
        "enumeration left out of the model",
      );
      continue;
    }
    const pageNames = page.members.map((m) => m.name);
    const headerNames = h.members.map((m) => m.name);
    for (const name of pageNames.filter((n) => !headerNames.includes(n))) {
      log.add(
        "enum-member-not-in-header",
        `${page.name}.${name}`,
        page.file,
        null,
        "member left out",
      );
    }
    for (const name of headerNames.filter((n) => !pageNames.includes(n))) {
      log.add(
        "enum-member-not-documented",
        `${page.name}.${name}`,
        null,
        name,
        "header member kept",
      );
    }
    const common = pageNames.filter((n) => headerNames.includes(n));
    if (common.join() !== headerNames.filter((n) => pageNames.includes(n)).join()) {
      log.add("enum-order", page.name, pageNames, headerNames, "header order and values used");
    }
    for (const m of page.members) {
      const hm = h.members.find((x) => x.name === m.name);
      if (hm && m.value !== null && toInt32(m.value) !== toInt32(hm.value)) {
        log.add("enum-value", `${page.name}.${m.name}`, m.value, hm.value, "header value used");
      }
    }
    enums.push([page.name, {
      header: h.header,
      doc: page.doc,
      members: Object.fromEntries(h.members.map((m) => [m.name, toInt32(m.value)])),
    }]);
  }
  const documentedEnums = new Set(pages.enums.map((e) => e.name));
  for (const h of headers.enums) {
    if (!documentedEnums.has(h.name) && ["vss.h", "vsbackup.h", "vsmgmt.h"].includes(h.header)) {
      log.add("enum-not-documented", h.name, null, h.header, "bound from the header alone");
      enums.push([h.name, {
        header: h.header,
        doc: null,
        members: Object.fromEntries(h.members.map((m) => [m.name, toInt32(m.value)])),
      }]);
    }
  }

  // ---- structs and unions -----------------------------------------------
  const structs: [string, AbiStruct][] = [];
  const pageStructFor = new Map<string, (typeof pages.structs)[number]>();
  for (const page of pages.structs) {
    let h = headerStructs.get(page.name);
    if (!h) {
      const sameFields = headers.structs.filter((s) =>
        s.fields.map((f) => f.name).join() === page.fields.join()
      );
      if (sameFields.length === 1) {
        h = sameFields[0];
        log.add(
          "struct-name",
          page.name,
          page.name,
          h.name,
          "matched by identical field names; header name used",
        );
      } else {
        log.add(
          "struct-not-in-header",
          page.name,
          page.file,
          null,
          "structure left out of the model",
        );
        continue;
      }
    }
    pageStructFor.set(h.name, page);
    const headerFields = h.fields.map((f) => f.name);
    if (headerFields.join() !== page.fields.join()) {
      log.add("struct-fields", h.name, page.fields, headerFields, "header fields and order used");
    }
  }
  const wanted = new Set<string>();
  const want = (type: string) => {
    const info = types.info(type);
    const base = info.category === "pointer"
      ? info.pointee!
      : info.canonical.replace(/ \[\d+\]$/, "");
    for (const candidate of [base.replace(/^const /, ""), info.canonical]) {
      const s = headerStructs.get(candidate);
      if (s && !wanted.has(s.name)) {
        wanted.add(s.name);
        s.fields.forEach((f) => want(f.type));
      }
    }
  };
  for (const name of pageStructFor.keys()) want(name);
  for (const s of headers.structs) {
    if (["vss.h", "vsmgmt.h", "vsbackup.h"].includes(s.header)) want(s.name);
  }
  for (const name of [...wanted].sort()) {
    const h = headerStructs.get(name)!;
    const layout = types.layout(name);
    const page = pageStructFor.get(name);
    if (!page) {
      log.add("struct-not-documented", name, null, h.header, "laid out from the header alone");
    }
    structs.push([name, {
      kind: h.kind,
      header: h.header,
      doc: page?.doc ?? null,
      size: layout.size,
      align: layout.align,
      fields: layout.fields.map((f) => ({ ...f, ffi: "" })),
    }]);
  }
  for (const name of Object.keys(WINDOWS_STRUCTS)) {
    const layout = types.layout(name);
    structs.push([name, {
      kind: "struct",
      header: name === "GUID" ? "guiddef.h" : "minwinbase.h",
      doc: null,
      size: layout.size,
      align: layout.align,
      fields: layout.fields.map((f) => ({ ...f, ffi: "" })),
    }]);
  }

  // ---- functions --------------------------------------------------------
  const functions: [string, AbiFunction][] = [];
  const pageFunctions = new Map(pages.functions.map((f) => [f.name, f]));
  for (const h of headers.functions.filter((f) => !f.inline)) {
    const helper = headers.functions.find((f) => f.inline && f.forwardsTo === h.name) ?? null;
    const page = pageFunctions.get(h.name) ?? (helper ? pageFunctions.get(helper.name) : undefined);
    if (!page) {
      log.add(
        "function-not-documented",
        h.name,
        null,
        h.header,
        "left unbound: no page in the corpus",
      );
      continue;
    }
    if (page.name !== h.name) {
      log.add("function-page", h.name, page.name, h.name, "the helper's page documents the export");
    }
    const dll = (page.requirements.dll ?? "VssApi.dll").toLowerCase();
    functions.push([h.name, {
      dll,
      header: h.header,
      doc: page.doc,
      params: mergeParams(h.name, h.params, page.params, log),
      returns: h.returns,
      resultFfi: "",
      returnCodes: page.returnCodes.map((c) => c.name),
      helper: helper?.name ?? null,
    }]);
  }
  for (const page of pages.functions) {
    const isHeaderFn = headers.functions.some((f) => f.name === page.name);
    if (!isHeaderFn) {
      log.add("function-not-in-header", page.name, page.file, null, "left unbound");
    }
  }

  // ---- HRESULTs ---------------------------------------------------------
  const hresults = buildHresults(pages, headers, log);

  // ---- everything the parameters use must be sizeable --------------------
  for (const [name, iface] of interfaces) {
    for (const m of iface.methods) {
      for (const p of m.params) {
        try {
          types.info(p.type);
        } catch (error) {
          if (!(error instanceof UnknownTypeError)) throw error;
          if (
            !/^(?:const )?I[A-Za-z0-9]+ \*+$/.test(p.type) ||
            !boundInterfaces.has(p.type.replace(/[ *]|const /g, ""))
          ) {
            throw new UnknownTypeError(`${name}::${m.name} parameter ${p.name}: ${error.message}`);
          }
        }
      }
    }
  }

  const headerOnlyInterfaces = headers.interfaces.filter((h) => !boundInterfaces.has(h.name));
  const notBound = [
    ...pages.unbound,
    ...headerOnlyInterfaces.map((h) => ({
      name: h.name,
      href: "",
      from: h.header,
      reason: "writer-side interface declared in the header; not part of the requester API",
    })),
    ...headers.functions.filter((f) => !f.inline && !functions.some(([n]) => n === f.name)).map((
      f,
    ) => ({
      name: f.name,
      href: "",
      from: f.header,
      reason: "exported by the header but not documented in the reference",
    })),
  ];

  const abi: AbiModel = {
    generatedBy: GENERATED_BY,
    conventions: {
      dataModel:
        "Windows x64 (LLP64): pointers 8, LONG 4, LONGLONG 8, enum 4, boolean/bool 1, BOOL 4, WCHAR 2",
      slots: "absolute vtable slot numbers; IUnknown is 0..2",
      enumValues: "signed 32-bit, as MSVC types enumerators",
      hresultValues: "unsigned 32-bit",
      types: "C types as the mingw-w64 headers write them",
    },
    interfaces: sortRecord(interfaces),
    enums: sortRecord(enums),
    structs: sortRecord(structs),
    functions: sortRecord(functions),
    hresults,
    typedefs: sortRecord(
      headers.typedefs.filter((t) => /^(vss|vsbackup|vsmgmt)\.h$/.test(t.header))
        .map((t) => [t.name, t.type]),
    ),
    guids: sortRecord(headers.guids.map((g) => [g.name, g.value])),
    constants: sortRecord(headers.constants.map((c) => [c.name, c.value])),
    dataTypes: Object.fromEntries(pages.dataTypes.map((d) => [d.name, {
      declaration: d.declaration,
      doc: "https://learn.microsoft.com/windows/win32/vss/volume-shadow-copy-api-data-types",
    }])),
    notBound,
    disagreements: log.entries(),
  };
  for (const d of pages.dataTypes) {
    const declared = /(\w+)\s*;\s*$/.exec(d.declaration)?.[1];
    const headerType = typedefs.get(d.name);
    const pageType = d.declaration.replace(/\/\*.*?\*\//g, "").replace(/__RPC_\w+/g, "")
      .replace(/^typedef\s+/, "").replace(new RegExp(`\\b${d.name}\\s*;\\s*$`), "").replace(
        /\s+/g,
        " ",
      )
      .replace(/ \*/, " *").trim();
    if (declared !== d.name || headerType === undefined || headerType !== pageType) {
      log.add("data-type", d.name, pageType, headerType ?? null, "header typedef used");
    }
  }
  abi.disagreements = log.entries();
  annotateFfi(abi, types);
  const structPages = new Map([...pageStructFor].map(([name, page]) => [name, page]));
  annotateOwnership(abi, pages, {
    info: (type) => types.info(type),
    struct: (name) => headerStructs.get(name) ?? null,
    isInterface: (name) => headerIfaces.has(name),
  }, structPages);
  return { abi, log };
}

/** Adds the FFI type (and enum name) to every parameter, field and result. */
function annotateFfi(abi: AbiModel, types: TypeTable): void {
  const describe = (type: string): { ffi: string; enum?: string } => {
    const info = types.info(type.replace(/\bI[A-Za-z0-9]+ \*/, "void *"));
    const target =
      info.category === "pointer" && !/^(?:const )?I[A-Za-z0-9]+ \*/.test(info.pointee ?? "")
        ? safeInfo(types, info.pointee!)
        : null;
    const enumName = info.category === "enum"
      ? info.canonical
      : target?.category === "enum"
      ? target.canonical
      : undefined;
    return enumName ? { ffi: info.ffi, enum: enumName } : { ffi: info.ffi };
  };
  const result = (type: string) => types.info(type).ffi;
  for (const iface of Object.values(abi.interfaces)) {
    for (const m of iface.methods) {
      m.resultFfi = result(m.returns);
      m.params = m.params.map((p) => ({ ...p, ...describe(p.type) }));
    }
  }
  for (const f of Object.values(abi.functions)) {
    f.resultFfi = result(f.returns);
    f.params = f.params.map((p) => ({ ...p, ...describe(p.type) }));
  }
  for (const s of Object.values(abi.structs)) {
    s.fields = s.fields.map((f) => ({ ...f, ...describe(f.type) }));
  }
}

function safeInfo(types: TypeTable, type: string) {
  try {
    return types.info(type);
  } catch (error) {
    if (error instanceof UnknownTypeError) return null;
    throw error;
  }
}

function buildMethod(
  iface: string,
  h: HeaderMethod,
  page: PageMethod | undefined,
  log: DisagreementLog,
): AbiMethod {
  return {
    name: h.name,
    slot: h.slot,
    params: mergeParams(`${iface}::${h.name}`, h.params, page?.params ?? null, log),
    returns: h.returns,
    resultFfi: "",
    returnCodes: page?.returnCodes.map((c) => c.name) ?? [],
    doc: page?.doc ?? null,
  };
}

function mergeParams(
  subject: string,
  header: HeaderParam[],
  page: PageParam[] | null,
  log: DisagreementLog,
): AbiParam[] {
  if (page !== null && page.length !== header.length) {
    log.add(
      "param-count",
      subject,
      page.map((p) => p.name),
      header.map((p) => p.name),
      "header parameters used; directions from the header types",
    );
    page = null;
  }
  const undirected = (page ?? []).flatMap((p, i) =>
    p.direction === null ? [`${p.name}: ${header[i].type}`] : []
  );
  if (undirected.length > 0) {
    log.add(
      "param-direction",
      subject,
      null,
      undirected,
      "direction taken from the header type (pointer to non-const = out, else in)",
    );
  }
  return header.map((hp, i) => {
    const pp = page?.[i];
    if (pp && pp.name !== hp.name) {
      log.add(`param-name`, `${subject}#${i}`, pp.name, hp.name, "header name used");
    }
    let fromPage = pp?.direction ?? null;
    if (fromPage !== null && fromPage !== "in" && directionFromType(hp.type) === "in") {
      log.add(
        "param-direction-type",
        `${subject}#${i}`,
        fromPage,
        hp.type,
        "the header type cannot carry a result: in",
      );
      fromPage = "in";
    }
    if (fromPage === "in" && /^(?:BSTR|VSS_PWSZ|\w+ \*) \*$/.test(hp.type)) {
      log.add(
        "param-direction-type",
        `${subject}#${i}`,
        fromPage,
        hp.type,
        "the header type only returns a value: out",
      );
      fromPage = "out";
    }
    const param: AbiParam = {
      name: hp.name,
      type: hp.type,
      direction: fromPage ?? directionFromType(hp.type),
      ffi: "",
    };
    if (fromPage === null) param.directionFrom = "header type";
    if (pp?.mustBeNull && /\*$/.test(hp.type)) param.passNull = "page";
    return param;
  });
}

/**
 * COM codes of initialisation, activation (class factories included) and
 * QueryInterface, which the runtime and the simulator use.
 */
const COM_RUNTIME_CODES = [
  "CLASS_E_CLASSNOTAVAILABLE",
  "CLASS_E_NOAGGREGATION",
  "S_FALSE",
  "E_FAIL",
  "E_NOINTERFACE",
  "E_POINTER",
  "E_UNEXPECTED",
  "CO_E_NOTINITIALIZED",
  "REGDB_E_CLASSNOTREG",
  "RPC_E_CHANGED_MODE",
  "RPC_E_TOO_LATE",
];

function buildHresults(
  pages: PageModel,
  headers: HeaderModel,
  log: DisagreementLog,
): Record<string, AbiHresult> {
  const pageValues = new Map<string, Set<number>>();
  const documentedBy = new Map<string, Set<string>>();
  const note = (name: string, who: string, value: number | null) => {
    if (!documentedBy.has(name)) documentedBy.set(name, new Set());
    documentedBy.get(name)!.add(who);
    if (value !== null) {
      if (!pageValues.has(name)) pageValues.set(name, new Set());
      pageValues.get(name)!.add(toUnsigned(value));
    }
  };
  for (const m of pages.methods) {
    for (const c of m.returnCodes) note(c.name, `${m.interface}::${m.name}`, c.value);
  }
  for (const f of pages.functions) for (const c of f.returnCodes) note(c.name, f.name, c.value);
  const headerValue = new Map<string, number>();
  // vsserror.h wins over winerror.h for the VSS codes both may define.
  for (
    const h of [...headers.hresults].sort((a, b) =>
      (a.header === "vsserror.h" ? 1 : 0) - (b.header === "vsserror.h" ? 1 : 0)
    )
  ) {
    headerValue.set(h.name, toUnsigned(h.value));
  }
  const names = new Set<string>([
    ...COM_RUNTIME_CODES,
    ...pages.hresultMentions.map((m) => m.name),
    ...documentedBy.keys(),
    ...headers.hresults.filter((h) => h.header === "vsserror.h").map((h) => h.name),
  ]);
  const out: [string, AbiHresult][] = [];
  for (const name of names) {
    const fromPages = [...(pageValues.get(name) ?? [])];
    const fromHeader = headerValue.get(name);
    if (fromPages.length > 1) {
      log.add(
        "hresult-values",
        name,
        fromPages.map((v) => formatHresult(v)),
        fromHeader === undefined ? null : formatHresult(fromHeader),
        "header value used",
      );
    }
    let value: number;
    let source: AbiHresult["source"];
    if (fromHeader !== undefined) {
      value = fromHeader;
      source = fromPages.length > 0 ? "page+header" : "header";
      if (fromPages.length === 1 && fromPages[0] !== fromHeader) {
        log.add(
          "hresult-value",
          name,
          formatHresult(fromPages[0]),
          formatHresult(fromHeader),
          "header value used",
        );
        source = "header";
      }
    } else if (fromPages.length > 0) {
      value = fromPages[0];
      source = "page";
      log.add("hresult-not-in-header", name, formatHresult(value), null, "page value used");
    } else {
      log.add("hresult-no-value", name, null, null, "left out: no value anywhere");
      continue;
    }
    out.push([name, { value, source, documentedBy: [...(documentedBy.get(name) ?? [])].sort() }]);
  }
  return sortRecord(out);
}
