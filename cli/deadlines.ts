/**
 * The deadline options of the commands that wait for VSS: `--timeout` for
 * every phase, `--timeout-PHASE` for one, and the per-phase deadlines they
 * give the requester API.
 *
 * @module
 */

import type { Deadlines } from "../mod.ts";
import { durationOption, type Options, type OptionSpec } from "./args.ts";

/** A step with a deadline of its own (a key of the requester's `Deadlines`). */
export type DeadlinePhase = keyof Deadlines;

/**
 * For each deadline: the requester phase it bounds (as progress events and
 * errors name it), its `--timeout-PHASE` option (null: only `--timeout`
 * sets it, for commands that wait once) and that option's help.
 */
const PHASE_OPTIONS: Readonly<
  Record<DeadlinePhase, { phase: string; option: string | null; description: string }>
> = {
  gatherMetadata: {
    phase: "gather-metadata",
    option: "timeout-gather",
    description: "Deadline for gathering writer metadata.",
  },
  prepare: {
    phase: "prepare",
    option: "timeout-prepare",
    description: "Deadline for PrepareForBackup (writers getting ready).",
  },
  snapshot: {
    phase: "snapshot",
    option: "timeout-snapshot",
    description: "Deadline for DoSnapshotSet (freeze, snapshot, thaw).",
  },
  writerStatus: {
    phase: "writer-status",
    option: "timeout-writer-status",
    description: "Deadline for each check of the writers' status after a phase.",
  },
  complete: {
    phase: "complete",
    option: "timeout-complete",
    description: "Deadline for BackupComplete.",
  },
  preRestore: {
    phase: "pre-restore",
    option: "timeout-pre-restore",
    description: "Deadline for PreRestore (writers getting ready).",
  },
  postRestore: {
    phase: "post-restore",
    option: "timeout-post-restore",
    description: "Deadline for PostRestore (writers taking the files back).",
  },
  import: { phase: "import", option: null, description: "Deadline for ImportSnapshots." },
  breakSet: { phase: "break", option: null, description: "Deadline for BreakSnapshotSetEx." },
  afterCancel: {
    phase: "after-cancel",
    option: null,
    description: "How long to wait for VSS to stop after a cancel (no command sets it).",
  },
};

/**
 * `--timeout` (described by `all`) and the `--timeout-PHASE` option of each
 * of `phases` that has one, for a command's option list.
 */
export function timeoutOptions(phases: readonly DeadlinePhase[], all: string): OptionSpec[] {
  const own = phases.flatMap((p): OptionSpec[] => {
    const { option, description } = PHASE_OPTIONS[p];
    return option === null ? [] : [durationOption(option, description)];
  });
  return [durationOption("timeout", all), ...own];
}

/**
 * The deadline of each of `phases` the options set: its `--timeout-PHASE`,
 * else `--timeout`; phases given neither are left out (the API's defaults
 * apply). Durations are checked as they are read (a usage error naming the
 * option).
 */
export function deadlinesFrom(opts: Options, phases: readonly DeadlinePhase[]): Partial<Deadlines> {
  const all = opts.duration("timeout");
  const deadlines: Partial<Deadlines> = {};
  for (const phase of phases) {
    const { option } = PHASE_OPTIONS[phase];
    const ms = (option === null ? undefined : opts.duration(option)) ?? all;
    if (ms !== undefined) deadlines[phase] = ms;
  }
  return deadlines;
}

/** The `--timeout-PHASE` option (without dashes) for a requester phase name, or null. */
export function deadlineOptionOf(phase: string): string | null {
  return Object.values(PHASE_OPTIONS).find((p) => p.phase === phase)?.option ?? null;
}
