/**
 * Emits `ffi/generated/wrappers.ts` (one class per bound interface, one
 * method per vtable slot) and `ffi/generated/vssapi.ts` (the exported
 * functions), with straight-line marshalling from {@link ./marshal.ts}.
 *
 * @module
 */

import {
  type MethodDeclarationStructure,
  type OptionalKind,
  type Project,
  type StatementStructures,
  StructureKind,
} from "ts-morph";
import type { AbiInterface, AbiMethod, AbiModel, AbiParam } from "../model.ts";
import { marshalParam, type ParamCode } from "./marshal.ts";
import { generatedFile } from "./source_file.ts";
import { thunkList } from "./thunks.ts";

interface Body {
  parameters: { name: string; type: string }[];
  returnType: string;
  statements: string;
}

/** The parameters, return type and body of one call. */
function callBody(
  abi: AbiModel,
  methods: ReadonlySet<string>,
  params: readonly AbiParam[],
  runtime: string,
  self: string | null,
  call: (args: string, thunkArgs: string) => string,
  fail: string,
  checked: boolean,
): Body {
  const ctx = {
    abi,
    params,
    runtime,
    derived: new Set<string>(),
    nextSlot: 0,
    nextGuid: 0,
    methods,
  };
  const codes: ParamCode[] = params.map((_, i) => marshalParam(ctx, i));
  const inputs = codes.flatMap((c) => c.input ? [c.input] : []);
  const outputs = codes.flatMap((c) => c.output ? [c.output] : []);
  const captures = codes.flatMap((c) => c.capture ? [c.capture] : []);
  const prep = codes.flatMap((c) => c.prep);
  const cleanup = codes.flatMap((c) => c.cleanup);
  const args = [...(self ? [self] : []), ...codes.map((c) => c.arg)].join(", ");
  const thunkArgs = [...(self ? [self] : []), ...codes.map((c) => c.thunkArg ?? c.arg)].join(", ");
  const lines: string[] = [...prep];
  lines.push(`const rc = ${call(args, thunkArgs)} as number;`);
  if (checked) lines.push(`if (rc < 0) ${fail};`);
  lines.push(...captures);
  if (outputs.length === 0) {
    lines.push("return rc;");
  } else {
    lines.push(`return { hr: rc, ${outputs.map((o) => `${o.name}: ${o.read}`).join(", ")} };`);
  }
  const body = cleanup.length === 0
    ? lines.join("\n")
    : `${prep.join("\n")}\ntry {\n${lines.slice(prep.length).join("\n")}\n} finally {\n${
      cleanup.join("\n")
    }\n}`;
  const returnType = outputs.length === 0
    ? "number"
    : `{ hr: number; ${outputs.map((o) => `${o.name}: ${o.type}`).join("; ")} }`;
  return { parameters: inputs, returnType, statements: body };
}

/** The methods of an interface and its bases. */
function methodNames(abi: AbiModel, iface: string): Set<string> {
  const names = new Set<string>();
  for (let n: string | null = iface; n; n = abi.interfaces[n]?.base ?? null) {
    for (const m of abi.interfaces[n]?.methods ?? []) names.add(m.name);
  }
  return names;
}

function methodDoc(iface: string, m: AbiMethod): string {
  const see = m.doc ? `\n@see {@link ${m.doc}}` : "";
  return `\`${iface}::${m.name}\`, vtable slot ${m.slot}.${see}`;
}

function slotMethod(
  abi: AbiModel,
  iface: string,
  m: AbiMethod,
  thunk: number,
): OptionalKind<MethodDeclarationStructure> {
  // The native thunk when the thunk library is loaded (Deno's fast call path),
  // else the vtable slot through a cached function pointer.
  const body = callBody(
    abi,
    methodNames(abi, iface),
    m.params,
    "this.runtime",
    "self",
    (args, thunkArgs) =>
      `((f = THUNKS[${thunk}]) !== undefined ? f(${thunkArgs}) : ` +
      `(this.fns[${m.slot}] ??= this.bindSlot(${m.slot}))(${args}))`,
    `this.fail(rc, "${m.name}")`,
    m.resultFfi === "i32",
  );
  return {
    name: m.name,
    docs: [methodDoc(iface, m)],
    parameters: body.parameters,
    returnType: body.returnType,
    statements:
      `const self = this.self("${m.name}");\nlet f: Thunk | undefined;\n${body.statements}`,
  };
}

/** `IVssAsync::Wait` on another thread, so the event loop keeps running. */
function nonblockingWait(m: AbiMethod): OptionalKind<MethodDeclarationStructure> {
  return {
    name: "WaitNonblocking",
    docs: [
      `\`IVssAsync::Wait\` (slot ${m.slot}) run on a separate thread: resolves with its HRESULT ` +
      "without blocking the event loop; rejects with VssError on failure.",
    ],
    parameters: [{ name: "dwMilliseconds", type: "number" }],
    returnType: "Promise<number>",
    isAsync: true,
    statements: `const self = this.self("Wait");
const rc = await this.nonblockingSlot(${m.slot})(self, dwMilliseconds) as number;
if (rc < 0) this.fail(rc, "Wait");
return rc;`,
  };
}

/** QueryInterface, AddRef and Release, called on the IUnknown sub-object wherever it sits. */
function unknownMethods(): OptionalKind<MethodDeclarationStructure>[] {
  return [
    {
      name: "QueryInterface",
      docs: [
        "`IUnknown::QueryInterface`, slot 0: a new owned reference for `riid`.\n@see {@link https://learn.microsoft.com/windows/win32/api/unknwn/nf-unknwn-iunknown-queryinterface(refiid_void)}",
      ],
      parameters: [{ name: "riid", type: "string" }],
      returnType: "{ hr: number; ppvObject: IUnknown | null }",
      statements: `const self = this.unknownSelf("QueryInterface");
const a0 = guidBytes(riid);
const a1 = new BigUint64Array(1);
const hr = this.unknownFn(0)(self, bufferPointer(a0), bufferPointer(a1)) as number;
if (hr < 0) this.fail(hr, "QueryInterface");
return { hr, ppvObject: wrapOwned(this.runtime, IUnknown, a1[0]) };`,
    },
    {
      name: "AddRef",
      docs: [
        "`IUnknown::AddRef`, slot 1: adds a reference and returns a new wrapper that owns it.\n@see {@link https://learn.microsoft.com/windows/win32/api/unknwn/nf-unknwn-iunknown-addref}",
      ],
      returnType: "this",
      statements: `const self = this.unknownSelf("AddRef");
this.unknownFn(1)(self);
return this.rewrap();`,
    },
    {
      name: "Release",
      docs: [
        "`IUnknown::Release`, slot 2: releases this wrapper's reference and returns the new count. " +
        "Throws ReleasedObjectError when called twice; `release()` and `using` are idempotent.\n" +
        "@see {@link https://learn.microsoft.com/windows/win32/api/unknwn/nf-unknwn-iunknown-release}",
      ],
      returnType: "number",
      statements: `this.self("Release");
return this.releaseCounted();`,
    },
  ];
}

function classFor(
  abi: AbiModel,
  name: string,
  iface: AbiInterface,
  thunks: ReadonlyMap<string, number>,
): StatementStructures {
  const base = iface.base ?? "ComObject";
  const methods: OptionalKind<MethodDeclarationStructure>[] = [];
  if (name === "IUnknown" || (iface.unknownOffset !== null && !chainHasUnknown(abi, iface.base))) {
    methods.push(...unknownMethods());
  }
  if (name !== "IUnknown") {
    methods.push(
      ...iface.methods.map((m) => slotMethod(abi, name, m, thunks.get(`${name}_${m.name}`)!)),
    );
  }
  const wait = name === "IVssAsync" ? iface.methods.find((m) => m.name === "Wait") : undefined;
  if (wait) methods.push(nonblockingWait(wait));
  const see = iface.doc ? `\n@see {@link ${iface.doc}}` : "";
  return {
    kind: StructureKind.Class,
    isExported: true,
    name,
    extends: base,
    docs: [
      `Wrapper of \`${name}\` (${
        iface.kind === "com" ? "COM interface" : "C++ class"
      }, ${iface.header}): ` +
      `one method per vtable slot; owns one reference.${see}\n@example Use and release\n\`\`\`ts ignore\n` +
      `declare function obtain(): ${name}; // any call that returns one\nusing object = obtain();\n\`\`\``,
    ],
    properties: [{
      name: "table",
      isStatic: true,
      isReadonly: true,
      hasOverrideKeyword: base !== "ComObject",
      type: "InterfaceTable",
      initializer: `vt.${name}`,
      docs: [`The vtable table of \`${name}\`.`],
    }],
    ctors: [{
      docs: [`Wraps an owned \`${name}\` pointer.`],
      parameters: [
        { name: "runtime", type: "VssRuntime" },
        { name: "pointer", type: "NativePointer" },
        { name: "table", type: "InterfaceTable", initializer: `vt.${name}` },
      ],
      statements: "super(runtime, pointer, table);",
    }],
    methods,
  };
}

function chainHasUnknown(abi: AbiModel, name: string | null): boolean {
  for (let n = name; n; n = abi.interfaces[n]?.base ?? null) if (n === "IUnknown") return true;
  return false;
}

/** Orders interfaces so each class follows its base. */
function baseFirst(abi: AbiModel): string[] {
  const out: string[] = [];
  const visit = (n: string) => {
    if (out.includes(n)) return;
    const base = abi.interfaces[n].base;
    if (base) visit(base);
    out.push(n);
  };
  Object.keys(abi.interfaces).forEach(visit);
  return out;
}

/** The scratch views a body of generated code uses, for its import list. */
function scratchNames(code: string): string[] {
  return [...new Set(code.match(/\bOUT_[A-Z0-9]+\b/g) ?? [])].sort();
}

/**
 * The imports from the FFI backend a body of generated code uses: the
 * generated code names no runtime (no `Deno.*`), so it runs under Deno and
 * Node alike.
 */
function backendImports(code: string): StatementStructures[] {
  const values = ["bufferPointer"].filter((n) => new RegExp(`\\b${n}\\(`).test(code));
  const types = ["NativePointer", "PointerValue"].filter((n) =>
    new RegExp(`\\b${n}\\b`).test(code)
  );
  const out: StatementStructures[] = [];
  if (values.length > 0) {
    out.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "../backend/mod.ts",
      namedImports: values,
    });
  }
  if (types.length > 0) {
    out.push({
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: "../backend/types.ts",
      namedImports: types,
    });
  }
  return out;
}

/** An import of the listed names a body of generated code uses (none when it uses none). */
function namedImport(
  from: string,
  values: string[],
  code: string,
  types: string[] = [],
): StatementStructures[] {
  const used = (n: string) => new RegExp(`\\b${n}\\b`).test(code);
  const names = [
    ...types.filter(used).map((n) => `type ${n}`),
    ...values.filter(used),
  ];
  return names.length === 0
    ? []
    : [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: from, namedImports: names }];
}

/** The struct codecs a body of generated code reads or sizes. */
function structNames(abi: AbiModel, code: string): string[] {
  return Object.keys(abi.structs).filter((n) =>
    new RegExp(`\\b${n}\\.(?:size|read)\\b`).test(code)
  );
}

const IMPORTS = (
  enums: string[],
  structs: string[],
  scratch: string[],
  code: string,
): StatementStructures[] => [
  ...backendImports(code),
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../com_object.ts",
    namedImports: ["ComObject", "wrapOwned"],
  },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../guid.ts",
    namedImports: ["guidBytes", "readGuid"],
  },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../thunks/table.ts",
    namedImports: ["type Thunk", "THUNKS"],
  },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../marshal.ts",
    namedImports: ["filetimeBytes", "guidArray"],
  },
  ...namedImport("../hresult.ts", ["toSigned", "toUnsigned"], code),
  ...namedImport("../results.ts", ["takeStruct", "takeStructs"], code, ["StructResults"]),
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../runtime.ts",
    namedImports: ["type VssRuntime"],
  },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../scratch.ts",
    namedImports: [...scratch, ...(/\bguidArg\(/.test(code) ? ["guidArg"] : [])].sort(),
  },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../wide_string.ts",
    namedImports: ["wideString"],
  },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "./enums.ts",
    namedImports: enums.map((e) => `type ${e}`),
  },
  { kind: StructureKind.ImportDeclaration, moduleSpecifier: "./structs.ts", namedImports: structs },
  {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "./vtables.ts",
    namedImports: ["type InterfaceTable"],
  },
  { kind: StructureKind.ImportDeclaration, moduleSpecifier: "./vtables.ts", namespaceImport: "vt" },
];

/** Adds the interface wrappers and the exported-function wrappers to the project. */
export function emitWrappers(project: Project, abi: AbiModel): void {
  const thunks = new Map(thunkList(abi).map((t) => [t.name, t.index]));
  const classes = baseFirst(abi).map((name) => classFor(abi, name, abi.interfaces[name], thunks));
  const classCode = JSON.stringify(classes);
  const scratch = scratchNames(classCode);
  const enums = [
    ...new Set(
      Object.values(abi.interfaces).flatMap((i) =>
        i.methods.flatMap((m) => m.params.flatMap((p) => p.enum ? [p.enum] : []))
      ),
    ),
  ].sort();
  generatedFile(
    project,
    "wrappers.ts",
    "Wrappers of every bound VSS interface: one class per interface, one method per vtable slot.",
    [
      ...IMPORTS(
        enums,
        structNames(abi, classCode),
        scratch,
        classCode,
      ),
      ...classes,
    ],
  );
  const functions: StatementStructures[] = Object.entries(abi.functions).map(([name, f]) => {
    const body = callBody(
      abi,
      new Set(),
      f.params,
      "runtime",
      null,
      (args) => `runtime.libs.vss.${name}(${args})`,
      `throw new VssError(rc, "vssapi", "${name}", ${JSON.stringify(f.doc)})`,
      f.resultFfi === "i32",
    );
    const isVoid = f.resultFfi === "void";
    return {
      kind: StructureKind.Function,
      isExported: true,
      name,
      docs: [
        `\`${name}\` from ${f.dll}${f.helper ? ` (the export behind \`${f.helper}\`)` : ""}.${
          f.doc ? `\n@see {@link ${f.doc}}` : ""
        }`,
      ],
      parameters: [{ name: "runtime", type: "VssRuntime" }, ...body.parameters],
      returnType: isVoid ? "void" : body.returnType,
      statements: isVoid
        ? `runtime.libs.vss.${name}(${f.params.map((p) => p.name).join(", ")});`
        : body.statements,
    };
  });
  generatedFile(project, "vssapi.ts", "The exported requester functions of vssapi.dll, wrapped.", [
    ...backendImports(JSON.stringify(functions)),
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "../com_object.ts",
      namedImports: ["wrapOwned"],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "../errors.ts",
      namedImports: ["VssError"],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "../runtime.ts",
      namedImports: ["type VssRuntime"],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "../scratch.ts",
      namedImports: scratchNames(JSON.stringify(functions)),
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "../wide_string.ts",
      namedImports: ["wideString"],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "./wrappers.ts",
      namedImports: ["IVssBackupComponents", "IVssExamineWriterMetadata"],
    },
    ...functions,
  ]);
}
