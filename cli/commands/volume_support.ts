/**
 * `vss volume-support`: whether a volume can be shadow copied and whether it
 * has shadow copies.
 *
 * @module
 */

import { isVolumeSnapshotted, isVolumeSupported } from "../../mod.ts";
import { VSS_SNAPSHOT_COMPATIBILITY } from "../../ffi/mod.ts";
import { providerOption } from "../args.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../errors.ts";
import { block, shortName, yesNo } from "../render.ts";
import { normalizeVolume } from "../volumes.ts";

/** `vss volume-support`. */
export const volumeSupportCommand: Command = {
  name: "volume-support",
  summary: "can a volume be shadow copied, and does it have shadow copies?",
  usage: ["VOLUME [--provider ID] [--check]"],
  description: [
    "Asks IsVolumeSupported (by any provider, or by --provider) and IsVolumeSnapshotted (whether " +
    "shadow copies of the volume exist, and which operations they restrict). With --check the " +
    "exit code is 5 when the volume is not supported.",
  ],
  options: [
    providerOption("Ask about this provider only."),
    {
      name: "check",
      kind: "boolean",
      description: "Exit with 5 when the volume is not supported.",
    },
  ],
  positionals: { min: 1, max: 1 },
  examples: [
    ["volume-support C:", "Whether C: can be shadow copied and has shadow copies."],
    ["volume-support D: --check --json", "JSON, and exit code 5 when D: is not supported."],
  ],
  async run(ctx) {
    const volume = normalizeVolume(ctx.opts.positionals[0]);
    const providerId = ctx.opts.guid("provider");
    const supported = await isVolumeSupported(volume, { providerId, signal: ctx.signal });
    const { snapshotsPresent, capability } = isVolumeSnapshotted(volume);
    const restrictions = Object.entries(VSS_SNAPSHOT_COMPATIBILITY)
      .filter(([, bit]) => (capability & bit) !== 0)
      .map(([name]) => shortName(name, "VSS_SC_"));
    ctx.out.result(
      {
        volume,
        providerId: providerId ?? null,
        supported,
        snapshotted: snapshotsPresent,
        capability,
        restrictions,
      },
      () =>
        ctx.out.line(block(volume, [
          ["supported", yesNo(supported)],
          ["has shadow copies", yesNo(snapshotsPresent)],
          ["restrictions", restrictions.join(", ") || "none"],
        ])),
    );
    return ctx.opts.flag("check") && !supported ? EXIT.storage : EXIT.ok;
  },
};
