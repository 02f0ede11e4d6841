/**
 * `vss list`: the shadow copies on the system.
 *
 * @module
 */

import { listShadowCopies, type ShadowCopy } from "../../mod.ts";
import { normalizeVolume, parseGuid } from "../args.ts";
import type { Command } from "../command.ts";
import { displayNameOf, guidNameOf, knownVolumes, sameVolume } from "../volumes.ts";
import { shadowCopyLines } from "./create.ts";

/** A listed shadow copy with the volume's usual name when known. */
export type ListedShadowCopy = ShadowCopy & { volumeDisplayName: string | null };

/** Every shadow copy (or one set, one id, one volume's), with display names. */
export async function listed(
  filter: { setId?: string; id?: string; volume?: string } = {},
): Promise<ListedShadowCopy[]> {
  const all = await listShadowCopies({ setId: filter.setId, id: filter.id });
  const volumes = knownVolumes();
  const names = filter.volume === undefined
    ? null
    : [filter.volume, guidNameOf(filter.volume, volumes)];
  return all
    .filter((s) =>
      names === null ||
      names.some((n) => sameVolume(s.originalVolumeName, n) || sameVolume(s.volume, n))
    )
    .map((s) => ({ ...s, volumeDisplayName: displayNameOf(s.originalVolumeName, volumes) }));
}

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
    {
      name: "set",
      kind: "string",
      value: "ID",
      description: "Only the shadow copies of this set.",
    },
    { name: "id", kind: "string", value: "ID", description: "Only this shadow copy." },
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
    const setText = ctx.opts.string("set");
    const idText = ctx.opts.string("id");
    const volumeText = ctx.opts.string("volume");
    const shadows = await listed({
      setId: setText === undefined ? undefined : parseGuid("--set", setText),
      id: idText === undefined ? undefined : parseGuid("--id", idText),
      volume: volumeText === undefined ? undefined : normalizeVolume(volumeText),
    });
    ctx.out.result({ shadowCopies: shadows }, () => {
      if (shadows.length === 0) {
        ctx.out.line("No shadow copies.");
        return;
      }
      const sets = new Map<string, ListedShadowCopy[]>();
      for (const s of shadows) sets.set(s.setId, [...(sets.get(s.setId) ?? []), s]);
      for (const [setId, members] of sets) {
        ctx.out.line(
          `Shadow copy set ${setId} (${members.length} shadow cop${
            members.length === 1 ? "y" : "ies"
          })`,
        );
        for (const s of members) {
          ctx.out.line(shadowCopyLines(s, s.volumeDisplayName ?? s.originalVolumeName).join("\n"));
        }
      }
      ctx.out.line(
        `${shadows.length} shadow cop${shadows.length === 1 ? "y" : "ies"} in ${sets.size} set(s).`,
      );
    });
  },
};
