/**
 * `vss providers`: the registered shadow copy providers.
 *
 * @module
 */

import { listProviders } from "../../mod.ts";
import type { Command } from "../command.ts";
import { table } from "../render.ts";

/** `vss providers`. */
export const providersCommand: Command = {
  name: "providers",
  summary: "list the registered shadow copy providers",
  usage: ["[options]"],
  description: ["Lists each provider's id, name, type (system, software, hardware) and version."],
  options: [],
  positionals: { min: 0, max: 0 },
  examples: [["providers", "The providers, one per line."], ["providers --json", "As JSON."]],
  async run(ctx) {
    const providers = await listProviders({ signal: ctx.signal });
    ctx.out.result({ providers }, () => {
      if (providers.length === 0) {
        ctx.out.line("No providers.");
        return;
      }
      ctx.out.line(
        table(
          ["ID", "TYPE", "VERSION", "NAME"],
          providers.map((p) => [p.id, p.type, p.version ?? "-", p.name ?? "-"]),
        ).join("\n"),
      );
    });
  },
};
