/**
 * `vss writers metadata` and `vss writers status`: what the system's writers
 * declare and how they are.
 *
 * @module
 */

import { getWriters, type WriterMetadata } from "../../mod.ts";
import { parseWriterSelector } from "../args.ts";
import type { Command, CommandGroup, Context } from "../command.ts";
import { type DeadlinePhase, deadlinesFrom, timeoutOptions } from "../deadlines.ts";
import { EXIT } from "../errors.ts";
import { block, fileSpecText, shortName, writerStatusLines } from "../render.ts";

/** The two gathers `getWriters` makes, each with its deadline. */
const DEADLINES: readonly DeadlinePhase[] = ["gatherMetadata", "writerStatus"];

async function gather(ctx: Context) {
  const progress = ctx.out.progress();
  progress.step("gathering writer metadata and status");
  const result = await getWriters({
    deadlines: deadlinesFrom(ctx.opts, DEADLINES),
    signal: ctx.signal,
  });
  progress.stop();
  return result;
}

function selected(ctx: Context, writers: WriterMetadata[]): WriterMetadata[] {
  const selectors = ctx.opts.list("writer").flatMap(parseWriterSelector);
  if (selectors.length === 0) return writers;
  return writers.filter((w) =>
    selectors.some((s) =>
      (s.name === undefined || s.name.toLowerCase() === w.name.toLowerCase()) &&
      (s.classId === undefined || s.classId === w.writerId) &&
      (s.instanceId === undefined || s.instanceId === w.instanceId) &&
      (s.componentPath === undefined ||
        w.components.some((c) =>
          (c.logicalPath ? `${c.logicalPath}\\${c.name}` : c.name) === s.componentPath
        ))
    )
  );
}

const timeoutOption = timeoutOptions(
  DEADLINES,
  "Deadline for each of the two gathers below (default 5m each).",
);

/** `vss writers metadata`. */
export const writersMetadataCommand: Command = {
  name: "writers metadata",
  summary: "the writers' metadata: identity, components, files, restore method",
  usage: ["[--writer SELECTOR]... [options]"],
  description: [
    "Gathers writer metadata (GatherWriterMetadata) and prints each writer's identity, its " +
    "components with their files, databases and logs, excluded files and restore method. " +
    "--writer narrows the output (same selectors as `vss create --include-writer`).",
  ],
  options: [
    {
      name: "writer",
      kind: "list",
      value: "SELECTOR",
      description:
        "Show only writers matching SELECTOR (name, GUID, name:/class:/instance:/component:).",
    },
    ...timeoutOption,
  ],
  positionals: { min: 0, max: 0 },
  examples: [
    ["writers metadata", "Every writer and its components."],
    ['writers metadata --writer "SqlServerWriter" --json', "One writer's metadata as JSON."],
  ],
  async run(ctx) {
    const { metadata } = await gather(ctx);
    const writers = selected(ctx, metadata);
    ctx.out.result({ writers }, () => {
      if (writers.length === 0) ctx.out.line("No writers.");
      for (const w of writers) {
        ctx.out.line(
          block(`Writer ${w.name}${w.instanceName ? ` (${w.instanceName})` : ""}`, [
            ["class id", w.writerId],
            ["instance id", w.instanceId],
            ["usage", shortName(w.usage, "VSS_UT_")],
            ["source", shortName(w.source, "VSS_ST_")],
            ["version", w.version ? `${w.version.major}.${w.version.minor}` : null],
            ["restore method", shortName(w.restoreMethod.method, "VSS_RME_")],
            ["components", w.components.length],
          ]),
        );
        for (const c of w.components) {
          const path = c.logicalPath ? `${c.logicalPath}\\${c.name}` : c.name;
          ctx.out.line(
            `    ${path} [${c.type}]${c.caption ? ` "${c.caption}"` : ""}${
              c.selectable ? " selectable" : ""
            }`,
          );
          for (const f of c.files) ctx.out.line(`      file ${fileSpecText(f)}`);
          for (const f of c.databases) ctx.out.line(`      database ${fileSpecText(f)}`);
          for (const f of c.logs) ctx.out.line(`      log ${fileSpecText(f)}`);
        }
        for (const f of w.excludeFiles) ctx.out.line(`    excludes ${fileSpecText(f)}`);
      }
    });
  },
};

/** `vss writers status`. */
export const writersStatusCommand: Command = {
  name: "writers status",
  summary: "each writer's state and last failure",
  usage: ["[--check] [options]"],
  description: [
    "Gathers writer status (GatherWriterStatus) and prints each writer's state and failure. " +
    "With --check the exit code is 4 when a writer is in a failed state.",
  ],
  options: [
    {
      name: "check",
      kind: "boolean",
      description: "Exit with 4 when any writer has failed.",
    },
    ...timeoutOption,
  ],
  positionals: { min: 0, max: 0 },
  examples: [
    ["writers status", "The state of every writer."],
    ["writers status --check --json", "JSON, and exit code 4 when a writer has failed."],
  ],
  async run(ctx) {
    const { status } = await gather(ctx);
    ctx.out.result({ writers: status }, () => {
      if (status.length === 0) ctx.out.line("No writers.");
      else ctx.out.line(writerStatusLines(status).map((l) => l.slice(2)).join("\n"));
      for (const s of status.filter((s) => s.applicationMessage)) {
        ctx.out.line(`${s.name}: ${s.applicationMessage}`);
      }
    });
    return ctx.opts.flag("check") && status.some((s) => s.failed) ? EXIT.writer : EXIT.ok;
  },
};

/** `vss writers`. */
export const writersGroup: CommandGroup = {
  name: "writers",
  summary: "inspect the VSS writers",
  description: [
    "Writers are the applications (databases, the registry, Hyper-V...) that VSS asks to make " +
    "their data consistent before a shadow copy.",
  ],
  commands: [writersMetadataCommand, writersStatusCommand],
};
