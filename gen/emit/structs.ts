/**
 * Emits `ffi/generated/structs.ts`: for each struct and union its Windows x64
 * layout (size, alignment, field offsets) and a codec that reads and writes
 * it through a DataView.
 *
 * @module
 */

import {
  type Project,
  type StatementStructures,
  StructureKind,
  VariableDeclarationKind,
} from "ts-morph";
import type { AbiField, AbiModel } from "../model.ts";
import { generatedFile, literal } from "./source_file.ts";

interface FieldCodec {
  tsType: string;
  read: (at: string) => string;
  write: (at: string, value: string) => string;
}

function codecFor(field: AbiField, abi: AbiModel): FieldCodec {
  const ffi = field.ffi;
  const num = (get: string, set: string, ts = "number"): FieldCodec => ({
    tsType: ts,
    read: (at) => `view.${get}(${at}, true)`,
    write: (at, v) => `view.${set}(${at}, ${v}, true)`,
  });
  if (ffi.startsWith("struct:")) {
    const name = ffi.slice(7);
    if (name === "GUID") {
      return {
        tsType: "string",
        read: (at) => `readGuid(view, ${at})`,
        write: (at, v) => `writeGuid(view, ${at}, ${v})`,
      };
    }
    if (!abi.structs[name]) throw new Error(`field ${field.name}: no layout for ${name}`);
    return {
      tsType: name,
      read: (at) => `${name}.read(view, ${at})`,
      write: (at, v) => `${name}.write(view, ${at}, ${v})`,
    };
  }
  switch (ffi) {
    case "i32":
      return field.enum
        ? {
          ...num("getInt32", "setInt32", field.enum),
          read: (at) => `view.getInt32(${at}, true) as ${field.enum}`,
        }
        : num("getInt32", "setInt32");
    case "u32":
      return num("getUint32", "setUint32");
    case "u16":
      return num("getUint16", "setUint16");
    case "u8":
      return {
        tsType: "number",
        read: (at) => `view.getUint8(${at})`,
        write: (at, v) => `view.setUint8(${at}, ${v})`,
      };
    case "bool":
      return {
        tsType: "boolean",
        read: (at) => `view.getUint8(${at}) !== 0`,
        write: (at, v) => `view.setUint8(${at}, ${v} ? 1 : 0)`,
      };
    case "i64":
      return num("getBigInt64", "setBigInt64", "bigint");
    case "u64":
    case "pointer":
      return num("getBigUint64", "setBigUint64", "bigint");
  }
  throw new Error(`field ${field.name}: no codec for FFI type ${ffi}`);
}

/** Adds the struct layouts file to the project. */
export function emitStructs(project: Project, abi: AbiModel): void {
  const statements: StatementStructures[] = [];
  statements.unshift({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../guid.ts",
    namedImports: ["readGuid", "writeGuid"],
  });
  const enumsUsed = new Set<string>();
  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "StructCodec",
    docs: ["Layout and codec of one struct or union."],
    typeParameters: ["T"],
    properties: [
      { name: "size", type: "number", isReadonly: true, docs: ["`sizeof` in bytes."] },
      { name: "align", type: "number", isReadonly: true, docs: ["Alignment in bytes."] },
      {
        name: "fields",
        type:
          "Readonly<Record<string, { readonly offset: number; readonly size: number; readonly type: string }>>",
        isReadonly: true,
        docs: ["Field offsets, sizes and C types."],
      },
    ],
    methods: [
      {
        name: "read",
        parameters: [{ name: "view", type: "DataView" }, { name: "offset", type: "number" }],
        returnType: "T",
        docs: ["Reads the value stored at `offset`."],
      },
      {
        name: "write",
        parameters: [{ name: "view", type: "DataView" }, { name: "offset", type: "number" }, {
          name: "value",
          type: "T",
        }],
        returnType: "void",
        docs: ["Writes `value` at `offset`."],
      },
    ],
  });
  for (const [name, s] of Object.entries(abi.structs)) {
    if (name === "GUID") continue;
    const codecs = s.fields.map((f) => ({ f, c: codecFor(f, abi) }));
    codecs.forEach(({ f }) => f.enum && enumsUsed.add(f.enum));
    const see = s.doc ? `\n@see {@link ${s.doc}}` : "";
    statements.push({
      kind: StructureKind.Interface,
      isExported: true,
      name,
      docs: [`Fields of \`${name}\` (${s.kind}, ${s.header}).${see}`],
      properties: codecs.map(({ f, c }) => ({
        name: f.name,
        type: c.tsType,
        docs: [`\`${f.type}\` at offset ${f.offset}.`],
      })),
    });
    const fields = Object.fromEntries(
      s.fields.map((f) => [f.name, { offset: f.offset, size: f.size, type: f.type }]),
    );
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`Layout and codec of \`${name}\`: ${s.size} bytes, aligned to ${s.align}.`],
      declarations: [{
        name,
        type: `StructCodec<${name}>`,
        initializer: `{
  size: ${s.size},
  align: ${s.align},
  fields: ${literal(fields, "  ")},
  read(view: DataView, offset: number): ${name} {
    return {
${codecs.map(({ f, c }) => `      ${f.name}: ${c.read(`offset + ${f.offset}`)},`).join("\n")}
    };
  },
  write(view: DataView, offset: number, value: ${name}): void {
${codecs.map(({ f, c }) => `    ${c.write(`offset + ${f.offset}`, `value.${f.name}`)};`).join("\n")}
  },
}`,
      }],
    });
  }
  if (enumsUsed.size > 0) {
    statements.unshift({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "./enums.ts",
      namedImports: [...enumsUsed].sort(),
      isTypeOnly: true,
    });
  }
  generatedFile(
    project,
    "structs.ts",
    "Windows x64 layouts of the VSS structs and unions, with DataView codecs. Pointer fields are raw addresses (bigint).",
    statements,
  );
}
