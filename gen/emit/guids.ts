/**
 * Emits `ffi/generated/guids.ts`: IIDs of the bound interfaces and the other
 * GUIDs the headers define (CLSIDs, LIBIDs).
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

/** Adds the GUID file to the project. */
export function emitGuids(project: Project, abi: AbiModel): void {
  const statements: StatementStructures[] = [];
  const iids = Object.entries(abi.interfaces).filter(([, i]) => i.iid !== null);
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      "IIDs of the bound interfaces that have one (the C++ classes without an IID are absent).",
    ],
    declarations: [{
      name: "IID",
      initializer: `{\n${
        iids.map(([n, i]) => `  ${n}: ${JSON.stringify(i.iid)},`).join("\n")
      }\n} as const`,
    }],
  });
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["Other GUIDs the headers define, by their C name (`CLSID_VssSnapshotMgmt`, ...)."],
    declarations: [{
      name: "GUIDS",
      initializer: `{\n${
        Object.entries(abi.guids).map(([n, v]) => `  ${n}: ${JSON.stringify(v)},`).join("\n")
      }\n} as const`,
    }],
  });
  generatedFile(project, "guids.ts", "Interface and class identifiers.", statements);
}
