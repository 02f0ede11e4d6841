/**
 * `vss import`: import transportable shadow copies from a saved backup
 * components document.
 *
 * @module
 */

import { HRESULT, importShadowCopies, VssError } from "../../mod.ts";
import type { Command, Context } from "../command.ts";
import { deadlinesFrom, timeoutOptions } from "../deadlines.ts";
import { CliError, EXIT, simulatorHardwareHint } from "../errors.ts";
import { readInput } from "../files.ts";
import { shadowCopies } from "../render.ts";

/**
 * What an ImportSnapshots failure means for the document `file`: a document
 * without a transportable set (VSS_E_BAD_STATE, its page's code for a call
 * out of sequence; simulator/README.md "Providers"), or a set whose hardware
 * provider is not registered here (VSS_E_PROVIDER_NOT_REGISTERED). Other
 * errors pass unchanged.
 */
function importFailure(ctx: Context, error: unknown, file: string): unknown {
  // The IVssAsync of ImportSnapshots reports these (its Wait or QueryStatus names itself).
  const code = error instanceof VssError ? error.code : null;
  const simulator = simulatorHardwareHint(ctx.runtime.loaded.kind);
  if (code === HRESULT.VSS_E_BAD_STATE) {
    return new CliError(
      `cannot import ${file}: ImportSnapshots refused it (VSS_E_BAD_STATE); the document ` +
        "describes no transportable shadow copy set",
      "Import the document of a transportable set (`vss create VOLUME --transportable " +
        "--persistent --save-document FILE`, made by a hardware provider); an ordinary " +
        "backup's document cannot be imported.",
      EXIT.vss,
      { cause: error, details: { file } },
    );
  }
  if (code === HRESULT.VSS_E_PROVIDER_NOT_REGISTERED) {
    return new CliError(
      `cannot import ${file}: the hardware provider that made the set is not registered here ` +
        "(VSS_E_PROVIDER_NOT_REGISTERED)",
      "Install the storage vendor's hardware provider on this machine (`vss providers` lists " +
        `the registered ones).${simulator ? ` ${simulator}` : ""}`,
      EXIT.vss,
      { cause: error, details: { file } },
    );
  }
  return error;
}

/** `vss import`. */
export const importCommand: Command = {
  name: "import",
  summary: "import transportable shadow copies described by a saved document",
  usage: ["FILE [--timeout DURATION]"],
  description: [
    "Reads a backup components document written by `vss create --save-document` for a " +
    "transportable shadow copy set (typically created on another machine) and imports its " +
    "shadow copies here (ImportSnapshots). Prints the shadow copies that appeared; a set " +
    "imported before brings none. The hardware provider that made the set must be registered " +
    "here (`vss providers`); `vss break --set ID` then turns them into ordinary volumes.",
  ],
  options: timeoutOptions(["import"], "Deadline for ImportSnapshots (default 5m)."),
  positionals: { min: 1, max: 1 },
  examples: [["import D:\\transport\\set.xml", "Import the set the document describes."]],
  async run(ctx) {
    const file = ctx.opts.positionals[0];
    const document = await readInput(file);
    const progress = ctx.out.progress();
    progress.step(`importing shadow copies from ${file}`);
    const imported = await importShadowCopies(document, {
      signal: ctx.signal,
      deadlines: deadlinesFrom(ctx.opts, ["import"]),
    }).catch((error) => {
      throw importFailure(ctx, error, file);
    });
    ctx.out.result({ file, imported }, () => {
      ctx.out.line(`Imported ${shadowCopies(imported.length)}.`);
      for (const s of imported) ctx.out.line(`  ${s.id}  ${s.devicePath}`);
    });
  },
};
