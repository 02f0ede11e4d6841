/**
 * Emits `ffi/generated/hresults.ts`: every HRESULT the reference or the
 * headers name, with the methods whose pages document it.
 *
 * @module
 */

import {
  type Project,
  type StatementStructures,
  StructureKind,
  VariableDeclarationKind,
} from "ts-morph";
import type { AbiModel } from "../model.ts";
import { generatedFile, hex32, literal } from "./source_file.ts";

/** Adds the HRESULT table file to the project. */
export function emitHresults(project: Project, abi: AbiModel): void {
  const statements: StatementStructures[] = [];
  const entries = Object.entries(abi.hresults);
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["HRESULT values by name (unsigned 32-bit)."],
    declarations: [{
      name: "HRESULT",
      initializer: `{\n${
        entries.map(([n, h]) => `  ${n}: ${hex32(h.value)},`).join("\n")
      }\n} as const`,
    }],
  });
  statements.push({
    kind: StructureKind.TypeAlias,
    isExported: true,
    name: "HresultName",
    docs: ["The name of a known HRESULT."],
    type: "keyof typeof HRESULT",
  });
  const byValue = new Map<number, string[]>();
  for (const [n, h] of entries) byValue.set(h.value, [...(byValue.get(h.value) ?? []), n]);
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["Known names for each HRESULT value (a value may have more than one name)."],
    declarations: [{
      name: "HRESULT_NAMES",
      type: "ReadonlyMap<number, readonly HresultName[]>",
      initializer: `new Map<number, readonly HresultName[]>([\n${
        [...byValue].sort(([a], [b]) => a - b).map(([v, ns]) =>
          `  [${hex32(v)}, ${JSON.stringify(ns)}],`
        )
          .join("\n")
      }\n])`,
    }],
  });
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      "For each HRESULT, the `Interface::Method` or function pages that list it as a return code.",
    ],
    declarations: [{
      name: "HRESULT_DOCUMENTED_BY",
      type: "Readonly<Partial<Record<HresultName, readonly string[]>>>",
      initializer: literal(
        Object.fromEntries(
          entries.filter(([, h]) => h.documentedBy.length > 0).map(([n, h]) => [n, h.documentedBy]),
        ),
      ),
    }],
  });
  generatedFile(project, "hresults.ts", "HRESULT names and unsigned 32-bit values.", statements);
}
