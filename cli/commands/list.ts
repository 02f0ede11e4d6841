/**
 * `vss list`: the shadow copies on the system.
 *
 * @module
 */

import { listShadowCopies, type ShadowCopy } from "../../mod.ts";
import { guidOption } from "../args.ts";
import type { Command } from "../command.ts";
import { shadowCopies, shadowCopyLines } from "../render.ts";
import { volumeOption } from "../volumes.ts";

/** `vss list`. */
export const listCommand: Command = {
  name: "list",
  summary: "list shadow copies (all, one set, one id, or one volume's)",
  usage: ["[--set ID | --id ID] [--volume VOLUME] [options]"],
  description: [
    "Lists the shadow copies of every context, grouped by set: id, device path, original " +
    "volume, creation time, attributes, provider and where it is exposed.",
  ],
  options: [
    guidOption("set", "Only the shadow copies of this set."),
    guidOption("id", "Only this shadow copy."),
    {
      name: "volume",
      kind: "string",
      value: "VOLUME",
      description: "Only shadow copies of this volume (C: or \\\\?\\Volume{...}\\).",
    },
  ],
  positionals: { min: 0, max: 0 },
  examples: [
    ["list", "Every shadow copy, grouped by set."],
    ["list --set 7a1f...-...", "The shadow copies of one set."],
    ["list --volume C: --json", "C:'s shadow copies as JSON."],
  ],
  async run(ctx) {
    const shadows = await listShadowCopies({
      setId: ctx.opts.guid("set"),
      id: ctx.opts.guid("id"),
      volume: volumeOption(ctx.opts, "volume"),
      signal: ctx.signal,
    });
    ctx.out.result({ shadowCopies: shadows }, () => {
      if (shadows.length === 0) {
        ctx.out.line("No shadow copies.");
        return;
      }
      const sets = new Map<string, ShadowCopy[]>();
      for (const s of shadows) sets.set(s.setId, [...(sets.get(s.setId) ?? []), s]);
      for (const [setId, members] of sets) {
        ctx.out.line(`Shadow copy set ${setId} (${shadowCopies(members.length)})`);
        for (const s of members) {
          ctx.out.line(shadowCopyLines(s, s.volumeDisplayName ?? s.originalVolumeName).join("\n"));
        }
      }
      ctx.out.line(`${shadowCopies(shadows.length)} in ${sets.size} set(s).`);
    });
  },
};
