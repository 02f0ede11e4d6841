/**
 * `vss create`: make a shadow copy set, optionally keep it, save its backup
 * components document, or run a command while it exists.
 *
 * @module
 */

import {
  type BackupKind,
  createShadowCopySet,
  type CreateShadowCopySetOptions,
  type Deadlines,
  MAX_VOLUMES_PER_SET,
  type ShadowCopy,
  type ShadowCopyContext,
  type ShadowCopySet,
  type WriterSelector,
  type WriterStatus,
} from "../../mod.ts";
import {
  normalizeVolume,
  type OptionSpec,
  parseDuration,
  parseGuid,
  parseWriterSelector,
} from "../args.ts";
import type { Command, Context } from "../command.ts";
import { CliError, EXIT, type ExitCode, UsageError } from "../errors.ts";
import { type ExecResult, runShell } from "../exec.ts";
import { fields } from "../output.ts";
import { writerStatusLines } from "./writers.ts";

/** The context names `--context` accepts. */
export const CONTEXTS: readonly ShadowCopyContext[] = [
  "backup",
  "file-share-backup",
  "app-rollback",
  "nas-rollback",
  "client-accessible",
  "client-accessible-writers",
];

/** The backup types `--backup-type` accepts. */
export const BACKUP_TYPES: readonly BackupKind[] = [
  "full",
  "incremental",
  "differential",
  "log",
  "copy",
];

/** The deadline options of commands that wait for VSS, and the phase each one bounds. */
export const TIMEOUT_OPTIONS: OptionSpec[] = [
  {
    name: "timeout",
    kind: "string",
    value: "DURATION",
    description: "Deadline for each phase below (default 5m each, 10m for the snapshot).",
  },
  {
    name: "timeout-gather",
    kind: "string",
    value: "DURATION",
    description: "Deadline for gathering writer metadata.",
  },
  {
    name: "timeout-prepare",
    kind: "string",
    value: "DURATION",
    description: "Deadline for PrepareForBackup (writers getting ready).",
  },
  {
    name: "timeout-snapshot",
    kind: "string",
    value: "DURATION",
    description: "Deadline for DoSnapshotSet (freeze, snapshot, thaw).",
  },
  {
    name: "timeout-complete",
    kind: "string",
    value: "DURATION",
    description: "Deadline for BackupComplete and the writer status checks after it.",
  },
];

/** Per-phase deadlines from the `--timeout*` options given. */
export function deadlinesFrom(ctx: Context): Deadlines {
  const all = ctx.opts.string("timeout");
  const one = (name: string) => {
    const text = ctx.opts.string(`timeout-${name}`) ?? all;
    return text === undefined ? undefined : parseDuration(`--timeout-${name}`, text);
  };
  const deadlines: Deadlines = {};
  const gather = one("gather");
  const prepare = one("prepare");
  const snapshot = one("snapshot");
  const complete = one("complete");
  if (gather !== undefined) deadlines.gatherMetadata = gather;
  if (prepare !== undefined) deadlines.prepare = prepare;
  if (snapshot !== undefined) deadlines.snapshot = snapshot;
  if (complete !== undefined) deadlines.complete = complete;
  return deadlines;
}

/** The environment `--exec` gets: the set and, 1-based, each shadow copy. */
export function execEnvironment(
  set: ShadowCopySet,
  documentPath: string | null,
): Record<string, string> {
  const env: Record<string, string> = {
    SHADOW_SET_ID: set.id,
    SHADOW_COUNT: String(set.snapshots.length),
  };
  set.snapshots.forEach((s, i) => {
    env[`SHADOW_ID_${i + 1}`] = s.id;
    env[`SHADOW_DEVICE_${i + 1}`] = s.devicePath;
    env[`SHADOW_VOLUME_${i + 1}`] = s.volume;
  });
  if (documentPath !== null) env.SHADOW_DOCUMENT = documentPath;
  return env;
}

/** The lines describing one shadow copy. */
export function shadowCopyLines(s: ShadowCopy, volumeLabel: string, indent = 2): string[] {
  return [
    `${" ".repeat(indent)}${volumeLabel}`,
    ...fields([
      ["id", s.id],
      ["set", s.setId],
      ["device", s.devicePath],
      ["volume", s.originalVolumeName],
      ["created", s.createdAt.toISOString()],
      ["attributes", s.attributeNames.join(", ") || "-"],
      ["provider", s.providerId],
      [
        "exposed",
        s.exposedName ? `${s.exposedName}${s.exposedPath ? ` (${s.exposedPath})` : ""}` : undefined,
      ],
    ], indent + 2),
  ];
}

function writerSelectors(ctx: Context, name: string): WriterSelector[] {
  return ctx.opts.list(name).flatMap(parseWriterSelector);
}

async function run(ctx: Context): Promise<ExitCode> {
  const { opts, out } = ctx;
  const volumes = opts.positionals.map(normalizeVolume);
  const duplicate = volumes.find((v, i) =>
    volumes.findIndex((w) => w.toLowerCase() === v.toLowerCase()) !== i
  );
  if (duplicate) {
    throw new UsageError(`volume ${duplicate} is given twice`, "Name each volume once.");
  }
  const include = writerSelectors(ctx, "include-writer");
  const exclude = writerSelectors(ctx, "exclude-writer");
  if (opts.flag("no-writers") && (include.length > 0 || exclude.length > 0)) {
    throw new UsageError(
      "--no-writers cannot be combined with --include-writer or --exclude-writer",
      "Drop --no-writers to choose writers, or drop the writer selection.",
    );
  }
  const retriesText = opts.string("retries");
  let attempts: number | undefined;
  if (retriesText !== undefined) {
    attempts = Number(retriesText);
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new UsageError(`--retries needs a whole number of at least 1, not ${retriesText}`);
    }
  }
  const previousBackupStamps: Record<string, string> = {};
  for (const text of opts.list("previous-stamp")) {
    const eq = text.indexOf("=");
    const colon = text.indexOf(":");
    if (eq < 0 || colon < 0 || colon > eq) {
      throw new UsageError(
        `cannot read --previous-stamp ${JSON.stringify(text)}`,
        "Write WRITER_CLASS_ID:Logical\\Path\\Name=STAMP.",
      );
    }
    const writerId = parseGuid("--previous-stamp", text.slice(0, colon));
    previousBackupStamps[`${writerId}:${text.slice(colon + 1, eq)}`] = text.slice(eq + 1);
  }
  const context = (opts.string("context") ?? "backup") as ShadowCopyContext;
  const backupType = (opts.string("backup-type") ?? "copy") as BackupKind;
  const providerText = opts.string("provider");
  const providerId = providerText === undefined ? undefined : parseGuid("--provider", providerText);
  const savePath = opts.string("save-document") ?? null;
  const exec = opts.string("exec") ?? null;
  const progress = out.progress();
  const options: CreateShadowCopySetOptions = {
    context,
    persistent: opts.flag("persistent"),
    writers: opts.flag("no-writers") ? false : { include, exclude },
    backupType,
    previousBackupStamps,
    providerId,
    deadlines: deadlinesFrom(ctx),
    signal: ctx.signal,
    onProgress: (e) => progress.event(e),
    retry: attempts === undefined ? undefined : { attempts },
  };

  const set = await createShadowCopySet(volumes, options);
  let completed = false;
  try {
    let documentPath: string | null = null;
    if (savePath !== null) {
      try {
        await Deno.writeTextFile(savePath, set.saveBackupDocument());
        documentPath = savePath;
      } catch (error) {
        throw new CliError(
          `cannot write the backup components document to ${savePath}: ${(error as Error).message}`,
          "Check the path and that the directory exists; the shadow copies were not kept.",
          EXIT.usage,
          { cause: error },
        );
      }
    }
    if (!out.json) {
      progress.stop();
      out.line(
        `Shadow copy set ${set.id} (${set.persistent ? "persistent" : "non-persistent"}, ` +
          `context ${context}, backup type ${backupType})`,
      );
      for (const s of set.snapshots) out.line(shadowCopyLines(s, s.volume).join("\n"));
      if (set.writers.length > 0) {
        out.line(`Writers: ${set.writers.length} took part`);
      }
      for (const w of set.degradedWriters) {
        out.line(`  degraded (its data is only crash-consistent): ${w.name} ${w.stateName}`);
      }
      if (documentPath !== null) out.line(`Backup components document saved to ${documentPath}`);
    }
    let execResult: ExecResult | null = null;
    if (exec !== null && !ctx.signal.aborted) {
      out.note(`running: ${exec}`);
      execResult = await runShell(exec, execEnvironment(set, documentPath), {
        stdoutToStderr: out.json,
        signal: ctx.signal,
      });
      out.verbose(`the command exited with ${execResult.exitCode}`);
    }
    const succeeded = !ctx.signal.aborted && (execResult === null || execResult.success);
    const statusAfter: WriterStatus[] = await set.complete({ succeeded });
    completed = true;
    if (ctx.signal.aborted) {
      throw new CliError(
        "interrupted while the --exec command ran; the backup was reported as failed",
        set.persistent
          ? `The persistent shadow copies remain; delete them with \`vss delete --set ${set.id}\`.`
          : "The shadow copies were released.",
        EXIT.aborted,
        { details: { setId: set.id } },
      );
    }
    if (execResult !== null && !execResult.success) {
      throw new CliError(
        `the --exec command failed (exit code ${execResult.exitCode}${
          execResult.signal ? `, signal ${execResult.signal}` : ""
        }); the backup was reported as failed to the writers`,
        set.persistent
          ? `The persistent shadow copies remain; delete them with \`vss delete --set ${set.id}\`.`
          : "The shadow copies were released.",
        EXIT.exec,
        { details: { setId: set.id, exec: execResult } },
      );
    }
    out.result(
      {
        setId: set.id,
        persistent: set.persistent,
        context,
        backupType,
        providerId: providerId ?? null,
        snapshots: set.snapshots,
        writers: set.writers.map((w) => ({
          name: w.name,
          writerId: w.writerId,
          instanceId: w.instanceId,
          components: w.components.length,
        })),
        writerStatus: set.writerStatus,
        degradedWriters: set.degradedWriters,
        document: documentPath,
        exec: execResult,
        completed: { succeeded, writerStatus: statusAfter },
      },
      () => {
        const failed = statusAfter.filter((s) => s.failed);
        if (failed.length > 0) {
          out.line("Writers failed after BackupComplete:");
          out.line(writerStatusLines(failed).join("\n"));
        }
        out.line(
          set.persistent
            ? `Backup completed; the shadow copies are kept (delete with \`vss delete --set ${set.id}\`).`
            : "Backup completed; the non-persistent shadow copies were released.",
        );
      },
    );
    return EXIT.ok;
  } finally {
    if (!completed) {
      try {
        await set.complete({ succeeded: false });
      } catch { /* the first error matters */ }
    }
  }
}

/** `vss create`. */
export const createCommand: Command = {
  name: "create",
  summary: "create a shadow copy set of one or more volumes",
  usage: ["[options] VOLUME..."],
  description: [
    `Creates one shadow copy per volume (at most ${MAX_VOLUMES_PER_SET}) as one set, with the ` +
    "writers taking part unless --no-writers. Without --persistent the shadow copies exist only " +
    "while the command runs: use --exec to work with them (the command gets SHADOW_SET_ID, " +
    "SHADOW_COUNT, and SHADOW_ID_n, SHADOW_DEVICE_n, SHADOW_VOLUME_n for n = 1..count, plus " +
    "SHADOW_DOCUMENT with --save-document). A failing --exec command reports the backup as " +
    "failed to the writers and exits with 9.",
    "Writer selectors: a writer name; a GUID (class id or instance id); or name:, class:, " +
    "instance:, component: terms joined with `;` (component:Logical\\Path\\Name selects that " +
    "component only). Excluded writers take no part; when writers are included, only they do.",
    "Ctrl-C while the set is being created cancels the running step and aborts the backup: " +
    "nothing is left behind, the exit code is 7.",
  ],
  options: [
    {
      name: "persistent",
      short: "p",
      kind: "boolean",
      description: "Keep the shadow copies after the command ends.",
    },
    {
      name: "no-writers",
      kind: "boolean",
      description: "Leave writers out (crash-consistent copies).",
    },
    {
      name: "include-writer",
      kind: "list",
      value: "SELECTOR",
      description: "Only these writers (or components) take part.",
    },
    {
      name: "exclude-writer",
      kind: "list",
      value: "SELECTOR",
      description: "These writers take no part.",
    },
    {
      name: "backup-type",
      kind: "string",
      choices: BACKUP_TYPES,
      description: "The backup type writers are told (default copy: leaves their history alone).",
    },
    {
      name: "context",
      kind: "string",
      choices: CONTEXTS,
      description: "The shadow copy context (default backup).",
    },
    {
      name: "previous-stamp",
      kind: "list",
      value: "WRITER_ID:PATH=STAMP",
      description:
        "The previous backup's stamp for a selected component (incremental and differential backups).",
    },
    {
      name: "provider",
      kind: "string",
      value: "ID",
      description: "Use this provider (`vss providers`).",
    },
    ...TIMEOUT_OPTIONS,
    {
      name: "retries",
      kind: "string",
      value: "N",
      description: "Attempts while another set is being created (default 3, 1 s apart, doubling).",
    },
    {
      name: "save-document",
      kind: "string",
      value: "FILE",
      description: "Write the backup components document (for `vss restore` and `vss import`).",
    },
    {
      name: "exec",
      kind: "string",
      value: "COMMAND",
      description: "Run COMMAND through the shell while the shadow copies exist.",
    },
  ],
  positionals: { min: 1, max: MAX_VOLUMES_PER_SET },
  examples: [
    ["create C:", "Check that C: can be shadow copied (the copy is released at once)."],
    ["create C: D: --persistent --no-writers", "Keep crash-consistent shadow copies of C: and D:."],
    [
      'create C: --exec "copy %SHADOW_DEVICE_1%\\data\\app.db D:\\backup\\"',
      "Copy a file from a consistent shadow copy of C:, then release it.",
    ],
    [
      'create C: --backup-type full --include-writer "component:Instance\\db1" --save-document bc.xml',
      "A full backup of one writer component, keeping the document for a later restore.",
    ],
    [
      "create C: --persistent --timeout-snapshot 30s --json",
      "Give up after 30 s of DoSnapshotSet; JSON out.",
    ],
  ],
  run,
};
