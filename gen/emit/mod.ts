/**
 * Renders every generated file: the JSON model and the TypeScript emitted
 * with ts-morph, formatted by `deno fmt` so the output is byte-stable.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { StructureKind } from "ts-morph";
import type { AbiModel } from "../model.ts";
import { generatedFile, memoryProject } from "./source_file.ts";
import { emitEnums } from "./enums.ts";
import { emitStructs } from "./structs.ts";
import { emitVtables } from "./vtables.ts";
import { emitFunctions } from "./functions.ts";
import { emitGuids } from "./guids.ts";
import { emitHresults } from "./hresults.ts";
import { emitWrappers } from "./wrappers.ts";
import { renderCHeader } from "./c_header.ts";
import { renderCHresults } from "./c_hresults.ts";
import { renderThunksC, renderThunksTs } from "./thunks.ts";

const configPath = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** Formats TypeScript sources with the project's `deno fmt` settings, in one process. */
async function denoFmt(sources: Map<string, string>): Promise<Map<string, string>> {
  const dir = await Deno.makeTempDir({ prefix: "vss-gen-" });
  try {
    for (const [name, text] of sources) await Deno.writeTextFile(`${dir}/${name}`, text);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "fmt",
        "--quiet",
        "--config",
        configPath,
        ...[...sources.keys()].map((n) => `${dir}/${n}`),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
    const formatted = new Map<string, string>();
    for (const name of sources.keys()) {
      formatted.set(name, await Deno.readTextFile(`${dir}/${name}`));
    }
    return formatted;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** All generated files, by path inside the project. */
export async function renderOutputs(abi: AbiModel): Promise<Map<string, string>> {
  const project = memoryProject();
  emitEnums(project, abi);
  emitStructs(project, abi);
  emitVtables(project, abi);
  emitFunctions(project, abi);
  emitGuids(project, abi);
  emitHresults(project, abi);
  emitWrappers(project, abi);
  generatedFile(
    project,
    "mod.ts",
    "The generated VSS ABI: enums, struct layouts, vtables, functions, GUIDs and HRESULTs.",
    project.getSourceFiles().map((f) => ({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: `./${f.getBaseName()}`,
      // Vtable tables share their names with the wrapper classes.
      namespaceExport: f.getBaseName() === "vtables.ts" ? "vtables" : undefined,
    })),
  );
  const sources = new Map(project.getSourceFiles().map((f) => [f.getBaseName(), f.getFullText()]));
  sources.set("abi.json", JSON.stringify(abi, null, 2) + "\n");
  sources.set("thunks.ts", renderThunksTs(abi));
  const files = await denoFmt(sources);
  const out = new Map<string, string>();
  for (const [name, text] of files) out.set(`ffi/generated/${name}`, text);
  out.set("simulator/generated/vss_abi.h", renderCHeader(abi));
  out.set("simulator/generated/hresults.h", renderCHresults(abi));
  out.set("thunks/generated/vss_thunks.c", renderThunksC(abi));
  return new Map([...out].sort(([a], [b]) => a < b ? -1 : 1));
}
