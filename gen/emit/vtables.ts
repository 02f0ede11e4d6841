/**
 * Emits `ffi/generated/vtables.ts`: for each bound interface its IID, its
 * layout (vtable pointers, IUnknown sub-object) and one entry per vtable slot
 * with the Deno FFI signature (the `this` pointer first).
 *
 * @module
 */

import {
  type Project,
  type StatementStructures,
  StructureKind,
  VariableDeclarationKind,
} from "ts-morph";
import type { AbiInterface, AbiMethod, AbiModel } from "../model.ts";
import { BY_VALUE_STRUCTS, ffiExpression } from "./ffi_types.ts";
import { generatedFile, literal } from "./source_file.ts";

/** Every slot of an interface's primary vtable, inherited ones first. */
export function flattenVtable(
  abi: AbiModel,
  name: string,
): { method: AbiMethod; declaredBy: string }[] {
  const iface = abi.interfaces[name];
  if (!iface) throw new Error(`unknown interface ${name}`);
  const inherited = iface.base ? flattenVtable(abi, iface.base) : [];
  return [...inherited, ...iface.methods.map((method) => ({ method, declaredBy: name }))];
}

function methodEntry(m: AbiMethod, declaredBy: string): string {
  const parameters = ['"pointer"', ...m.params.map((p) => ffiExpression(p.ffi))];
  const params = m.params.map((p) => {
    const o: Record<string, unknown> = { name: p.name, type: p.type, direction: p.direction };
    if (p.enum) o.enum = p.enum;
    if (p.passNull) o.passNull = true;
    return o;
  });
  return `{
    slot: ${m.slot},
    parameters: [${parameters.join(", ")}],
    result: ${ffiExpression(m.resultFfi)},
    declaredBy: ${JSON.stringify(declaredBy)},
    params: ${literal(params, "    ")},
    returnCodes: ${literal(m.returnCodes, "    ")},
    doc: ${JSON.stringify(m.doc)},
  }`;
}

function interfaceInitializer(name: string, iface: AbiInterface): string {
  const inherited = iface.base ? `    ...${iface.base}.methods,\n` : "";
  return `{
  name: ${JSON.stringify(name)},
  iid: ${JSON.stringify(iface.iid)},
  kind: ${JSON.stringify(iface.kind)},
  base: ${JSON.stringify(iface.base)},
  doc: ${JSON.stringify(iface.doc)},
  vtableSize: ${iface.vtableSize},
  vptrs: ${literal(iface.vptrs, "  ")},
  unknownOffset: ${JSON.stringify(iface.unknownOffset)},
  methods: {
${inherited}${
    iface.methods.map((method) => `    ${method.name}: ${methodEntry(method, name)},`).join(
      "\n",
    )
  }
  },
}`;
}

/** Adds the vtable tables file to the project. */
export function emitVtables(project: Project, abi: AbiModel): void {
  const statements: StatementStructures[] = [{
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../backend/types.ts",
    namedImports: ["type NativeResultType", "type NativeStructType", "type NativeType"],
  }];
  for (const [name, def] of Object.entries(BY_VALUE_STRUCTS)) {
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`\`${name}\` passed by value: Deno applies each platform's calling convention.`],
      declarations: [{
        name: `${name}_BY_VALUE`,
        initializer: `${def} as const satisfies NativeStructType`,
      }],
    });
  }
  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "ParamInfo",
    docs: ["A documented parameter: name, C type and direction."],
    properties: [
      {
        name: "name",
        type: "string",
        isReadonly: true,
        docs: ["Parameter name as the header writes it."],
      },
      { name: "type", type: "string", isReadonly: true, docs: ["C type as the header writes it."] },
      {
        name: "direction",
        type: `"in" | "out" | "in, out"`,
        isReadonly: true,
        docs: ["Direction: from the page, or from the header type where the page gives none."],
      },
      {
        name: "enum",
        type: "string",
        hasQuestionToken: true,
        isReadonly: true,
        docs: ["The enumeration of an enum-typed value."],
      },
      {
        name: "passNull",
        type: "true",
        hasQuestionToken: true,
        isReadonly: true,
        docs: ["A reserved pointer the page says must be NULL: the wrappers pass NULL."],
      },
    ],
  });
  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "VtableSlot",
    docs: ["One vtable slot: its number, FFI signature and documentation facts."],
    properties: [
      {
        name: "slot",
        type: "number",
        isReadonly: true,
        docs: ["Absolute vtable slot (IUnknown is 0..2)."],
      },
      {
        name: "parameters",
        type: "readonly NativeType[]",
        isReadonly: true,
        docs: ["Deno FFI parameter types, the `this` pointer first."],
      },
      {
        name: "result",
        type: "NativeResultType",
        isReadonly: true,
        docs: ["Deno FFI result type."],
      },
      {
        name: "declaredBy",
        type: "string",
        isReadonly: true,
        docs: ["The interface that declares the method."],
      },
      {
        name: "params",
        type: "readonly ParamInfo[]",
        isReadonly: true,
        docs: ["The documented parameters."],
      },
      {
        name: "returnCodes",
        type: "readonly string[]",
        isReadonly: true,
        docs: ["Return codes the method page lists."],
      },
      {
        name: "doc",
        type: "string | null",
        isReadonly: true,
        docs: ["The method page on learn.microsoft.com."],
      },
    ],
  });
  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "InterfaceTable",
    docs: ["An interface: identity, object layout and its primary vtable."],
    properties: [
      { name: "name", type: "string", isReadonly: true, docs: ["Interface name."] },
      {
        name: "iid",
        type: "string | null",
        isReadonly: true,
        docs: ["IID, or null for C++ classes without one."],
      },
      {
        name: "kind",
        type: `"com" | "c++"`,
        isReadonly: true,
        docs: ["`com` for MIDL interfaces, `c++` for classes exported by vssapi.dll."],
      },
      { name: "base", type: "string | null", isReadonly: true, docs: ["Base interface, or null."] },
      {
        name: "doc",
        type: "string | null",
        isReadonly: true,
        docs: ["The interface page on learn.microsoft.com."],
      },
      {
        name: "vtableSize",
        type: "number",
        isReadonly: true,
        docs: ["Slots in the primary vtable, inherited ones included."],
      },
      {
        name: "vptrs",
        type: "readonly { readonly offset: number; readonly interface: string }[]",
        isReadonly: true,
        docs: ["Vtable pointers in the object: one per base with its own vtable."],
      },
      {
        name: "unknownOffset",
        type: "number | null",
        isReadonly: true,
        docs: ["Offset of the IUnknown sub-object, or null when the type has none."],
      },
      {
        name: "methods",
        type: "Readonly<Record<string, VtableSlot>>",
        isReadonly: true,
        docs: ["Every slot of the primary vtable, by method name."],
      },
    ],
  });
  for (const [name, iface] of Object.entries(abi.interfaces)) {
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        `\`${name}\` (${iface.kind === "com" ? "COM interface" : "C++ class"}, ${iface.header}).${
          iface.doc ? `\n@see {@link ${iface.doc}}` : ""
        }`,
      ],
      declarations: [{
        name,
        initializer: `${interfaceInitializer(name, iface)} as const satisfies InterfaceTable`,
      }],
    });
  }
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["Every bound interface by name."],
    declarations: [{
      name: "INTERFACES",
      initializer: `{ ${Object.keys(abi.interfaces).join(", ")} } as const`,
    }],
  });
  generatedFile(
    project,
    "vtables.ts",
    "Vtable slots and Deno FFI signatures of every bound VSS interface (the `this` pointer is the first parameter).",
    statements,
  );
}
