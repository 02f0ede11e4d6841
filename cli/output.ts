/**
 * Everything the CLI writes: results as JSON (`--json`) or as text, notes and
 * errors on stderr, and progress (one updating line on a terminal, plain
 * lines otherwise).
 *
 * @module
 */

import type { Phase, ProgressEvent } from "../mod.ts";
import type { Failure } from "./errors.ts";

const encoder = new TextEncoder();

/** `JSON.stringify` replacer: bigints as decimal strings (dates already become ISO strings). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** `value` as indented JSON with bigints as strings and dates as ISO strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2);
}

/** How progress is shown. */
export type ProgressMode = "line" | "lines" | "off";

/** Global output settings. */
export interface OutputSettings {
  /** Print machine-readable JSON only. */
  json: boolean;
  /** Print progress lines and extra notes. */
  verbose: boolean;
  /** Print stack traces of errors. */
  debug: boolean;
}

const PHASE_LABELS: Record<Phase, string> = {
  "initialize": "initializing",
  "gather-metadata": "gathering writer metadata",
  "start-set": "starting the shadow copy set",
  "add-volumes": "adding volumes",
  "prepare": "preparing (writers)",
  "snapshot": "creating the shadow copies",
  "properties": "reading shadow copy properties",
  "complete": "completing the backup",
  "pre-restore": "pre-restore (writers)",
  "copy": "copying files back",
  "post-restore": "post-restore (writers)",
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Progress on stderr: on a terminal one line rewritten in place (phase and
 * elapsed time, refreshed every 100 ms); elsewhere one line per phase start
 * and end (only with `--verbose`).
 */
export class Progress {
  readonly #mode: ProgressMode;
  readonly #verbose: boolean;
  #origin = performance.now();
  #label: string | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #shown = false;

  /** Shows progress in `mode`; `verbose` also keeps finished phases on a terminal. */
  constructor(mode: ProgressMode, verbose = false) {
    this.#mode = mode;
    this.#verbose = verbose;
  }

  /** The mode in use. */
  get mode(): ProgressMode {
    return this.#mode;
  }

  /** Reports an event from the requester API's `onProgress`. */
  event(e: ProgressEvent): void {
    this.#origin = performance.now() - e.elapsedMs;
    const phase = e.phase;
    const label = PHASE_LABELS[phase] ?? phase;
    const detail = e.detail ? ` (${e.detail})` : "";
    if (this.#mode === "lines") {
      this.#write(`[${seconds(e.elapsedMs).padStart(7)}] ${phase} ${e.state}${detail}\n`);
      return;
    }
    if (this.#mode === "off") return;
    if (e.state === "start") {
      this.#label = `${label}${detail}`;
      this.#start();
    } else {
      if (this.#verbose) {
        this.#clear();
        this.#write(`  done: ${label}${detail} at ${seconds(e.elapsedMs)}\n`);
      }
      this.#label = `${label}: done`;
      this.#render();
    }
  }

  /** Shows a free-form step (for commands without phase events). */
  step(label: string): void {
    const elapsed = performance.now() - this.#origin;
    if (this.#mode === "lines") {
      this.#write(`[${seconds(elapsed).padStart(7)}] ${label}\n`);
    } else if (this.#mode === "line") {
      this.#label = label;
      this.#start();
    }
  }

  /** A message that must stay visible (printed above the progress line). */
  note(text: string): void {
    if (this.#mode === "off") return;
    this.#clear();
    this.#write(`${text}\n`);
    this.#render();
  }

  /** Removes the progress line and stops refreshing it. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
    this.#label = null;
  }

  #start() {
    this.#render();
    this.#timer ??= setInterval(() => this.#render(), 100);
  }

  #render() {
    if (this.#mode !== "line" || this.#label === null) return;
    const time = ` … ${seconds(performance.now() - this.#origin)}`;
    const room = Math.max(10, consoleWidth() - 1 - time.length);
    const label = this.#label.length > room ? `${this.#label.slice(0, room - 1)}…` : this.#label;
    this.#write(`\r\x1b[2K${label}${time}`);
    this.#shown = true;
  }

  #clear() {
    if (this.#mode === "line" && this.#shown) {
      this.#write("\r\x1b[2K");
      this.#shown = false;
    }
  }

  #write(text: string) {
    try {
      Deno.stderr.writeSync(encoder.encode(text));
    } catch { /* stderr closed: progress is optional */ }
  }
}

function consoleWidth(): number {
  try {
    const { columns } = Deno.consoleSize();
    return columns >= 20 ? columns : 80;
  } catch {
    return 80;
  }
}

/** Result and message output of one CLI run. */
export class Output {
  /** The settings in force. */
  readonly settings: OutputSettings;
  #progress: Progress | null = null;

  /** Output with these settings. */
  constructor(settings: OutputSettings) {
    this.settings = settings;
  }

  /** Whether `--json` was given. */
  get json(): boolean {
    return this.settings.json;
  }

  /**
   * The progress display for this run: an updating line when stderr is a
   * terminal (not with --json), plain lines with --verbose, else nothing.
   */
  progress(): Progress {
    if (this.#progress) return this.#progress;
    let terminal = false;
    try {
      terminal = Deno.stderr.isTerminal();
    } catch { /* not a terminal */ }
    const mode: ProgressMode = !this.json && terminal
      ? "line"
      : this.settings.verbose
      ? "lines"
      : "off";
    this.#progress = new Progress(mode, this.settings.verbose);
    return this.#progress;
  }

  /** Stops the progress display, if any. */
  stopProgress(): void {
    this.#progress?.stop();
  }

  /**
   * The command's result: `value` as JSON with --json, else whatever `human`
   * prints.
   */
  result(value: unknown, human: () => void): void {
    this.stopProgress();
    if (this.json) this.#stdout(`${toJson(value)}\n`);
    else human();
  }

  /** A line of the human-readable result on stdout (never printed with --json). */
  line(text = ""): void {
    if (!this.json) this.#stdout(`${text}\n`);
  }

  /** A remark for the user on stderr (not with --json unless --verbose). */
  note(text: string): void {
    if (this.json && !this.settings.verbose) return;
    if (this.#progress && this.#progress.mode !== "off") this.#progress.note(text);
    else this.#stderr(`${text}\n`);
  }

  /** A remark shown only with --verbose. */
  verbose(text: string): void {
    if (this.settings.verbose) this.note(text);
  }

  /** Reports a failure: JSON on stdout with --json, else message and hint on stderr. */
  failure(failure: Failure, error: unknown): void {
    this.stopProgress();
    if (this.json) {
      this.#stdout(`${toJson({ error: failure })}\n`);
    } else {
      this.#stderr(`error: ${failure.message}\n`);
      if (failure.hint) this.#stderr(`hint: ${failure.hint}\n`);
    }
    if (this.settings.debug) {
      const stack = error instanceof Error ? error.stack ?? String(error) : String(error);
      this.#stderr(`${stack}\n`);
      for (let e = (error as Error)?.cause, n = 0; e && n < 8; e = (e as Error).cause, n++) {
        this.#stderr(`caused by: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      }
    }
  }

  /** Raw text on stdout (help). */
  raw(text: string): void {
    this.#stdout(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Raw text on stderr. */
  rawError(text: string): void {
    this.#stderr(text.endsWith("\n") ? text : `${text}\n`);
  }

  #stdout(text: string) {
    writeAll(Deno.stdout, encoder.encode(text));
  }

  #stderr(text: string) {
    writeAll(Deno.stderr, encoder.encode(text));
  }
}

function writeAll(target: { writeSync(p: Uint8Array): number }, data: Uint8Array) {
  let offset = 0;
  while (offset < data.length) offset += target.writeSync(data.subarray(offset));
}
