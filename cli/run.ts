/**
 * The CLI proper: finds the command, parses its options, runs it, and turns
 * every error into a message and an exit code. `main.ts` loads it.
 *
 * @module
 */

import { checkValues, Options, parseArgs, suggest } from "./args.ts";
import { type Context, type Entry, isGroup } from "./command.ts";
import { ENTRIES } from "./commands/mod.ts";
import {
  classify,
  EXIT,
  type ExitCode,
  type FailureContext,
  InterruptedError,
  UsageError,
} from "./errors.ts";
import { commandHelp, GLOBAL_OPTIONS, groupHelp, helpJson, TOOL, toolHelp } from "./help.ts";
import { Output } from "./output.ts";
import { openRuntime } from "./runtime.ts";

/** Turns SIGINT (and SIGTERM outside Windows) into an abort; a second one exits at once. */
class Interrupts implements Disposable {
  readonly controller = new AbortController();
  readonly #out: Output;
  readonly #listening: Deno.Signal[] = [];
  #count = 0;
  readonly #handler = () => {
    this.#count++;
    if (this.#count === 1) {
      this.#out.note("interrupted: cancelling (press Ctrl-C again to exit at once)");
      this.controller.abort(new InterruptedError("interrupted by the user"));
    } else {
      this.#out.stopProgress();
      Deno.exit(EXIT.aborted);
    }
  };

  constructor(out: Output) {
    this.#out = out;
    const signals: Deno.Signal[] = Deno.build.os === "windows"
      ? ["SIGINT", "SIGBREAK"]
      : ["SIGINT", "SIGTERM"];
    for (const s of signals) {
      try {
        Deno.addSignalListener(s, this.#handler);
        this.#listening.push(s);
      } catch { /* not supported here */ }
    }
  }

  [Symbol.dispose]() {
    for (const s of this.#listening) Deno.removeSignalListener(s, this.#handler);
  }
}

function globalSettings(argv: readonly string[]) {
  const end = argv.indexOf("--");
  const head = end < 0 ? argv : argv.slice(0, end);
  return {
    json: head.includes("--json"),
    verbose: head.includes("--verbose") || head.includes("-v"),
    debug: head.includes("--debug"),
  };
}

const GLOBAL_FLAGS = new Set(
  GLOBAL_OPTIONS.flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]),
);
const GLOBAL_WITH_VALUE = GLOBAL_OPTIONS.filter((o) => o.kind === "optional").map((o) =>
  `--${o.name}=`
);

/** Whether `arg` is a global option (`--json`, `-v`, `--simulator=PATH`). */
function isGlobal(arg: string): boolean {
  return GLOBAL_FLAGS.has(arg) || GLOBAL_WITH_VALUE.some((prefix) => arg.startsWith(prefix));
}

/** Index of the first argument that is not a global flag; options before it must be global. */
function nextWord(argv: readonly string[], from: number): number {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return -1;
    if (!a.startsWith("-") || a === "-") return i;
    if (!isGlobal(a)) return -1;
  }
  return -1;
}

function names(entries: readonly Entry[]): string[] {
  return [...entries.map((e) => e.name), "help"];
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit
 * code. Never throws: errors are reported and become exit codes.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await main(["list", "--json"]));
 * ```
 */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const out = new Output(globalSettings(argv));
  using interrupts = new Interrupts(out);
  let vss: FailureContext["vss"];
  const wantsHelp = (args: readonly string[]) => {
    const end = args.indexOf("--");
    const head = end < 0 ? args : args.slice(0, end);
    return head.includes("--help") || head.includes("-h");
  };
  const showHelp = (entry: Entry | null) => {
    if (out.json) out.result(helpJson(entry, ENTRIES), () => {});
    else if (entry === null) out.raw(toolHelp(ENTRIES));
    else out.raw(isGroup(entry) ? groupHelp(entry) : commandHelp(entry));
    return EXIT.ok;
  };
  try {
    let at = nextWord(argv, 0);
    if (at < 0) {
      if (wantsHelp(argv)) return showHelp(null);
      if (argv.some((a) => a.startsWith("-") && !isGlobal(a))) {
        throw new UsageError(
          `options must follow a command: ${argv.find((a) => !isGlobal(a))}`,
          `Write \`${TOOL} COMMAND [options]\`; \`${TOOL} --help\` lists the commands.`,
        );
      }
      throw new UsageError("no command given", `\`${TOOL} --help\` lists the commands.`);
    }
    const words: number[] = [at];
    let first = argv[at];
    if (first === "help") {
      const rest = argv.filter((a, i) => i > at && !a.startsWith("-"));
      if (rest.length === 0) return showHelp(null);
      first = rest[0];
      const top = ENTRIES.find((e) => e.name === first);
      if (!top) throw unknownCommand(first);
      if (isGroup(top) && rest[1]) {
        const sub = top.commands.find((c) => c.name === `${top.name} ${rest[1]}`);
        if (!sub) throw unknownCommand(`${top.name} ${rest[1]}`, top);
        return showHelp(sub);
      }
      return showHelp(top);
    }
    const top = ENTRIES.find((e) => e.name === first);
    if (!top) throw unknownCommand(first);
    let command;
    if (isGroup(top)) {
      at = nextWord(argv, at + 1);
      if (at < 0) {
        if (wantsHelp(argv)) return showHelp(top);
        throw new UsageError(
          `${TOOL} ${top.name} needs a subcommand: ${
            top.commands.map((c) => c.name.split(" ")[1]).join(", ")
          }`,
          `See \`${TOOL} ${top.name} --help\`.`,
        );
      }
      command = top.commands.find((c) => c.name === `${top.name} ${argv[at]}`);
      if (!command) throw unknownCommand(`${top.name} ${argv[at]}`, top);
      words.push(at);
    } else {
      command = top;
    }
    const rest = argv.filter((_, i) => !words.includes(i));
    if (wantsHelp(rest)) return showHelp(command);
    const opts = new Options(parseArgs(rest, [...GLOBAL_OPTIONS, ...command.options]));
    const { min, max } = command.positionals;
    const n = opts.positionals.length;
    if (n < min || n > max) {
      throw new UsageError(
        n < min
          ? `${TOOL} ${command.name} needs ${
            min === max ? min : `at least ${min}`
          } argument(s), got ${n}`
          : `${TOOL} ${command.name} takes ${
            max === 0 ? "no" : `at most ${max}`
          } argument(s), got ${n}: ${opts.positionals.slice(max).join(" ")}`,
        `Usage: ${TOOL} ${command.name} ${command.usage[0] ?? ""}`.trimEnd(),
      );
    }
    // Every usage error before VSS is opened (and before the notice that says which VSS).
    checkValues(opts, command.options);
    await command.check?.(opts);
    const runtime = openRuntime(opts, out);
    vss = runtime.loaded.kind;
    const ctx: Context = { opts, out, signal: interrupts.controller.signal, runtime };
    const code = (await command.run(ctx)) ?? EXIT.ok;
    out.stopProgress();
    return code;
  } catch (error) {
    const failure = classify(error, { vss });
    out.failure(failure, error);
    return failure.exitCode;
  }
}

function unknownCommand(name: string, group?: Entry): UsageError {
  const known = group && isGroup(group) ? group.commands.map((c) => c.name) : names(ENTRIES);
  const guess = suggest(name, known);
  return new UsageError(
    `unknown command ${JSON.stringify(name)}`,
    guess
      ? `Did you mean \`${TOOL} ${guess}\`?`
      : `\`${TOOL} ${group ? `${group.name} ` : ""}--help\` lists the commands.`,
  );
}
