/**
 * `vss break` and `vss revert`: turn a shadow copy set into ordinary volumes,
 * or roll a volume back to a shadow copy.
 *
 * @module
 */

import { breakShadowCopySet, revertToShadowCopy } from "../../mod.ts";
import { VSS_HARDWARE_OPTIONS } from "../../ffi/mod.ts";
import { guidOption, type Options, parseGuid, parseWholeNumber } from "../args.ts";
import type { Command } from "../command.ts";
import { deadlinesFrom, timeoutOptions } from "../deadlines.ts";
import { InterruptedError, UsageError } from "../errors.ts";
import { confirm } from "../prompt.ts";

/** The set `break` names, by `--set ID` or as its argument (once). */
function breakSetId(opts: Options): string {
  const given = opts.string("set");
  const positional = opts.positionals[0];
  if (given !== undefined && positional !== undefined) {
    throw new UsageError("give the set id once", "Write `vss break --set ID`.");
  }
  const text = given ?? positional;
  if (text === undefined) {
    throw new UsageError("break needs --set ID", "Write `vss break --set ID`.");
  }
  return parseGuid("--set", text);
}

/** `--flags`: raw VSS_HARDWARE_OPTIONS bits (a DWORD). */
function parseFlags(text: string): number {
  return parseWholeNumber("--flags", text, 0, 0xffffffff);
}

const H = VSS_HARDWARE_OPTIONS;

/** `vss break`. */
export const breakCommand: Command = {
  name: "break",
  summary: "break a shadow copy set: its shadow copies become ordinary volumes",
  usage: ["--set ID [--make-read-write] [--mask-luns] [--revert-identity all|none] [--flags N]"],
  description: [
    "Takes a set out of VSS's control; its shadow copies stay as plain volumes (read-only unless " +
    "--make-read-write). Any extended flag uses BreakSnapshotSetEx (transportable hardware " +
    "shadow copies); without one BreakSnapshotSet is called.",
  ],
  options: [
    guidOption("set", "The shadow copy set to break."),
    { name: "make-read-write", kind: "boolean", description: "Make the volumes read-write." },
    {
      name: "mask-luns",
      kind: "boolean",
      description: "Mask the shadow copy LUNs from this computer.",
    },
    {
      name: "revert-identity",
      kind: "string",
      choices: ["all", "none"],
      description: "Give the disks their original identity back (all), or keep new ones (none).",
    },
    {
      name: "flags",
      kind: "string",
      value: "N",
      description: "Raw VSS_HARDWARE_OPTIONS bits, or-ed with the flags above.",
      parse: parseFlags,
    },
    ...timeoutOptions(["breakSet"], "Deadline for BreakSnapshotSetEx (default 5m)."),
  ],
  positionals: { min: 0, max: 1 },
  examples: [
    ["break --set 7a1f...-...", "Break a set (BreakSnapshotSet)."],
    [
      "break --set 7a1f...-... --make-read-write",
      "Break it into read-write volumes (BreakSnapshotSetEx).",
    ],
  ],
  check: (opts) => void breakSetId(opts),
  async run(ctx) {
    const setId = breakSetId(ctx.opts);
    let flags: number | undefined;
    const raw = ctx.opts.string("flags");
    if (raw !== undefined) {
      flags = parseFlags(raw);
    }
    const bit = (on: boolean, value: number) => (on ? value : 0);
    const extended = bit(ctx.opts.flag("make-read-write"), H.VSS_BREAKEX_FLAG_MAKE_READ_WRITE) |
      bit(ctx.opts.flag("mask-luns"), H.VSS_BREAKEX_FLAG_MASK_LUNS) |
      bit(ctx.opts.string("revert-identity") === "all", H.VSS_BREAKEX_FLAG_REVERT_IDENTITY_ALL) |
      bit(ctx.opts.string("revert-identity") === "none", H.VSS_BREAKEX_FLAG_REVERT_IDENTITY_NONE);
    if (extended !== 0) flags = (flags ?? 0) | extended;
    const progress = ctx.out.progress();
    progress.step(`breaking shadow copy set ${setId}`);
    await breakShadowCopySet(setId, {
      flags,
      signal: ctx.signal,
      deadlines: deadlinesFrom(ctx.opts, ["breakSet"]),
    });
    ctx.out.result(
      { setId, extended: flags !== undefined, flags: flags ?? null },
      () =>
        ctx.out.line(
          `Shadow copy set ${setId} was broken; its shadow copies are ordinary volumes now.`,
        ),
    );
  },
};

/** `vss revert`. */
export const revertCommand: Command = {
  name: "revert",
  summary: "revert a volume to one of its shadow copies (destroys later changes)",
  usage: ["SHADOW_ID [--force-dismount] [--yes]"],
  description: [
    "Rolls the shadow copy's original volume back to the moment of the shadow copy; everything " +
    "written since is lost and the shadow copy is used up. Asks for confirmation unless --yes; " +
    "a declined confirmation exits with 7. Needs a persistent shadow copy (app-rollback context).",
  ],
  options: [
    {
      name: "force-dismount",
      kind: "boolean",
      description: "Dismount the volume even when files on it are open.",
    },
    { name: "yes", short: "y", kind: "boolean", description: "Do not ask for confirmation." },
  ],
  positionals: { min: 1, max: 1 },
  examples: [["revert 3c1b...-... --yes", "Revert without asking."]],
  async run(ctx) {
    const id = parseGuid("SHADOW_ID", ctx.opts.positionals[0]);
    if (
      !ctx.opts.flag("yes") &&
      !(await confirm(`Revert the volume of shadow copy ${id}? Changes made since are lost.`))
    ) {
      throw new InterruptedError(
        "revert not confirmed",
        "Nothing was changed; pass --yes to skip the question.",
      );
    }
    const forceDismount = ctx.opts.flag("force-dismount");
    await revertToShadowCopy(id, { forceDismount, signal: ctx.signal });
    ctx.out.result(
      { id, reverted: true, forceDismount },
      () => ctx.out.line(`The volume of shadow copy ${id} is being reverted.`),
    );
  },
};
