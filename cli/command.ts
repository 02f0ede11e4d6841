/**
 * The shape of a subcommand: its help (usage, options, examples) and the
 * function that runs it, and what that function is given.
 *
 * @module
 */

import type { VssRuntime } from "../ffi/mod.ts";
import type { Options, OptionSpec } from "./args.ts";
import { UsageError } from "./errors.ts";
import type { ExitCode } from "./errors.ts";
import type { Output } from "./output.ts";

/** What a running command gets. */
export interface Context {
  /** The parsed options and positional arguments of the command. */
  opts: Options;
  /** Where results, notes and progress go. */
  out: Output;
  /** Aborted on Ctrl-C (SIGINT); its reason is an InterruptedError. */
  signal: AbortSignal;
  /** The VSS the command drives (opened before it runs; `openVss()` returns it too). */
  runtime: VssRuntime;
}

/** A subcommand. */
export interface Command {
  /** The words that select it (`create`, `writers status`). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage lines after the command name (`[options] VOLUME...`). */
  usage: string[];
  /** Paragraphs of explanation. */
  description: string[];
  /** The command's own options (the global ones are added by the parser). */
  options: OptionSpec[];
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  /** Command lines (after `vss `) with what each does. */
  examples: [string, string][];
  /**
   * Checks what the option parsers cannot (options that exclude each other,
   * files to write): called before VSS is opened, so its usage errors come
   * before any VSS work or notice.
   */
  check?(opts: Options): void | Promise<void>;
  /** Runs the command; returns the exit code (default 0). */
  run(ctx: Context): Promise<ExitCode | void>;
}

/** A command with subcommands (`writers`, `diff-areas`). */
export interface CommandGroup {
  /** The first word (`writers`). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs of explanation. */
  description: string[];
  /** The subcommands; their names start with the group's name. */
  commands: Command[];
}

/** A command or a group of them. */
export type Entry = Command | CommandGroup;

/** Whether an entry is a group. */
export function isGroup(entry: Entry): entry is CommandGroup {
  return "commands" in entry;
}

/** Exactly one positional argument, or a usage error naming `what`. */
export function onePositional(ctx: Context, what: string): string {
  const p = ctx.opts.positionals;
  if (p.length !== 1) {
    throw new UsageError(`expected one ${what}, got ${p.length}`, "See --help for the usage.");
  }
  return p[0];
}

/** Options given together that exclude each other. */
export function exclusive(
  ctx: { opts: Options },
  names: string[],
  required: boolean,
): string | null {
  const given = names.filter((n) => ctx.opts.has(n));
  if (given.length > 1) {
    throw new UsageError(
      `${given.map((n) => `--${n}`).join(" and ")} cannot be used together`,
      `Give one of ${names.map((n) => `--${n}`).join(", ")}.`,
    );
  }
  if (required && given.length === 0) {
    throw new UsageError(
      `one of ${names.map((n) => `--${n}`).join(", ")} is required`,
      "See --help for the usage.",
    );
  }
  return given[0] ?? null;
}
