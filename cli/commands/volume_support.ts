/**
 * `vss volume-support`: whether a volume can be shadow copied and whether it
 * has shadow copies.
 *
 * @module
 */

import { isVolumeSnapshotted, isVolumeSupported, VSS_SNAPSHOT_COMPATIBILITY } from "../../mod.ts";
import { normalizeVolume, parseGuid } from "../args.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../errors.ts";
import { fields } from "../output.ts";

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
    { name: "provider", kind: "string", value: "ID", description: "Ask about this provider only." },
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
    const providerText = ctx.opts.string("provider");
    const providerId = providerText === undefined
      ? undefined
      : parseGuid("--provider", providerText);
    const supported = await isVolumeSupported(volume, { providerId });
    const { snapshotsPresent, capability } = isVolumeSnapshotted(volume);
    const restrictions = Object.entries(VSS_SNAPSHOT_COMPATIBILITY)
      .filter(([, bit]) => (capability & bit) !== 0)
      .map(([name]) => name.replace(/^VSS_SC_/, "").toLowerCase());
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
        ctx.out.line(
          [
            volume,
            ...fields([
              ["supported", supported ? "yes" : "no"],
              ["has shadow copies", snapshotsPresent ? "yes" : "no"],
              ["restrictions", restrictions.join(", ") || "none"],
            ]),
          ].join("\n"),
        ),
    );
    return ctx.opts.flag("check") && !supported ? EXIT.storage : EXIT.ok;
  },
};
