/**
 * `--help` text (and its `--json` form) for the tool, each group and each
 * subcommand, built from the same specifications the parser uses.
 *
 * @module
 */

import type { OptionSpec } from "./args.ts";
import { type Command, type CommandGroup, type Entry, isGroup } from "./command.ts";
import { EXIT_TABLE } from "./errors.ts";

/** The name the tool calls itself in help. */
export const TOOL = "vss";

/** Options every subcommand accepts. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  {
    name: "json",
    kind: "boolean",
    description:
      "Print machine-readable JSON only (dates as ISO strings, 64-bit numbers as strings); errors too.",
  },
  {
    name: "verbose",
    short: "v",
    kind: "boolean",
    description: "Print progress lines when stderr is not a terminal, and extra notes.",
  },
  {
    name: "debug",
    kind: "boolean",
    description: "Print the stack trace (and causes) of an error.",
  },
  {
    name: "simulator",
    kind: "optional",
    value: "PATH",
    description: "Drive the VSS simulator instead of the system's VSS: this checkout's build, or " +
      "the library at PATH. On Windows nothing else loads it.",
  },
  { name: "help", short: "h", kind: "boolean", description: "Show help and exit." },
];

const WIDTH = 100;

function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l);
}

function optionLabel(o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : "    ";
  const value = o.kind === "boolean"
    ? ""
    : o.kind === "optional"
    ? `[=${o.value ?? "VALUE"}]`
    : ` ${o.choices ? o.choices.join("|") : o.value ?? "VALUE"}`;
  return `${short}--${o.name}${value}`;
}

function optionLines(options: readonly OptionSpec[]): string[] {
  const labels = options.map(optionLabel);
  const column = Math.min(34, Math.max(...labels.map((l) => l.length)) + 4);
  const out: string[] = [];
  options.forEach((o, i) => {
    const label = `  ${labels[i]}`;
    const text = o.kind === "list" ? `${o.description} Repeatable.` : o.description;
    const body = wrap(text, WIDTH, column);
    if (label.length + 2 <= column) {
      out.push(label.padEnd(column) + body[0].trimStart(), ...body.slice(1));
    } else {
      out.push(label, ...body);
    }
  });
  return out;
}

function exampleLines(examples: readonly [string, string][]): string[] {
  return examples.flatMap(([cmd, what]) => [`  ${TOOL} ${cmd}`, ...wrap(what, WIDTH, 6)]);
}

/** The exit code table as text lines. */
export function exitCodeLines(): string[] {
  return EXIT_TABLE.map(([code, meaning]) => `  ${String(code).padStart(2)}  ${meaning}`);
}

/** Help for the whole tool. */
export function toolHelp(entries: readonly Entry[]): string {
  const commands = entries.flatMap((e) =>
    isGroup(e)
      ? [[e.name, e.summary] as const, ...e.commands.map((c) => [c.name, c.summary] as const)]
      : [[e.name, e.summary] as const]
  );
  const width = Math.max(...commands.map(([n]) => n.length)) + 4;
  return [
    `${TOOL} - create, list and manage Volume Shadow Copy Service (VSS) shadow copies`,
    "",
    "Usage:",
    `  ${TOOL} COMMAND [options] [arguments]`,
    `  ${TOOL} COMMAND --help`,
    "",
    ...wrap(
      "A requester for the Windows Volume Shadow Copy Service, in the spirit of vshadow and " +
        "diskshadow: create shadow copy sets with writer coordination, run a command while they " +
        "exist, list, expose, break, revert and delete them, manage shadow copy storage, and run " +
        "the restore sequence. On Windows it drives the real service (run it elevated) unless " +
        "--simulator asks for the simulator; elsewhere it drives the VSS simulator " +
        "(--simulator=PATH, VSS_LIBRARY_PATH, or the build in this checkout). When the VSS in use " +
        "is not the system's, stderr says so first: `vss: using simulator VSS PATH`.",
      WIDTH,
      0,
    ),
    "",
    "Commands:",
    ...commands.map(([n, s]) => `  ${n.padEnd(width)}${s}`),
    "",
    "Global options (any command):",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Exit codes:",
    ...exitCodeLines(),
    "",
    "Environment (not on Windows, where only --simulator loads another VSS):",
    "  VSS_LIBRARY_PATH      the VSS implementation to load (default: this checkout's simulator)",
    "  VSS_COM_RUNTIME_PATH  where BSTRs and task memory come from (default: that library)",
    "",
    "Examples:",
    ...exampleLines([
      [
        "create C: --persistent",
        "Make a persistent shadow copy of C: and print its id and device.",
      ],
      [
        'create C: --exec "copy %SHADOW_DEVICE_1%\\data\\app.db D:\\backup\\"',
        "Copy from a consistent, temporary shadow copy of C: (it goes away afterwards).",
      ],
      ["list --json", "Every shadow copy on the system as JSON."],
      ["delete --oldest C:", "Delete the oldest shadow copy of C:."],
    ]),
    "",
    `Run \`${TOOL} COMMAND --help\` for the options and examples of a command.`,
    "",
  ].join("\n");
}

/** Help for a group of subcommands. */
export function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length)) + 4;
  return [
    `${TOOL} ${group.name} - ${group.summary}`,
    "",
    "Usage:",
    ...group.commands.map((c) => `  ${TOOL} ${c.name} ${c.usage[0] ?? ""}`.trimEnd()),
    "",
    ...group.description.flatMap((p) => [...wrap(p, WIDTH, 0), ""]),
    "Commands:",
    ...group.commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    `Run \`${TOOL} ${group.name} COMMAND --help\` for the options and examples of each.`,
    "",
  ].join("\n");
}

/** Help for one subcommand. */
export function commandHelp(command: Command): string {
  return [
    `${TOOL} ${command.name} - ${command.summary}`,
    "",
    "Usage:",
    ...command.usage.map((u) => `  ${TOOL} ${command.name} ${u}`.trimEnd()),
    "",
    ...command.description.flatMap((p) => [...wrap(p, WIDTH, 0), ""]),
    ...(command.options.length > 0 ? ["Options:", ...optionLines(command.options), ""] : []),
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Examples:",
    ...exampleLines(command.examples),
    "",
    "Exit codes:",
    ...exitCodeLines(),
    "",
  ].join("\n");
}

function optionJson(o: OptionSpec) {
  return {
    name: `--${o.name}`,
    short: o.short ? `-${o.short}` : null,
    kind: o.kind,
    value: o.kind === "boolean" ? null : o.value ?? "VALUE",
    choices: o.choices ?? null,
    description: o.description,
  };
}

/** The help of an entry (or of the tool, for null) as data, for `--help --json`. */
export function helpJson(entry: Entry | null, entries: readonly Entry[]): unknown {
  const exitCodes = EXIT_TABLE.map(([code, meaning]) => ({ code, meaning }));
  const globalOptions = GLOBAL_OPTIONS.map(optionJson);
  if (entry === null) {
    return {
      tool: TOOL,
      commands: entries.flatMap((e) =>
        isGroup(e) ? e.commands.map((c) => ({ name: c.name, summary: c.summary })) : [{
          name: e.name,
          summary: e.summary,
        }]
      ),
      globalOptions,
      exitCodes,
    };
  }
  if (isGroup(entry)) {
    return {
      command: entry.name,
      summary: entry.summary,
      description: entry.description,
      commands: entry.commands.map((c) => ({ name: c.name, summary: c.summary })),
    };
  }
  return {
    command: entry.name,
    summary: entry.summary,
    usage: entry.usage.map((u) => `${TOOL} ${entry.name} ${u}`.trimEnd()),
    description: entry.description,
    options: entry.options.map(optionJson),
    globalOptions,
    examples: entry.examples.map(([command, description]) => ({
      command: `${TOOL} ${command}`,
      description,
    })),
    exitCodes,
  };
}
