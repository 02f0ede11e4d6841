/**
 * `vss delete`: delete one shadow copy, a set, all of them, or a volume's oldest.
 *
 * @module
 */

import { deleteShadowCopies, type DeleteTarget, listShadowCopies } from "../../mod.ts";
import { guidOption } from "../args.ts";
import { type Command, type Context, exclusive } from "../command.ts";
import { EXIT, InterruptedError } from "../errors.ts";
import { confirm } from "../prompt.ts";
import { shadowCopies } from "../render.ts";
import { volumeOption } from "../volumes.ts";

/**
 * Whether to go on with `--all`: false when there is nothing to delete;
 * asks unless `--yes` (a declined question is an {@linkcode InterruptedError}).
 */
async function confirmAll(ctx: Context): Promise<boolean> {
  const count = (await listShadowCopies({ signal: ctx.signal })).length;
  if (count === 0) return false;
  if (
    !ctx.opts.flag("yes") && !(await confirm(`Delete all ${shadowCopies(count)} on this system?`))
  ) {
    throw new InterruptedError(
      "deletion not confirmed",
      "Nothing was deleted; pass --yes to skip the question.",
    );
  }
  return true;
}

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
    guidOption("id", "Delete this shadow copy."),
    guidOption("set", "Delete every shadow copy of this set."),
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
  check(opts) {
    exclusive({ opts }, ["id", "set", "all", "oldest"], true);
  },
  async run(ctx) {
    const which = exclusive(ctx, ["id", "set", "all", "oldest"], true);
    const target: DeleteTarget = which === "id"
      ? { id: ctx.opts.guid("id")! }
      : which === "set"
      ? { setId: ctx.opts.guid("set")! }
      : which === "oldest"
      ? { oldest: volumeOption(ctx.opts, "oldest")! }
      : { all: true };
    if ("all" in target && !(await confirmAll(ctx))) {
      ctx.out.result({ target, deleted: 0 }, () => ctx.out.line("No shadow copies to delete."));
      return EXIT.ok;
    }
    const deleted = await deleteShadowCopies(target, { signal: ctx.signal });
    ctx.out.result({ target, deleted }, () => {
      ctx.out.line(
        deleted > 0
          ? `Deleted ${shadowCopies(deleted)}.`
          : "oldest" in target
          ? `${target.oldest} has no shadow copies; nothing was deleted.`
          : "No shadow copy matched; nothing was deleted.",
      );
    });
  },
};
