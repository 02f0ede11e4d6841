/**
 * Command-line parsing for the CLI: option specifications (which also feed
 * `--help`), a parser for `--name value`, `--name=value`, short flags and
 * repeated options, and the value parsers (durations, sizes, GUIDs, writer
 * selectors) shared by the subcommands.
 *
 * @module
 */

import { normalizeGuid } from "../ffi/mod.ts";
import { checkDuration, type WriterSelector } from "../mod.ts";
import { UsageError } from "./errors.ts";

/**
 * How an option takes its value: `boolean` none, `string` one (`--name VALUE`
 * or `--name=VALUE`), `list` one per use, `optional` none or one given with
 * `=` only (`--simulator`, `--simulator=PATH`).
 */
export type OptionKind = "boolean" | "string" | "list" | "optional";

/** One option of a command (or a global option). */
export interface OptionSpec {
  /** Long name without the dashes (`persistent`). */
  name: string;
  /** One-letter alias without the dash (`y`). */
  short?: string;
  /** `boolean`: a flag; `string`: one value; `list`: repeatable, every value kept; `optional`: a flag or `=VALUE`. */
  kind: OptionKind;
  /** Placeholder of the value in help (`ID`, `FILE`). */
  value?: string;
  /** One-sentence help. */
  description: string;
  /** Allowed values, checked by the parser. */
  choices?: readonly string[];
  /**
   * Reads one value (a {@linkcode UsageError} when it is wrong). Every given
   * value is read before VSS is opened ({@linkcode checkValues}), so a bad
   * value is reported before any VSS work or notice.
   */
  parse?: (text: string) => unknown;
}

/**
 * Reads every given value of the options that have a parser
 * ({@linkcode OptionSpec.parse}): the first bad one is a {@linkcode UsageError}.
 *
 * @example
 * ```ts ignore
 * checkValues(opts, command.options); // before openRuntime
 * ```
 */
export function checkValues(opts: Options, specs: readonly OptionSpec[]): void {
  for (const spec of specs) {
    if (spec.parse === undefined || spec.kind === "boolean" || spec.kind === "optional") continue;
    for (const text of opts.list(spec.name)) spec.parse(text);
  }
}

/** An option whose value is a GUID (`value: "ID"`), read by {@linkcode parseGuid}. */
export function guidOption(name: string, description: string): OptionSpec {
  return {
    name,
    kind: "string",
    value: "ID",
    description,
    parse: (text) => parseGuid(`--${name}`, text),
  };
}

/** An option whose value is a duration; with `zero`, `0` means "do not wait". */
export function durationOption(
  name: string,
  description: string,
  options: { zero?: boolean } = {},
): OptionSpec {
  return {
    name,
    kind: "string",
    value: "DURATION",
    description,
    parse: (text) => parseDurationValue(`--${name}`, text, options),
  };
}

/**
 * A whole number from `min` to `max` for `option`; anything else is a
 * {@linkcode UsageError} that says the range.
 *
 * @example
 * ```ts ignore
 * parseWholeNumber("--concurrency", "4", 1, 64); // 4
 * ```
 */
export function parseWholeNumber(option: string, text: string, min: number, max: number): number {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(
      `${option} needs a whole number ${range}, not ${JSON.stringify(text)}`,
      `Write ${option} followed by a whole number ${range}.`,
    );
  }
  return n;
}

/** `parseDuration`, accepting `0` (any unit) when `zero` is set. */
function parseDurationValue(option: string, text: string, options: { zero?: boolean }): number {
  if (options.zero && /^0+(?:\.0+)?(?:ms|s|m|h)?$/i.test(text.trim())) return 0;
  return parseDuration(option, text);
}

/** The `--provider ID` option, described for the command at hand. */
export function providerOption(description: string): OptionSpec {
  return guidOption("provider", description);
}

/** The outcome of parsing: option values by long name, and the positional arguments. */
export interface ParsedArgs {
  /** Flags and values by long option name; lists are arrays. */
  options: Record<string, string | boolean | string[] | undefined>;
  /** Arguments that are not options, in order. */
  positionals: string[];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The closest known word to `word`, when it is close enough to be a likely typo. */
export function suggest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/**
 * Parses `argv` against `specs`. `--` ends the options; everything after it
 * is positional. Unknown options, missing values and values outside
 * `choices` are {@linkcode UsageError}s.
 *
 * @example
 * ```ts ignore
 * const { options, positionals } = parseArgs(["--persistent", "C:"], [
 *   { name: "persistent", kind: "boolean", description: "keep them" },
 * ]);
 * ```
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: ParsedArgs["options"] = {};
  const positionals: string[] = [];
  const unknown = (flag: string): never => {
    const guess = suggest(flag.replace(/^-+/, ""), [...byName.keys()]);
    throw new UsageError(
      `unknown option ${flag}`,
      guess ? `Did you mean --${guess}?` : "See --help for the options of this command.",
    );
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = byName.get(name) ?? unknown(`--${name}`);
    } else if (arg.startsWith("-") && arg.length > 1 && !/^-\d/.test(arg)) {
      if (arg.length !== 2) unknown(arg);
      spec = byShort.get(arg.slice(1)) ?? unknown(arg);
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.kind === "optional") {
      if (inline === "") {
        throw new UsageError(
          `--${spec.name}= needs a value after the =`,
          `Write --${spec.name} alone, or --${spec.name}=${spec.value ?? "VALUE"}.`,
        );
      }
      options[spec.name] = inline ?? true;
      continue;
    }
    if (spec.kind === "boolean") {
      if (inline !== undefined) {
        throw new UsageError(`--${spec.name} takes no value`, `Write --${spec.name} alone.`);
      }
      options[spec.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        throw new UsageError(
          `--${spec.name} needs a value (${spec.value ?? "VALUE"})`,
          `Write --${spec.name} ${spec.value ?? "VALUE"}.`,
        );
      }
      value = argv[++i];
    }
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(
        `--${spec.name} does not accept ${JSON.stringify(value)}`,
        `Use one of: ${spec.choices.join(", ")}.`,
      );
    }
    if (spec.kind === "list") {
      const list = (options[spec.name] as string[] | undefined) ?? [];
      list.push(value);
      options[spec.name] = list;
    } else {
      options[spec.name] = value;
    }
  }
  return { options, positionals };
}

/** Typed access to parsed options. */
export class Options {
  readonly #parsed: ParsedArgs;
  /** Wraps a parse result. */
  constructor(parsed: ParsedArgs) {
    this.#parsed = parsed;
  }
  /** The positional arguments. */
  get positionals(): string[] {
    return this.#parsed.positionals;
  }
  /** Whether a boolean flag was given. */
  flag(name: string): boolean {
    return this.#parsed.options[name] === true;
  }
  /** A single value, or undefined. */
  string(name: string): string | undefined {
    const v = this.#parsed.options[name];
    return typeof v === "string" ? v : undefined;
  }
  /** Every value of a repeatable option. */
  list(name: string): string[] {
    const v = this.#parsed.options[name];
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  }
  /** Whether the option was given at all. */
  has(name: string): boolean {
    return this.#parsed.options[name] !== undefined;
  }
  /** The value of `--name` when it is one of `choices` (a usage error otherwise), or undefined. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const known = (v: string): v is T => (choices as readonly string[]).includes(v);
    if (!known(value)) {
      throw new UsageError(
        `--${name} does not accept ${JSON.stringify(value)}`,
        `Use one of: ${choices.join(", ")}.`,
      );
    }
    return value;
  }
  /** The GUID value of `--name` in canonical form, or undefined when not given. */
  guid(name: string): string | undefined {
    const text = this.string(name);
    return text === undefined ? undefined : parseGuid(`--${name}`, text);
  }
  /** An `optional` option: true when given alone, its value when given with `=`, else undefined. */
  optional(name: string): string | true | undefined {
    const v = this.#parsed.options[name];
    return v === true || typeof v === "string" ? v : undefined;
  }
  /**
   * The duration value of `--name` in milliseconds, or undefined when not
   * given; with `zero`, `0` is accepted too (for "do not wait").
   */
  duration(name: string, options: { zero?: boolean } = {}): number | undefined {
    const text = this.string(name);
    return text === undefined ? undefined : parseDurationValue(`--${name}`, text, options);
  }
}

/**
 * Milliseconds from `1500ms`, `30s`, `5m`, `1h` or a bare number of seconds.
 * The value is checked as the requester checks deadlines (`checkDuration`):
 * zero, or longer than a timer can wait (2^31-1 ms, about 24.8 days), is a
 * usage error naming `option`.
 *
 * @example
 * ```ts ignore
 * parseDuration("--timeout", "2m"); // 120000
 * ```
 */
export function parseDuration(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/i.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `${option} needs a duration, not ${JSON.stringify(text)}`,
      "Write a number of seconds, or add a unit: 500ms, 30s, 5m, 1h.",
    );
  }
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[
    (m[2] ?? "s").toLowerCase() as "ms" | "s" | "m" | "h"
  ];
  const ms = Math.round(Number(m[1]) * scale);
  try {
    return checkDuration(option, ms);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new UsageError(
      `${option} ${text} is out of range: ${error.message}`,
      "Give a duration above zero and at most 24 days, e.g. 30s, 5m or 2h.",
      { cause: error },
    );
  }
}

/** Size suffixes (lower case) and their factor: `k`, `kb` and `kib` are all 1024, and so on. */
const SIZE_UNITS: Record<string, bigint> = { "": 1n, b: 1n };
["k", "m", "g", "t"].forEach((p, i) => {
  for (const unit of [p, `${p}b`, `${p}ib`]) SIZE_UNITS[unit] = 1n << BigInt(10 * (i + 1));
});

/** The maximum-size value VSS reads as "no limit". */
export const UNBOUNDED = -1n;

/**
 * Bytes from `320MB`, `10GB`, `1.5TB` (binary units), a byte count, or
 * `unbounded` ({@linkcode UNBOUNDED}).
 *
 * @example
 * ```ts ignore
 * parseSize("--max", "10GB"); // 10737418240n
 * ```
 */
export function parseSize(option: string, text: string): bigint {
  const t = text.trim().toLowerCase();
  if (t === "unbounded" || t === "unlimited" || t === "-1") return UNBOUNDED;
  const m = /^(\d+)(?:\.(\d+))?\s*([a-z]*)$/.exec(t);
  const unit = m ? SIZE_UNITS[m[3]] : undefined;
  if (!m || unit === undefined) {
    throw new UsageError(
      `${option} needs a size, not ${JSON.stringify(text)}`,
      "Write bytes or a size with a unit (KB, MB, GB, TB; powers of 1024), or `unbounded`.",
    );
  }
  const fraction = m[2] ?? "";
  const scale = 10n ** BigInt(fraction.length);
  return (BigInt(m[1] + fraction) * unit) / scale;
}

/**
 * A GUID in canonical lower-case form; anything else is a usage error
 * naming `what`.
 *
 * @example
 * ```ts ignore
 * parseGuid("--set", "{B5946137-7B9F-4925-AF80-51ABD60B20D5}");
 * ```
 */
export function parseGuid(what: string, text: string): string {
  try {
    return normalizeGuid(text.trim());
  } catch {
    throw new UsageError(
      `${what} needs a GUID, not ${JSON.stringify(text)}`,
      "Write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (braces optional); `vss list` shows the ids.",
    );
  }
}

/** Whether `text` is a GUID. */
export function isGuid(text: string): boolean {
  try {
    normalizeGuid(text.trim());
    return true;
  } catch {
    return false;
  }
}

const SELECTOR_KEYS = ["name", "class", "instance", "component"] as const;

/**
 * Writer selectors from one `--include-writer`/`--exclude-writer` value.
 *
 * A bare GUID matches a writer class id or instance id (two selectors); any
 * other bare text is a writer name; `name:`, `class:`, `instance:` and
 * `component:` prefixes say which field is meant, and `;` combines terms
 * that must all match (`name:SQL;component:Instance\db1`).
 *
 * @example
 * ```ts ignore
 * parseWriterSelector("component:Instance\\db1"); // [{ componentPath: "Instance\\db1" }]
 * ```
 */
export function parseWriterSelector(text: string): WriterSelector[] {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new UsageError("an empty writer selector", "Give a writer name, id or component path.");
  }
  if (isGuid(trimmed)) {
    const id = normalizeGuid(trimmed);
    return [{ classId: id }, { instanceId: id }];
  }
  const hasPrefix = SELECTOR_KEYS.some((k) => trimmed.toLowerCase().startsWith(`${k}:`));
  if (!hasPrefix) return [{ name: trimmed }];
  const selector: WriterSelector = {};
  for (const term of trimmed.split(";")) {
    const colon = term.indexOf(":");
    const key = term.slice(0, colon).trim().toLowerCase();
    const value = term.slice(colon + 1).trim();
    if (colon < 0 || !(SELECTOR_KEYS as readonly string[]).includes(key) || value === "") {
      throw new UsageError(
        `cannot read the writer selector ${JSON.stringify(text)}`,
        "Use name:NAME, class:GUID, instance:GUID or component:PATH, joined with `;`.",
      );
    }
    if (key === "name") selector.name = value;
    else if (key === "class") selector.classId = parseGuid("class:", value);
    else if (key === "instance") selector.instanceId = parseGuid("instance:", value);
    else selector.componentPath = value;
  }
  return [selector];
}
