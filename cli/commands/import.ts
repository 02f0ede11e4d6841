/**
 * `vss import`: import transportable shadow copies from a saved backup
 * components document.
 *
 * @module
 */

import { importShadowCopies } from "../../mod.ts";
import type { Command } from "../command.ts";
import { deadlinesFrom, timeoutOptions } from "../deadlines.ts";
import { readInput } from "../files.ts";
import { shadowCopies } from "../render.ts";

/** `vss import`. */
export const importCommand: Command = {
  name: "import",
  summary: "import transportable shadow copies described by a saved document",
  usage: ["FILE [--timeout DURATION]"],
  description: [
    "Reads a backup components document written by `vss create --save-document` for a " +
    "transportable shadow copy set (typically created on another machine) and imports its " +
    "shadow copies here (ImportSnapshots). Prints the shadow copies that appeared.",
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
    });
    ctx.out.result({ file, imported }, () => {
      ctx.out.line(`Imported ${shadowCopies(imported.length)}.`);
      for (const s of imported) ctx.out.line(`  ${s.id}  ${s.devicePath}`);
    });
  },
};
