/**
 * `vss diff-areas`: shadow copy storage (diff areas) of the system provider:
 * list, add, resize, and the protection level of a volume.
 *
 * @module
 */

import { formatHresult } from "../../ffi/hresult.ts";
import { type DiffArea, diffAreaManagement } from "../../mod.ts";
import { VSS_PROTECTION_FAULT } from "../../ffi/mod.ts";
import { type Options, type OptionSpec, parseSize, providerOption, UNBOUNDED } from "../args.ts";
import type { Command, CommandGroup, Context } from "../command.ts";
import { UsageError } from "../errors.ts";
import { block, formatBytes, shortName, table, yesNo } from "../render.ts";
import { volumeArguments } from "../volumes.ts";

/** The protection levels `diff-areas protection --set` takes. */
const PROTECTION_LEVELS = ["original-volume", "snapshot"] as const;

const otherProvider = providerOption("A software provider other than the system provider.");

function provider(ctx: Context): { providerId?: string } {
  const providerId = ctx.opts.guid("provider");
  return providerId === undefined ? {} : { providerId };
}

function diffAreaLines(areas: readonly DiffArea[]): string[] {
  return table(
    ["VOLUME", "STORAGE ON", "MAXIMUM", "ALLOCATED", "USED"],
    areas.map((a) => [
      a.volume,
      a.diffAreaVolume,
      formatBytes(a.maximumBytes),
      formatBytes(a.allocatedBytes),
      formatBytes(a.usedBytes),
    ]),
  );
}

function maximum(opts: Options, required: boolean): bigint {
  const text = opts.string("max");
  if (text === undefined) {
    if (required) {
      throw new UsageError("--max SIZE is required", "Write --max 10GB (or unbounded).");
    }
    return UNBOUNDED;
  }
  return parseSize("--max", text);
}

const maxOption = (description: string): OptionSpec => ({
  name: "max",
  kind: "string",
  value: "SIZE",
  description,
  parse: (text) => parseSize("--max", text),
});

/** A VSS_PROTECTION_FAULT value as a short name (`diff_area_full`). */
function faultName(fault: number): string {
  const name = Object.entries(VSS_PROTECTION_FAULT).find(([, v]) => v === fault)?.[0];
  return name ? shortName(name, "VSS_PROTECTION_FAULT_") : String(fault);
}

/**
 * `diff-areas add` and `resize`: VOLUME STORAGE_VOLUME and `--max`, handed to
 * `change`; the result line is `done(volume, storage, size)`.
 */
function setMaximum(
  ctx: Context,
  required: boolean,
  change: (volume: string, storage: string, maximumBytes: bigint) => void,
  done: (volume: string, storage: string, size: string) => string,
): Promise<void> {
  const [volume, storage] = volumeArguments(ctx.opts);
  const maximumBytes = maximum(ctx.opts, required);
  change(volume, storage, maximumBytes);
  ctx.out.result(
    { volume, diffAreaVolume: storage, maximumBytes },
    () => ctx.out.line(done(volume, storage, formatBytes(maximumBytes))),
  );
  return Promise.resolve();
}

/** `vss diff-areas list`. */
export const diffAreasListCommand: Command = {
  name: "diff-areas list",
  summary: "the shadow copy storage of a volume (or stored on a volume)",
  usage: ["VOLUME [--on] [--provider ID]"],
  description: [
    "Lists the diff areas holding VOLUME's shadow copy data, or with --on the diff areas that " +
    "reside on VOLUME, with their maximum, allocated and used sizes.",
  ],
  options: [
    { name: "on", kind: "boolean", description: "The diff areas residing on VOLUME instead." },
    otherProvider,
  ],
  positionals: { min: 1, max: 1 },
  examples: [
    ["diff-areas list C:", "Where C:'s shadow copy data is kept and how big it may grow."],
    ["diff-areas list D: --on --json", "Diff areas stored on D:, as JSON."],
  ],
  run(ctx) {
    const [volume] = volumeArguments(ctx.opts);
    const on = ctx.opts.flag("on");
    const areas = on
      ? diffAreaManagement.onVolume(volume, provider(ctx))
      : diffAreaManagement.forVolume(volume, provider(ctx));
    ctx.out.result({ volume, on, diffAreas: areas }, () => {
      if (areas.length === 0) ctx.out.line(`No diff areas ${on ? "on" : "for"} ${volume}.`);
      else ctx.out.line(diffAreaLines(areas).join("\n"));
    });
    return Promise.resolve();
  },
};

/** `vss diff-areas add`. */
export const diffAreasAddCommand: Command = {
  name: "diff-areas add",
  summary: "keep a volume's shadow copy data on another (or the same) volume",
  usage: ["VOLUME STORAGE_VOLUME [--max SIZE] [--provider ID]"],
  description: [
    "Adds a diff area for VOLUME on STORAGE_VOLUME. SIZE takes KB, MB, GB or TB (powers of " +
    "1024), plain bytes, or `unbounded` (the default).",
  ],
  options: [maxOption("How big the diff area may grow (default unbounded)."), otherProvider],
  positionals: { min: 2, max: 2 },
  examples: [[
    "diff-areas add C: D: --max 20GB",
    "Keep C:'s shadow copy data on D:, at most 20 GiB.",
  ]],
  run: (ctx) =>
    setMaximum(
      ctx,
      false,
      (volume, storage, max) => diffAreaManagement.add(volume, storage, max, provider(ctx)),
      (volume, storage, size) => `Added a diff area for ${volume} on ${storage} (maximum ${size}).`,
    ),
};

/** `vss diff-areas resize`. */
export const diffAreasResizeCommand: Command = {
  name: "diff-areas resize",
  summary: "change how big a diff area may grow",
  usage: ["VOLUME STORAGE_VOLUME --max SIZE [--provider ID]"],
  description: [
    "Changes the maximum size of the diff area for VOLUME on STORAGE_VOLUME. Shrinking below the " +
    "space in use deletes old shadow copies when VSS next needs room; 0 removes an unused diff area.",
  ],
  options: [maxOption("The new maximum (KB, MB, GB, TB, bytes or unbounded)."), otherProvider],
  positionals: { min: 2, max: 2 },
  check: (opts) => void maximum(opts, true),
  examples: [
    ["diff-areas resize C: C: --max 50GB", "Let C:'s shadow copies use up to 50 GiB of C:."],
    ["diff-areas resize C: D: --max unbounded", "Lift the limit of C:'s diff area on D:."],
  ],
  run: (ctx) =>
    setMaximum(
      ctx,
      true,
      (volume, storage, max) =>
        diffAreaManagement.changeMaximumSize(volume, storage, max, provider(ctx)),
      (volume, storage, size) =>
        `The diff area for ${volume} on ${storage} may now grow to ${size}.`,
    ),
};

/** `vss diff-areas protection`. */
export const diffAreasProtectionCommand: Command = {
  name: "diff-areas protection",
  summary: "get or set a volume's shadow copy protection level",
  usage: ["VOLUME [--set original-volume|snapshot] [--provider ID]"],
  description: [
    "Shows the protection level of VOLUME and whether a protection fault took it offline. With " +
    "--set: original-volume (the default: shadow copies are dropped when their storage runs " +
    "out) or snapshot (the volume goes offline instead, keeping the shadow copies).",
  ],
  options: [
    {
      name: "set",
      kind: "string",
      choices: PROTECTION_LEVELS,
      description: "Set the protection level.",
    },
    otherProvider,
  ],
  positionals: { min: 1, max: 1 },
  examples: [
    ["diff-areas protection C:", "C:'s protection level and fault state."],
    ["diff-areas protection C: --set snapshot", "Protect C:'s shadow copies over the volume."],
  ],
  run(ctx) {
    const [volume] = volumeArguments(ctx.opts);
    const level = ctx.opts.choice("set", PROTECTION_LEVELS);
    if (level !== undefined) diffAreaManagement.setProtection(volume, level, provider(ctx));
    const p = diffAreaManagement.protection(volume, provider(ctx));
    const value = {
      volume,
      level: p.level,
      offline: Boolean(p.offline),
      fault: p.fault === 0 ? null : faultName(p.fault),
      failureStatus: p.failureStatus,
      hasUnusedDiffArea: Boolean(p.hasUnusedDiffArea),
      changed: level !== undefined,
    };
    ctx.out.result(value, () =>
      ctx.out.line(block(volume, [
        ["protection level", value.level],
        ["offline", yesNo(value.offline)],
        ["fault", value.fault ? `${value.fault} (${formatHresult(value.failureStatus)})` : "none"],
        ["unused diff area", yesNo(value.hasUnusedDiffArea)],
      ])));
    return Promise.resolve();
  },
};

/** `vss diff-areas`. */
export const diffAreasGroup: CommandGroup = {
  name: "diff-areas",
  summary: "manage shadow copy storage (diff areas) and protection levels",
  description: [
    "Diff areas hold the blocks a software provider preserves for its shadow copies; their " +
    "maximum size bounds how many shadow copies a volume keeps.",
  ],
  commands: [
    diffAreasListCommand,
    diffAreasAddCommand,
    diffAreasResizeCommand,
    diffAreasProtectionCommand,
  ],
};
