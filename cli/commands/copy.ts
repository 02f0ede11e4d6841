/**
 * `vss copy SOURCE... DEST`: snapshot the volumes that hold the sources,
 * copy the trees out of the shadow copies with backup semantics, and release
 * the shadow copies (on success, failure and Ctrl-C).
 *
 * @module
 */

import {
  copyFromShadowCopy,
  type CopyProgress,
  type CopySummary,
} from "../../requester/files/mod.ts";
import { type Options, parseWholeNumber } from "../args.ts";
import type { Command, Context } from "../command.ts";
import { EXIT, type ExitCode, UsageError } from "../errors.ts";

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** One progress line: files, bytes, rate and time left. */
export function progressLine(p: CopyProgress): string {
  const eta = p.etaMs === null ? "?" : `${Math.ceil(p.etaMs / 1000)}s`;
  const share = p.totalBytes > 0 ? ` ${Math.floor((p.bytes / p.totalBytes) * 100)}%` : "";
  return `copying${share}: ${p.files}/${p.totalFiles} files, ${mib(p.bytes)}/${
    mib(p.totalBytes)
  }, ` +
    `${mib(p.bytesPerSecond)}/s, ETA ${eta}`;
}

const parseConcurrency = (text: string) => parseWholeNumber("--concurrency", text, 1, 64);

function concurrencyOf(ctx: Context): number | undefined {
  const text = ctx.opts.string("concurrency");
  return text === undefined ? undefined : parseConcurrency(text);
}

function printSummary(ctx: Context, s: CopySummary): void {
  const { out } = ctx;
  for (const source of s.sources) {
    out.line(`${source.source} -> ${source.destination}`);
  }
  const t = s.totals;
  out.line(
    `Copied ${t.files} file(s), ${mib(t.bytes)} in ${(s.copyMs / 1000).toFixed(1)}s ` +
      `(${mib(s.bytesPerSecond)}/s); ${t.unchanged} unchanged, ${t.directories} folder(s), ` +
      `${t.links} link(s).`,
  );
  if (t.excluded + t.writerExcluded > 0) {
    out.line(`Left out: ${t.excluded} by --exclude, ${t.writerExcluded} excluded by writers.`);
  }
  if (t.other > 0) out.line(`Skipped ${t.other} special file(s) (sockets, pipes, devices).`);
  for (const w of s.degradedWriters) out.line(`  degraded (crash-consistent only): ${w}`);
  out.line(`Shadow copy set ${s.setId} was released.`);
}

/** Each SOURCE must exist now, when its volume is about to be snapshotted. */
async function checkSources(opts: Options): Promise<void> {
  for (const source of opts.positionals.slice(0, -1)) {
    try {
      await Deno.lstat(source);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new UsageError(
        `the source ${source} does not exist`,
        "Give files or folders that exist; each is copied as it is when the shadow copy is made.",
      );
    }
  }
}

async function run(ctx: Context): Promise<ExitCode> {
  const { opts, out } = ctx;
  const positionals = opts.positionals;
  const destination = positionals[positionals.length - 1];
  const sources = positionals.slice(0, -1);
  const progress = out.progress();
  let lastLine = 0;
  const onProgress = (p: CopyProgress) => {
    if (progress.mode === "line") progress.step(progressLine(p));
    else if (progress.mode === "lines" && (p.done || performance.now() - lastLine > 2000)) {
      lastLine = performance.now();
      progress.step(progressLine(p));
    }
  };
  let summary: CopySummary;
  try {
    summary = await copyFromShadowCopy(sources, destination, {
      incremental: opts.flag("incremental"),
      exclude: opts.list("exclude"),
      honourWriterExclusions: !opts.flag("no-writer-exclusions"),
      privileges: opts.flag("no-privileges")
        ? false
        : opts.flag("require-privileges")
        ? "require"
        : true,
      concurrency: concurrencyOf(ctx),
      signal: ctx.signal,
      onProgress,
      shadowCopy: {
        runtime: ctx.runtime,
        writers: opts.flag("no-writers") ? false : undefined,
        onProgress: (e) => progress.event(e),
      },
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message, "See `vss copy --help`.");
    throw error;
  }
  const missing = summary.privileges?.missing ?? [];
  if (missing.length > 0) {
    out.note(
      `warning: the token does not hold ${
        missing.join(", ")
      }; files your account cannot read were not readable`,
    );
  }
  out.result(summary, () => printSummary(ctx, summary));
  return EXIT.ok;
}

/** `vss copy`. */
export const copyCommand: Command = {
  name: "copy",
  summary: "copy files and folders out of a fresh shadow copy (point in time)",
  usage: ["[options] SOURCE... DEST"],
  description: [
    "Creates one shadow copy set of the volumes that hold the SOURCEs, copies each SOURCE from " +
    "it to DEST/<name of SOURCE> (a drive root C:\\ goes to DEST/C), and releases the set. The " +
    "copy shows every file as it was at one moment, while applications keep writing.",
    "Files are read with backup semantics after SeBackupPrivilege is enabled, so ACLs that deny " +
    "the administrator do not stop the copy; links are recreated as links, never followed; " +
    "times and attributes are preserved. Files the writers exclude from backups are left out " +
    "unless --no-writer-exclusions.",
    "The backup is reported to the writers as succeeded only when every file was copied. " +
    "Ctrl-C stops the copy and releases the shadow copies (exit code 7); what was copied stays.",
  ],
  options: [
    {
      name: "incremental",
      short: "i",
      kind: "boolean",
      description: "Skip files whose size and modification time already match at DEST.",
    },
    {
      name: "exclude",
      short: "x",
      kind: "list",
      value: "GLOB",
      description:
        "Leave out matching paths (relative to each SOURCE; `*.tmp`, `cache/`, `logs/**/*.old`).",
    },
    {
      name: "no-writers",
      kind: "boolean",
      description: "Leave writers out (crash-consistent copy; no writer exclusions).",
    },
    {
      name: "no-writer-exclusions",
      kind: "boolean",
      description: "Copy the files writers ask backups to leave out too.",
    },
    {
      name: "require-privileges",
      kind: "boolean",
      description: "Fail when SeBackupPrivilege cannot be enabled (Windows).",
    },
    {
      name: "no-privileges",
      kind: "boolean",
      description: "Do not enable SeBackupPrivilege (read only what the account may read).",
    },
    {
      name: "concurrency",
      kind: "string",
      value: "N",
      description: "Files copied at once (default 4).",
      parse: parseConcurrency,
    },
  ],
  positionals: { min: 2, max: Infinity },
  examples: [
    ["copy C:\\Users\\me\\Documents E:\\backup", "copy a folder as it is right now"],
    ["copy --incremental --exclude '*.tmp' C:\\data D:\\projects E:\\backup", "update a backup"],
    ["copy --json C:\\data E:\\backup", "print the summary as JSON"],
  ],
  check: checkSources,
  run,
};
