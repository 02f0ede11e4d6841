/**
 * `vss import`: import transportable shadow copies from a saved backup
 * components document.
 *
 * @module
 */

import { createBackupComponents, explain, openVss, settle } from "../../mod.ts";
import type { Command } from "../command.ts";
import { readInput } from "../files.ts";
import { listed } from "./list.ts";

/**
 * ImportSnapshots on a session initialised for backup with the document, as
 * the import sequence requires. (The requester API's `importShadowCopies`
 * initialises for restore, which VSS refuses with VSS_E_BAD_STATE.)
 */
async function importDocument(document: string, signal: AbortSignal): Promise<void> {
  using backup = createBackupComponents(openVss());
  let step = "InitializeForBackup";
  try {
    backup.InitializeForBackup(document);
    step = "ImportSnapshots";
    const op = backup.ImportSnapshots().ppAsync;
    if (op === null) return;
    try {
      await settle(op, { operation: step, interfaceName: "IVssBackupComponents", signal });
    } finally {
      op.release();
    }
  } catch (error) {
    throw explain(error, step);
  }
}

/** `vss import`. */
export const importCommand: Command = {
  name: "import",
  summary: "import transportable shadow copies described by a saved document",
  usage: ["FILE"],
  description: [
    "Reads a backup components document written by `vss create --save-document` for a " +
    "transportable shadow copy set (typically created on another machine) and imports its " +
    "shadow copies here (ImportSnapshots). Prints the shadow copies that appeared.",
  ],
  options: [],
  positionals: { min: 1, max: 1 },
  examples: [["import D:\\transport\\set.xml", "Import the set the document describes."]],
  async run(ctx) {
    const file = ctx.opts.positionals[0];
    const document = await readInput(file);
    const before = new Set((await listed()).map((s) => s.id));
    const progress = ctx.out.progress();
    progress.step(`importing shadow copies from ${file}`);
    await importDocument(document, ctx.signal);
    const imported = (await listed()).filter((s) => !before.has(s.id));
    ctx.out.result({ file, imported }, () => {
      ctx.out.line(`Imported ${imported.length} shadow cop${imported.length === 1 ? "y" : "ies"}.`);
      for (const s of imported) ctx.out.line(`  ${s.id}  ${s.devicePath}`);
    });
  },
};
