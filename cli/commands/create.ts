/**
 * `vss create`: make a shadow copy set, optionally keep it, save its backup
 * components document, or run a command while it exists.
 *
 * @module
 */

import {
  BACKUP_KINDS,
  createShadowCopySet,
  type CreateShadowCopySetOptions,
  type Deadlines,
  getWriters,
  MAX_VOLUMES_PER_SET,
  type RetryOptions,
  SHADOW_COPY_CONTEXTS,
  type ShadowCopySet,
  type WriterSelector,
  type WriterStatus,
} from "../../mod.ts";
import {
  durationOption,
  type Options,
  parseGuid,
  parseWholeNumber,
  parseWriterSelector,
  providerOption,
} from "../args.ts";
import type { Command, Context } from "../command.ts";
import { type DeadlinePhase, deadlinesFrom, timeoutOptions } from "../deadlines.ts";
import { CliError, EXIT, type ExitCode, UsageError } from "../errors.ts";
import { type ExecResult, exitDescription, runShell } from "../exec.ts";
import { shadowCopyLines, writerStatusLines } from "../render.ts";
import { volumeArguments } from "../volumes.ts";

/** The phases of creating and completing a set that `--timeout-PHASE` options bound. */
const DEADLINES: readonly DeadlinePhase[] = [
  "gatherMetadata",
  "prepare",
  "snapshot",
  "writerStatus",
  "complete",
];

/** The environment `--exec` gets: the set and, 1-based, each shadow copy. */
function execEnvironment(set: ShadowCopySet, documentPath: string | null): Record<string, string> {
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

/**
 * The writer selectors as the requester takes them. A bare GUID (parsed as
 * a class id and an instance id) may be either, while each requester
 * selector must match a writer: such ids are looked up among the writers
 * (one metadata gathering, only when a bare GUID is given).
 */
async function resolveIds(
  ctx: Context,
  parsed: WriterSelector[][],
  deadlines: Partial<Deadlines>,
): Promise<WriterSelector[]> {
  if (parsed.every((p) => p.length === 1)) return parsed.flat();
  // A writer that failed at Identify is missing from the metadata; its status still names it.
  const { metadata, status } = await getWriters({ signal: ctx.signal, deadlines });
  const classes = new Set([...metadata, ...status].map((w) => w.writerId));
  return parsed.map((p) => {
    if (p.length === 1) return p[0];
    const [byClass, byInstance] = p;
    return classes.has(byClass.classId!) ? byClass : byInstance;
  });
}

/** `--retries N`: how many more times the set is made after a transient failure. */
function parseRetries(text: string): number {
  return parseWholeNumber("--retries", text, 0, Number.MAX_SAFE_INTEGER);
}

/** `--retries`, `--retry-delay` and `--in-progress-timeout` as the requester's retry policy. */
function retryFrom(opts: Options): RetryOptions {
  const retry: RetryOptions = {};
  const text = opts.string("retries");
  if (text !== undefined) retry.transientAttempts = parseRetries(text);
  const delay = opts.duration("retry-delay", { zero: true });
  if (delay !== undefined) retry.transientDelayMs = delay;
  const busy = opts.duration("in-progress-timeout", { zero: true });
  if (busy !== undefined) retry.inProgressMs = busy;
  return retry;
}

/** One `--previous-stamp WRITER_ID:PATH=STAMP` as `[key, stamp]`. */
function parseStamp(text: string): [string, string] {
  const eq = text.indexOf("=");
  const colon = text.indexOf(":");
  if (eq < 0 || colon < 0 || colon > eq) {
    throw new UsageError(
      `cannot read --previous-stamp ${JSON.stringify(text)}`,
      "Write WRITER_CLASS_ID:Logical\\Path\\Name=STAMP.",
    );
  }
  const writerId = parseGuid("--previous-stamp", text.slice(0, colon));
  return [`${writerId}:${text.slice(colon + 1, eq)}`, text.slice(eq + 1)];
}

function previousStamps(opts: Options): Record<string, string> {
  return Object.fromEntries(opts.list("previous-stamp").map(parseStamp));
}

/**
 * Whether `--save-document FILE` can be written, checked before anything is
 * snapshotted (a usage error otherwise). A file this check creates is
 * removed again: the document is written once the backup is complete.
 */
async function checkDocumentPath(path: string): Promise<void> {
  let existed = true;
  try {
    await Deno.lstat(path);
  } catch {
    existed = false;
  }
  try {
    (await Deno.open(path, { write: true, create: true })).close();
    if (!existed) await Deno.remove(path);
  } catch (error) {
    throw new UsageError(
      `--save-document ${path} cannot be written: ${(error as Error).message}`,
      "Name a file in an existing folder you may write to; nothing was snapshotted.",
      { cause: error },
    );
  }
}

/**
 * A transportable set is not surfaced where it is made: only its document
 * lets `vss import` surface it, and it must still exist then, so it must be
 * persistent. Auto-release copies go with the creating object, and imported
 * ones with the importing object (importing-transportable-shadow-copied-volumes.md,
 * steps 5 and 8), which `vss import` releases when it ends.
 */
function checkTransportable(opts: Options, document: string | undefined): void {
  if (document === undefined) {
    throw new UsageError(
      "--transportable needs --save-document FILE",
      "A transportable set is not surfaced on this machine: only the backup components " +
        "document lets `vss import FILE` surface it. Add --save-document FILE.",
    );
  }
  const context = opts.choice("context", SHADOW_COPY_CONTEXTS) ?? "backup";
  const persistent = opts.flag("persistent") || !["backup", "file-share-backup"].includes(context);
  if (!persistent) {
    throw new UsageError(
      "--transportable needs --persistent (or a persistent --context)",
      "Non-persistent shadow copies are released when the command ends, and imported ones " +
        "when `vss import` ends: add --persistent.",
    );
  }
}

/** The checks of the command line that need no VSS (before the runtime is opened). */
async function check(opts: Options): Promise<void> {
  const volumes = volumeArguments(opts);
  const duplicate = volumes.find((v, i) =>
    volumes.findIndex((w) => w.toLowerCase() === v.toLowerCase()) !== i
  );
  if (duplicate) {
    throw new UsageError(`volume ${duplicate} is given twice`, "Name each volume once.");
  }
  if (opts.flag("no-writers") && (opts.has("include-writer") || opts.has("exclude-writer"))) {
    throw new UsageError(
      "--no-writers cannot be combined with --include-writer or --exclude-writer",
      "Drop --no-writers to choose writers, or drop the writer selection.",
    );
  }
  const document = opts.string("save-document");
  if (opts.flag("transportable")) checkTransportable(opts, document);
  if (document !== undefined) await checkDocumentPath(document);
}

/** The volumes and the requester options the command line asks for. */
async function request(
  ctx: Context,
): Promise<{ volumes: string[]; options: CreateShadowCopySetOptions }> {
  const { opts } = ctx;
  const volumes = volumeArguments(opts);
  const include = opts.list("include-writer").map(parseWriterSelector);
  const exclude = opts.list("exclude-writer").map(parseWriterSelector);
  const options: CreateShadowCopySetOptions = {
    context: opts.choice("context", SHADOW_COPY_CONTEXTS) ?? "backup",
    persistent: opts.flag("persistent"),
    transportable: opts.flag("transportable"),
    backupType: opts.choice("backup-type", BACKUP_KINDS) ?? "copy",
    previousBackupStamps: previousStamps(opts),
    providerId: opts.guid("provider"),
    deadlines: deadlinesFrom(opts, DEADLINES),
    signal: ctx.signal,
    retry: retryFrom(opts),
  };
  options.writers = opts.flag("no-writers") ? false : {
    include: await resolveIds(ctx, include, options.deadlines!),
    exclude: await resolveIds(ctx, exclude, options.deadlines!),
  };
  const progress = ctx.out.progress();
  options.onProgress = (e) => progress.event(e);
  return { volumes, options };
}

/**
 * Writes the backup components document to `path`; the error says what the
 * backup did (`done`) and what was kept, and carries the document's text in
 * its details so that `--json` output keeps it.
 */
async function writeDocument(
  set: ShadowCopySet,
  path: string,
  done: "completed" | "failed" | "before exec",
): Promise<void> {
  const text = set.saveBackupDocument();
  try {
    await Deno.writeTextFile(path, text);
  } catch (error) {
    const kept = {
      completed: "The backup was completed and reported to the writers as succeeded. ",
      failed: "The backup was reported to the writers as failed. ",
      "before exec": "The --exec command was not run; the backup was reported to the writers " +
        "as failed. ",
    }[done];
    throw new CliError(
      `cannot write the backup components document to ${path}: ${(error as Error).message}`,
      kept + leftBehind(set) +
        " The document was not saved: its text is in this error's details with --json " +
        "(otherwise it is lost); free space or fix the path and run the backup again.",
      EXIT.vss,
      {
        cause: error,
        details: { setId: set.id, persistent: set.persistent, path, document: text },
      },
    );
  }
}

function printSet(
  ctx: Context,
  set: ShadowCopySet,
  options: CreateShadowCopySetOptions,
): void {
  const { out } = ctx;
  if (out.json) return;
  out.progress().stop();
  out.line(
    `Shadow copy set ${set.id} (${set.persistent ? "persistent" : "non-persistent"}` +
      `${options.transportable ? ", transportable" : ""}, ` +
      `context ${options.context}, backup type ${options.backupType})`,
  );
  for (const s of set.snapshots) out.line(shadowCopyLines(s, s.volume).join("\n"));
  if (set.writers.length > 0) out.line(`Writers: ${set.writers.length} took part`);
  for (const w of set.degradedWriters) {
    out.line(`  degraded (its data is only crash-consistent): ${w.name} ${w.stateName}`);
  }
}

/** What becomes of the shadow copies after the backup was completed or reported failed. */
function leftBehind(set: ShadowCopySet): string {
  return set.persistent
    ? `The persistent shadow copies of set ${set.id} are kept; delete them with \`vss delete --set ${set.id}\`.`
    : "The shadow copies were released.";
}

/**
 * Completes the set and then writes the final document (it records what was
 * backed up). When completion fails, the document is still written when it
 * can be, and the completion's error is the one reported.
 */
async function completeAndSave(
  set: ShadowCopySet,
  succeeded: boolean,
  documentPath: string | null,
): Promise<WriterStatus[]> {
  let status: WriterStatus[];
  try {
    status = await set.complete({ succeeded });
  } catch (error) {
    // Completion failed: that is the error reported, the document is written if it can be.
    if (documentPath !== null) await writeDocument(set, documentPath, "failed").catch(() => {});
    throw error;
  }
  if (documentPath !== null) {
    // After a failed backup, the failure is what the caller hears about.
    const written = writeDocument(set, documentPath, succeeded ? "completed" : "failed");
    await (succeeded ? written : written.catch(() => {}));
  }
  return status;
}

async function run(ctx: Context): Promise<ExitCode> {
  const { opts, out } = ctx;
  const { volumes, options } = await request(ctx);
  const exec = opts.string("exec") ?? null;
  const documentPath = opts.string("save-document") ?? null;
  const set = await createShadowCopySet(volumes, options);
  let completed = false;
  try {
    printSet(ctx, set, options);
    let execResult: ExecResult | null = null;
    if (exec !== null && !ctx.signal.aborted) {
      // The command gets the live document; the final one replaces it after completion.
      if (documentPath !== null) await writeDocument(set, documentPath, "before exec");
      out.note(`running: ${exec}`);
      execResult = await runShell(exec, execEnvironment(set, documentPath), {
        stdoutToStderr: out.json,
        signal: ctx.signal,
      });
      out.verbose(`the command exited with ${execResult.exitCode}`);
    }
    const succeeded = !ctx.signal.aborted && (execResult === null || execResult.success);
    completed = true;
    const statusAfter = await completeAndSave(set, succeeded, documentPath);
    if (ctx.signal.aborted) {
      throw new CliError(
        "interrupted while the --exec command ran; the backup was reported as failed",
        leftBehind(set),
        EXIT.aborted,
        { details: { setId: set.id } },
      );
    }
    if (execResult !== null && !execResult.success) {
      throw new CliError(
        `the --exec command failed (${
          exitDescription(execResult)
        }); the backup was reported as failed to the writers`,
        leftBehind(set),
        EXIT.exec,
        { details: { setId: set.id, exec: execResult } },
      );
    }
    out.result(
      {
        setId: set.id,
        persistent: set.persistent,
        transportable: options.transportable ?? false,
        context: options.context,
        backupType: options.backupType,
        providerId: options.providerId ?? null,
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
        if (documentPath !== null) {
          out.line(`Backup components document (after completion) saved to ${documentPath}`);
        }
        if (options.transportable) {
          out.line(
            `The transportable shadow copies are not surfaced here: \`vss import ${documentPath}\` ` +
              "surfaces them (on this or another machine with the hardware provider).",
          );
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
    "--transportable makes shadow copies that can be moved to another machine (a hardware " +
    "provider must support the volumes; the system provider cannot: exit 5). They are not " +
    "surfaced here (no device path, empty SHADOW_DEVICE_n), so --save-document is required: " +
    "`vss import FILE` surfaces them, `vss break --set ID` then makes them ordinary volumes. " +
    "It also needs --persistent: auto-release copies would be gone before they were used.",
    "Ctrl-C while the set is being created cancels the running step and aborts the backup: " +
    "nothing is left behind, the exit code is 7.",
    "A writer that vetoes PrepareForBackup or DoSnapshotSet stops the set: exit 4, naming the " +
    "writers, their state and failure codes. A veto of BackupComplete exits with 4 when the " +
    "writer is needed (included, or with data on the set in a full, incremental, differential " +
    "or log backup); otherwise the writer is listed as failed after BackupComplete.",
  ],
  options: [
    {
      name: "persistent",
      short: "p",
      kind: "boolean",
      description: "Keep the shadow copies after the command ends.",
    },
    {
      name: "transportable",
      kind: "boolean",
      description: "Make transportable shadow copies, for `vss import` here or on another " +
        "machine (needs a hardware provider, --save-document and --persistent).",
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
      parse: parseWriterSelector,
    },
    {
      name: "exclude-writer",
      kind: "list",
      value: "SELECTOR",
      description: "These writers take no part.",
      parse: parseWriterSelector,
    },
    {
      name: "backup-type",
      kind: "string",
      choices: BACKUP_KINDS,
      description: "The backup type writers are told (default copy: leaves their history alone).",
    },
    {
      name: "context",
      kind: "string",
      choices: SHADOW_COPY_CONTEXTS,
      description: "The shadow copy context (default backup).",
    },
    {
      name: "previous-stamp",
      kind: "list",
      value: "WRITER_ID:PATH=STAMP",
      description:
        "The previous backup's stamp for a selected component (incremental and differential backups).",
      parse: parseStamp,
    },
    providerOption("Use this provider (`vss providers`)."),
    ...timeoutOptions(
      DEADLINES,
      "Deadline for each phase below (default 5m each, 10m for the snapshot).",
    ),
    {
      name: "retries",
      kind: "string",
      value: "N",
      description: "How many times the set is made again after a DoSnapshotSet failure VSS " +
        "calls transient (flush/hold writes timeout, provider veto; default 3, 0: none).",
      parse: parseRetries,
    },
    durationOption(
      "retry-delay",
      "The pause before each of those retries (default 10m, as the DoSnapshotSet page advises).",
      { zero: true },
    ),
    durationOption(
      "in-progress-timeout",
      "How long to keep retrying while another shadow copy set is being created " +
        "(default 2m, pauses from 1 s doubling to 15 s; 0: fail at once).",
      { zero: true },
    ),
    {
      name: "save-document",
      kind: "string",
      value: "FILE",
      description: "Write the backup components document (for `vss restore` and `vss import`) " +
        "once the backup is complete; a write failure then exits with 8.",
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
      "create E: --persistent --transportable --save-document set.xml",
      "A transportable set made by a hardware provider; `vss import set.xml` surfaces it.",
    ],
    [
      "create C: --persistent --timeout-snapshot 30s --json",
      "Give up after 30 s of DoSnapshotSet; JSON out.",
    ],
  ],
  check,
  run,
};
