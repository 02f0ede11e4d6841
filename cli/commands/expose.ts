/**
 * `vss expose` and `vss unexpose`: make a persistent shadow copy reachable at
 * a drive letter, a folder or a share, and take it back.
 *
 * @module
 */

import { exposeShadowCopy, unexposeShadowCopy } from "../../mod.ts";
import { parseGuid } from "../args.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";

/** `vss expose`. */
export const exposeCommand: Command = {
  name: "expose",
  summary: "expose a persistent shadow copy at a drive letter, folder or share",
  usage: ["SHADOW_ID TARGET", "SHADOW_ID --remote [SHARE] [--path-from-root PATH]"],
  description: [
    "Locally (the default) TARGET is a free drive letter (X:) or an empty folder on an NTFS " +
    "volume. With --remote the shadow copy becomes a file share named SHARE (VSS picks a name " +
    "when SHARE is left out), optionally of a folder inside it (--path-from-root). Only " +
    "persistent shadow copies can be exposed.",
  ],
  options: [
    { name: "remote", kind: "boolean", description: "Expose as a file share instead of locally." },
    {
      name: "path-from-root",
      kind: "string",
      value: "PATH",
      description: "With --remote: share this folder of the shadow copy instead of its root.",
    },
  ],
  positionals: { min: 1, max: 2 },
  examples: [
    ["expose 3c1b...-... X:", "Show a shadow copy as drive X:."],
    ["expose 3c1b...-... C:\\snapshots\\monday", "Mount it on an empty folder."],
    [
      "expose 3c1b...-... --remote Monday --path-from-root \\data",
      "Share its data folder as Monday.",
    ],
  ],
  check(opts) {
    const [idText, target] = opts.positionals;
    parseGuid("SHADOW_ID", idText);
    const remote = opts.flag("remote");
    if (!remote && target === undefined) {
      throw new UsageError(
        "expose needs a TARGET (a drive letter or an empty folder)",
        "Write `vss expose SHADOW_ID X:`, or use --remote for a share.",
      );
    }
    if (!remote && opts.has("path-from-root")) {
      throw new UsageError("--path-from-root applies to --remote only", "Add --remote or drop it.");
    }
  },
  async run(ctx) {
    const [idText, target] = ctx.opts.positionals;
    const id = parseGuid("SHADOW_ID", idText);
    const remote = ctx.opts.flag("remote");
    const pathFromRoot = ctx.opts.string("path-from-root");
    const exposedName = await exposeShadowCopy(id, {
      as: remote ? "share" : "local",
      at: target ?? null,
      pathFromRoot,
    }, { signal: ctx.signal });
    ctx.out.result(
      { id, exposedName, remote, pathFromRoot: pathFromRoot ?? null },
      () => ctx.out.line(`Shadow copy ${id} exposed as ${exposedName}`),
    );
  },
};

/** `vss unexpose`. */
export const unexposeCommand: Command = {
  name: "unexpose",
  summary: "stop exposing a shadow copy",
  usage: ["SHADOW_ID"],
  description: ["Removes the drive letter, mount folder or share of an exposed shadow copy."],
  options: [],
  positionals: { min: 1, max: 1 },
  examples: [["unexpose 3c1b...-...", "Take the drive letter away again."]],
  async run(ctx) {
    const id = parseGuid("SHADOW_ID", ctx.opts.positionals[0]);
    await unexposeShadowCopy(id, { signal: ctx.signal });
    ctx.out.result(
      { id, unexposed: true },
      () => ctx.out.line(`Shadow copy ${id} is no longer exposed.`),
    );
  },
};
