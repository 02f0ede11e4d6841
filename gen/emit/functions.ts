/**
 * Emits `ffi/generated/functions.ts`: the exported requester functions as a
 * `Deno.dlopen` symbol table, plus their documentation facts.
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
import { BY_VALUE_STRUCTS, ffiExpression } from "./ffi_types.ts";
import { generatedFile, literal } from "./source_file.ts";

/** Adds the functions file to the project. */
export function emitFunctions(project: Project, abi: AbiModel): void {
  const statements: StatementStructures[] = [{
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: "../backend/types.ts",
    namedImports: ["type ForeignLibraryInterface"],
  }];
  const entries = Object.entries(abi.functions);
  const structs = new Set(
    entries.flatMap(([, f]) => f.params.map((p) => p.ffi)).filter((t) => t.startsWith("struct:")),
  );
  if (structs.size > 0) {
    statements.unshift({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "./vtables.ts",
      namedImports: [...structs].map((t) => `${t.slice(7)}_BY_VALUE`).filter((n) =>
        BY_VALUE_STRUCTS[n.replace(/_BY_VALUE$/, "")]
      ),
    });
  }
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["`Deno.dlopen` symbols of vssapi.dll's requester exports."],
    declarations: [{
      name: "VSSAPI_SYMBOLS",
      initializer: `{\n${
        entries.map(([name, f]) =>
          `  ${name}: { parameters: [${
            f.params.map((p) => ffiExpression(p.ffi)).join(", ")
          }], result: ${ffiExpression(f.resultFfi)} },`
        ).join("\n")
      }\n} as const satisfies ForeignLibraryInterface`,
    }],
  });
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      "Documentation facts of each export: DLL, parameters, return codes, the inline helper and the page.",
    ],
    declarations: [{
      name: "VSSAPI_FUNCTIONS",
      initializer: `${
        literal(Object.fromEntries(entries.map(([name, f]) => [name, {
          dll: f.dll,
          params: f.params.map((p) => ({ name: p.name, type: p.type, direction: p.direction })),
          returns: f.returns,
          returnCodes: f.returnCodes,
          helper: f.helper,
          doc: f.doc,
        }])))
      } as const`,
    }],
  });
  generatedFile(project, "functions.ts", "Exported vssapi.dll requester functions.", statements);
}
