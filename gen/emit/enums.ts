/**
 * Emits `ffi/generated/enums.ts`: each enumeration as a `const` object and a
 * union type of its values.
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
import { generatedFile } from "./source_file.ts";

/** Adds the enumerations file to the project. */
export function emitEnums(project: Project, abi: AbiModel): void {
  const statements: StatementStructures[] = [];
  for (const [name, e] of Object.entries(abi.enums)) {
    const see = e.doc ? `\n@see {@link ${e.doc}}` : "";
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`Members of \`${name}\` (${e.header}).${see}`],
      declarations: [{
        name,
        initializer: `{\n${
          Object.entries(e.members).map(([m, v]) => `  ${m}: ${v},`).join("\n")
        }\n} as const`,
      }],
    });
    statements.push({
      kind: StructureKind.TypeAlias,
      isExported: true,
      name,
      docs: [`A value of \`${name}\`.`],
      type: `(typeof ${name})[keyof typeof ${name}]`,
    });
  }
  generatedFile(
    project,
    "enums.ts",
    "VSS enumerations: member values as the compiler sees them.",
    statements,
  );
}
