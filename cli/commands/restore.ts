/**
 * `vss restore`: the restore sequence for components of a saved backup
 * components document, with the copy step done by the user's command
 * (`--exec`) or skipped (`--simulate`).
 *
 * @module
 */

import {
  type DocumentComponent,
  type FileRestoreResult,
  type FileSpec,
  readBackupDocument,
  restore,
  type RestorePlan,
  type RestoreSelection,
  type WriterStatus,
} from "../../mod.ts";
import { isGuid, type Options, parseGuid } from "../args.ts";
import { type Command, type Context, exclusive } from "../command.ts";
import { type DeadlinePhase, deadlinesFrom, timeoutOptions } from "../deadlines.ts";
import { CliError, EXIT, type ExitCode, UsageError } from "../errors.ts";
import { type ExecResult, exitDescription, runShell } from "../exec.ts";
import { readInput } from "../files.ts";
import { fileSpecText, table, writerStatusLines } from "../render.ts";

/** The phases of the restore sequence that `--timeout-PHASE` options bound. */
const DEADLINES: readonly DeadlinePhase[] = [
  "gatherMetadata",
  "preRestore",
  "writerStatus",
  "postRestore",
];

/** One component of the restore plan as shown to the user and to `--exec`. */
export interface PlannedComponent {
  writerId: string;
  instanceId: string;
  writerName: string | null;
  path: string;
  type: string;
  target: string;
  files: {
    kind: "file" | "database" | "log";
    path: string;
    filespec: string;
    recursive: boolean;
  }[];
}

function planned(plan: RestorePlan): PlannedComponent[] {
  return plan.components.map((c) => {
    const writer = plan.writers.find((w) => w.instanceId === c.instanceId) ??
      plan.writers.find((w) => w.writerId === c.writerId);
    const declared = writer?.components.find((d) =>
      (d.logicalPath ?? null) === (c.logicalPath ?? null) && d.name === c.name
    );
    const spec = (kind: "file" | "database" | "log") => (f: FileSpec) => ({
      kind,
      path: f.path,
      filespec: f.filespec,
      recursive: f.recursive,
    });
    return {
      writerId: c.writerId,
      instanceId: c.instanceId,
      writerName: writer?.name ?? null,
      path: c.path,
      type: c.type,
      target: c.target,
      files: declared
        ? [
          ...declared.files.map(spec("file")),
          ...declared.databases.map(spec("database")),
          ...declared.logs.map(spec("log")),
        ]
        : [],
    };
  });
}

function componentLines(components: readonly DocumentComponent[]): string[] {
  return table(
    ["COMPONENT", "TYPE", "BACKED UP", "WRITER"],
    components.map((c) => [c.path, c.type, c.backupSucceeded ? "yes" : "no", c.writerId]),
  );
}

function selection(text: string): RestoreSelection {
  const colon = text.indexOf(":");
  if (colon > 0 && isGuid(text.slice(0, colon))) {
    return {
      writerId: parseGuid("--component", text.slice(0, colon)),
      componentPath: text.slice(colon + 1),
    };
  }
  return { componentPath: text };
}

function execEnvironment(components: PlannedComponent[], planFile: string): Record<string, string> {
  const env: Record<string, string> = {
    RESTORE_PLAN: planFile,
    RESTORE_COMPONENT_COUNT: String(components.length),
  };
  components.forEach((c, i) => {
    env[`RESTORE_COMPONENT_${i + 1}`] = c.path;
    env[`RESTORE_WRITER_ID_${i + 1}`] = c.writerId;
    env[`RESTORE_WRITER_NAME_${i + 1}`] = c.writerName ?? "";
    env[`RESTORE_TARGET_${i + 1}`] = c.target;
  });
  return env;
}

/** The components to restore, checked against those the document records. */
function selections(ctx: Context, recorded: readonly DocumentComponent[]): RestoreSelection[] {
  const { opts } = ctx;
  const chosen: RestoreSelection[] = opts.flag("all-components")
    ? recorded.map((c) => ({ componentPath: c.path, writerId: c.writerId }))
    : opts.list("component").map(selection);
  if (chosen.length === 0) {
    throw new UsageError("the document records no components", "Nothing to restore.");
  }
  for (const s of chosen) {
    const known = recorded.some((c) =>
      c.path === s.componentPath && (s.writerId === undefined || c.writerId === s.writerId)
    );
    if (!known) {
      throw new UsageError(
        `the backup document has no component ${s.componentPath}${
          s.writerId === undefined ? "" : ` of writer ${s.writerId}`
        }`,
        "`vss restore FILE --list` shows the components it records.",
      );
    }
  }
  const restoreOptions = opts.string("restore-options");
  const additional = opts.flag("additional-restores");
  return chosen.map((s) => ({
    ...s,
    ...(restoreOptions !== undefined ? { restoreOptions } : {}),
    ...(additional ? { additionalRestores: true } : {}),
  }));
}

/** Runs `command` as the copy step of `plan`; the plan is in a temporary JSON file meanwhile. */
async function copyStep(
  ctx: Context,
  file: string,
  plan: PlannedComponent[],
  command: string,
): Promise<ExecResult> {
  const planFile = await Deno.makeTempFile({ prefix: "vss-restore-plan-", suffix: ".json" });
  try {
    await Deno.writeTextFile(planFile, JSON.stringify({ file, components: plan }, null, 2));
    ctx.out.progress().stop();
    ctx.out.note(`running: ${command}`);
    return await runShell(command, execEnvironment(plan, planFile), {
      stdoutToStderr: ctx.out.json,
      signal: ctx.signal,
    });
  } finally {
    await Deno.remove(planFile).catch(() => {});
  }
}

/** Fails when the copy command failed or a writer is in a failed state after PostRestore. */
function checkOutcome(execResult: ExecResult | null, writerStatus: WriterStatus[]): void {
  if (execResult !== null && !execResult.success) {
    throw new CliError(
      `the --exec command failed (${
        exitDescription(execResult)
      }); the writers were told the files were not restored`,
      "Fix the copy step and run the restore again.",
      EXIT.exec,
      { details: { exec: execResult, writerStatus } },
    );
  }
  const failed = writerStatus.filter((s) => s.failed);
  if (failed.length > 0) {
    throw new CliError(
      `${failed.length} writer(s) failed after PostRestore: ${
        failed.map((w) => `${w.name} (${w.stateName})`).join(", ")
      }`,
      "Check each writer's application and event log; the restore may be incomplete.",
      EXIT.writer,
      { details: { writerStatus } },
    );
  }
}

function printRestored(
  ctx: Context,
  simulate: boolean,
  plan: PlannedComponent[],
  writerStatus: WriterStatus[],
): void {
  const { out } = ctx;
  out.line(simulate ? "Restore rehearsed (nothing copied):" : "Restored:");
  for (const c of plan) {
    out.line(`  ${c.path}  (${c.writerName ?? c.writerId}, to ${c.target} location)`);
    for (const f of c.files) out.line(`    ${f.kind} ${fileSpecText(f)}`);
  }
  if (writerStatus.length > 0) {
    out.line("Writers after PostRestore:");
    out.line(writerStatusLines(writerStatus).join("\n"));
  }
}

/** The command line checks that need no VSS: which options go together, a readable document. */
async function check(opts: Options): Promise<void> {
  if (opts.flag("list")) {
    for (const other of ["component", "all-components", "simulate", "exec"]) {
      if (opts.has(other)) throw new UsageError(`--list cannot be combined with --${other}`);
    }
  } else {
    exclusive({ opts }, ["component", "all-components"], true);
    exclusive({ opts }, ["simulate", "exec"], true);
  }
  await readInput(opts.positionals[0]);
}

async function run(ctx: Context): Promise<ExitCode> {
  const { opts, out } = ctx;
  const file = opts.positionals[0];
  const document = await readInput(file);
  if (opts.flag("list")) {
    const components = readBackupDocument(document);
    out.result({ file, components }, () => {
      if (components.length === 0) out.line("The document records no components.");
      else out.line(componentLines(components).join("\n"));
    });
    return EXIT.ok;
  }
  const simulate = opts.flag("simulate");
  const command = opts.string("exec");
  const select = selections(ctx, readBackupDocument(document));
  const progress = out.progress();
  let plan: PlannedComponent[] = [];
  let execResult: ExecResult | null = null;
  const writerStatus = await restore(document, {
    select,
    deadlines: deadlinesFrom(opts, DEADLINES),
    signal: ctx.signal,
    onProgress: (e) => progress.event(e),
    copy: async (p) => {
      plan = planned(p);
      const all = (result: FileRestoreResult) =>
        Object.fromEntries(plan.map((c) => [c.path, result]));
      if (simulate || command === undefined) return all("none");
      execResult = await copyStep(ctx, file, plan, command);
      return all(execResult.success && !ctx.signal.aborted ? "all" : "failed");
    },
  });
  const finished = execResult as ExecResult | null;
  checkOutcome(finished, writerStatus);
  const results = Object.fromEntries(
    plan.map((c) => [c.path, simulate ? "none" : finished?.success ? "all" : "failed"]),
  );
  out.result(
    { file, simulate, plan, results, exec: finished, writerStatus },
    () => printRestored(ctx, simulate, plan, writerStatus),
  );
  return EXIT.ok;
}

/** `vss restore`. */
export const restoreCommand: Command = {
  name: "restore",
  summary: "run the restore sequence for components of a saved backup",
  usage: [
    "FILE --list",
    "FILE (--component PATH... | --all-components) (--simulate | --exec COMMAND) [options]",
  ],
  description: [
    "FILE is a backup components document from `vss create --save-document`. --list shows its " +
    "components. Otherwise the selected components go through the restore sequence: writer " +
    "metadata is gathered, the components are selected for restore, writers get PreRestore, " +
    "then the copy step, the file restore status, PostRestore and the writers' status.",
    "The copy step is yours: --exec runs COMMAND with RESTORE_PLAN (a JSON file describing the " +
    "components and their files), RESTORE_COMPONENT_COUNT and, for n = 1..count, " +
    "RESTORE_COMPONENT_n, RESTORE_WRITER_ID_n, RESTORE_WRITER_NAME_n, RESTORE_TARGET_n; exit " +
    "code 0 reports the files as restored, anything else as failed (and the CLI exits with 9). " +
    "--simulate copies nothing and reports nothing restored: the writers still see PreRestore " +
    "and PostRestore, and the plan is printed.",
    "A component is `Logical\\Path\\Name` as --list prints it, optionally preceded by the " +
    "writer's class id and a colon when several writers have that path.",
  ],
  options: [
    {
      name: "list",
      kind: "boolean",
      description: "Only list the components the document records.",
    },
    {
      name: "component",
      kind: "list",
      value: "[WRITER_ID:]PATH",
      description: "Restore this component.",
    },
    {
      name: "all-components",
      kind: "boolean",
      description: "Restore every component in the document.",
    },
    {
      name: "simulate",
      kind: "boolean",
      description: "Run the sequence without copying; print the plan.",
    },
    {
      name: "exec",
      kind: "string",
      value: "COMMAND",
      description: "Run COMMAND between PreRestore and PostRestore to copy the files back.",
    },
    {
      name: "restore-options",
      kind: "string",
      value: "TEXT",
      description: "Writer-specific restore options for every selected component.",
    },
    {
      name: "additional-restores",
      kind: "boolean",
      description: "Tell the writers that incremental or differential restores will follow.",
    },
    ...timeoutOptions(DEADLINES, "Deadline for each phase below (default 5m each)."),
  ],
  positionals: { min: 1, max: 1 },
  examples: [
    ["restore bc.xml --list", "The components recorded in bc.xml."],
    [
      'restore bc.xml --component "Instance\\db1" --simulate',
      "Rehearse restoring one component.",
    ],
    [
      'restore bc.xml --all-components --exec "restore-files.cmd"',
      "Restore everything with your own copy step.",
    ],
  ],
  check,
  run,
};
