/**
 * `vss delete`: delete one shadow copy, a set, all of them, or a volume's oldest.
 *
 * @module
 */

import { deleteShadowCopies, type DeleteTarget } from "../../mod.ts";
import { normalizeVolume, parseGuid } from "../args.ts";
import { type Command, exclusive } from "../command.ts";
import { EXIT, InterruptedError } from "../errors.ts";
import { confirm } from "../prompt.ts";
import { listed } from "./list.ts";

/** `vss delete`. */
export const deleteCommand: Command = {
  name: "delete",
  summary: "delete shadow copies: by id, by set, all, or the oldest of a volume",
  usage: ["--id ID | --set ID | --all [--yes] | --oldest VOLUME"],
  description: [
    "Deletes shadow copies of any context. --all asks for confirmation on the terminal (or reads " +
    "the answer from standard input) unless --yes is given; a declined confirmation exits with 7 " +
    "and deletes nothing.",
  ],
  options: [
    { name: "id", kind: "string", value: "ID", description: "Delete this shadow copy." },
    {
      name: "set",
      kind: "string",
      value: "ID",
      description: "Delete every shadow copy of this set.",
    },
    { name: "all", kind: "boolean", description: "Delete every shadow copy on the system." },
    {
      name: "oldest",
      kind: "string",
      value: "VOLUME",
      description: "Delete the oldest shadow copy of VOLUME.",
    },
    { name: "yes", short: "y", kind: "boolean", description: "Do not ask for confirmation." },
  ],
  positionals: { min: 0, max: 0 },
  examples: [
    ["delete --id 3c1b...-...", "Delete one shadow copy."],
    ["delete --set 7a1f...-...", "Delete a whole set."],
    ["delete --all --yes", "Delete every shadow copy without asking."],
    ["delete --oldest D:", "Make room on D: by deleting its oldest shadow copy."],
  ],
  async run(ctx) {
    const which = exclusive(ctx, ["id", "set", "all", "oldest"], true);
    let target: DeleteTarget;
    let described: Record<string, unknown>;
    if (which === "id") {
      const id = parseGuid("--id", ctx.opts.string("id")!);
      target = { id };
      described = { id };
    } else if (which === "set") {
      const setId = parseGuid("--set", ctx.opts.string("set")!);
      target = { setId };
      described = { setId };
    } else if (which === "oldest") {
      // Chosen here rather than with { oldest }: VSS reports volumes by GUID
      // name (or, for directory volumes, by path), which needs resolving.
      const volume = normalizeVolume(ctx.opts.string("oldest")!);
      described = { oldest: volume };
      const copies = (await listed({ volume })).sort((a, b) =>
        a.createdAtTicks < b.createdAtTicks ? -1 : a.createdAtTicks > b.createdAtTicks ? 1 : 0
      );
      if (copies.length === 0) {
        ctx.out.result(
          { target: described, deleted: 0 },
          () => ctx.out.line(`${volume} has no shadow copies; nothing was deleted.`),
        );
        return EXIT.ok;
      }
      target = { id: copies[0].id };
      described = { oldest: volume, id: copies[0].id };
    } else {
      target = { all: true };
      described = { all: true };
      const count = (await listed()).length;
      if (count === 0) {
        ctx.out.result(
          { target: described, deleted: 0 },
          () => ctx.out.line("No shadow copies to delete."),
        );
        return EXIT.ok;
      }
      if (
        !ctx.opts.flag("yes") &&
        !(await confirm(
          `Delete all ${count} shadow cop${count === 1 ? "y" : "ies"} on this system?`,
        ))
      ) {
        throw new InterruptedError(
          "deletion not confirmed",
          "Nothing was deleted; pass --yes to skip the question.",
        );
      }
    }
    const deleted = await deleteShadowCopies(target);
    ctx.out.result({ target: described, deleted }, () => {
      ctx.out.line(
        deleted === 0
          ? "No shadow copy matched; nothing was deleted."
          : `Deleted ${deleted} shadow cop${deleted === 1 ? "y" : "ies"}.`,
      );
    });
  },
};
