/**
 * `vss diff-areas`: shadow copy storage (diff areas) of the system provider:
 * list, add, resize, and the protection level of a volume.
 *
 * @module
 */

import { type DiffArea, diffAreaManagement, VSS_PROTECTION_FAULT } from "../../mod.ts";
import { normalizeVolume, type OptionSpec, parseGuid, parseSize, UNBOUNDED } from "../args.ts";
import type { Command, CommandGroup, Context } from "../command.ts";
import { UsageError } from "../errors.ts";
import { fields, formatBytes, table } from "../output.ts";

const providerOption: OptionSpec = {
  name: "provider",
  kind: "string",
  value: "ID",
  description: "A software provider other than the system provider.",
};

function provider(ctx: Context): { providerId?: string } {
  const text = ctx.opts.string("provider");
  return text === undefined ? {} : { providerId: parseGuid("--provider", text) };
}

function volumes(ctx: Context): string[] {
  return ctx.opts.positionals.map(normalizeVolume);
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

function maximum(ctx: Context, required: boolean): bigint {
  const text = ctx.opts.string("max");
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
});

/** A VSS_PROTECTION_FAULT value as a short name (`diff_area_full`). */
function faultName(fault: number): string {
  const name = Object.entries(VSS_PROTECTION_FAULT).find(([, v]) => v === fault)?.[0];
  return name ? name.replace(/^VSS_PROTECTION_FAULT_/, "").toLowerCase() : String(fault);
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
    providerOption,
  ],
  positionals: { min: 1, max: 1 },
  examples: [
    ["diff-areas list C:", "Where C:'s shadow copy data is kept and how big it may grow."],
    ["diff-areas list D: --on --json", "Diff areas stored on D:, as JSON."],
  ],
  run(ctx) {
    const [volume] = volumes(ctx);
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
  options: [maxOption("How big the diff area may grow (default unbounded)."), providerOption],
  positionals: { min: 2, max: 2 },
  examples: [[
    "diff-areas add C: D: --max 20GB",
    "Keep C:'s shadow copy data on D:, at most 20 GiB.",
  ]],
  run(ctx) {
    const [volume, storage] = volumes(ctx);
    const maximumBytes = maximum(ctx, false);
    diffAreaManagement.add(volume, storage, maximumBytes, provider(ctx));
    ctx.out.result(
      { volume, diffAreaVolume: storage, maximumBytes },
      () =>
        ctx.out.line(
          `Added a diff area for ${volume} on ${storage} (maximum ${formatBytes(maximumBytes)}).`,
        ),
    );
    return Promise.resolve();
  },
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
  options: [maxOption("The new maximum (KB, MB, GB, TB, bytes or unbounded)."), providerOption],
  positionals: { min: 2, max: 2 },
  examples: [
    ["diff-areas resize C: C: --max 50GB", "Let C:'s shadow copies use up to 50 GiB of C:."],
    ["diff-areas resize C: D: --max unbounded", "Lift the limit of C:'s diff area on D:."],
  ],
  run(ctx) {
    const [volume, storage] = volumes(ctx);
    const maximumBytes = maximum(ctx, true);
    diffAreaManagement.changeMaximumSize(volume, storage, maximumBytes, provider(ctx));
    ctx.out.result(
      { volume, diffAreaVolume: storage, maximumBytes },
      () =>
        ctx.out.line(
          `The diff area for ${volume} on ${storage} may now grow to ${formatBytes(maximumBytes)}.`,
        ),
    );
    return Promise.resolve();
  },
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
      choices: ["original-volume", "snapshot"],
      description: "Set the protection level.",
    },
    providerOption,
  ],
  positionals: { min: 1, max: 1 },
  examples: [
    ["diff-areas protection C:", "C:'s protection level and fault state."],
    ["diff-areas protection C: --set snapshot", "Protect C:'s shadow copies over the volume."],
  ],
  run(ctx) {
    const [volume] = volumes(ctx);
    const level = ctx.opts.string("set") as "original-volume" | "snapshot" | undefined;
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
      ctx.out.line(
        [
          volume,
          ...fields([
            ["protection level", value.level],
            ["offline", value.offline ? "yes" : "no"],
            [
              "fault",
              value.fault
                ? `${value.fault} (0x${value.failureStatus.toString(16).padStart(8, "0")})`
                : "none",
            ],
            ["unused diff area", value.hasUnusedDiffArea ? "yes" : "no"],
          ]),
        ].join("\n"),
      ));
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
