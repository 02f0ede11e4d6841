/**
 * Child processes for tests that must never hang: a deadline on the child's
 * exit and on its output, and (under Wine) the session's COM helpers started
 * before any child that could start them with its pipes.
 *
 * Why the Wine step: the first single-threaded COM apartment of a Wine session
 * starts `explorer.exe /desktop` and `rpcss.exe`. They are forked from the
 * process that needed them and keep its standard output and error open for as
 * long as the session lives, so a test that reads a child's piped output
 * waits for ever although the child has exited.
 *
 * @module
 */

const windows = Deno.build.os === "windows";

let started: Promise<void> | null = null;

/**
 * Starts the COM helper processes of the Wine session from a child whose
 * standard streams are all null, so that later children do not start them.
 * Does nothing outside Windows; on Windows it costs one short child process.
 *
 * @example Before spawning a child that initialises COM as STA, with pipes
 * ```ts ignore
 * import { startComHelpers } from "../support/child_process.ts";
 * await startComHelpers();
 * ```
 */
export function startComHelpers(): Promise<void> {
  if (!windows) return Promise.resolve();
  started ??= (async () => {
    const code = `const ole = Deno.dlopen("ole32.dll", {
  CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" },
});
ole.symbols.CoInitializeEx(null, 2);`;
    const result = await runChild(code, { flags: ["--allow-ffi"], pipes: false });
    if (result.code !== 0) throw new Error(`starting the COM helpers failed: exit ${result.code}`);
  })();
  return started;
}

/** How {@linkcode runChild} runs the child. */
export interface ChildOptions {
  /** Deno permission flags (default: none). */
  flags?: string[];
  /** Extra arguments after the script. */
  args?: string[];
  /** Environment variables added to the child's. */
  env?: Record<string, string>;
  /** Pipe stdout and stderr (default `true`); with `false` they are null. */
  pipes?: boolean;
  /** Milliseconds before the child counts as hung and is killed (default 60,000). */
  timeoutMs?: number;
}

/** What {@linkcode runChild} saw. */
export interface ChildResult {
  /** The exit code; null when the child was killed for hanging. */
  code: number | null;
  /** Standard output and error, in that order ("" without pipes). */
  out: string;
  /** Why the run did not finish in time, or null. */
  hung: string | null;
}

/**
 * Runs `code` as a Deno script in a child process. When the child has not
 * exited, or its pipes are still open, `timeoutMs` after the start, it is
 * killed and `hung` says which; the caller fails the test on it.
 *
 * @example A child that prints
 * ```ts ignore
 * const r = await runChild(`console.log("hi")`);
 * if (r.hung !== null) throw new Error(r.hung);
 * ```
 */
export async function runChild(code: string, options: ChildOptions = {}): Promise<ChildResult> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, code);
  try {
    return await runCommand(
      [
        "run",
        "--no-config",
        "--no-check",
        ...(options.flags ?? []),
        script,
        ...(options.args ?? []),
      ],
      options,
    );
  } finally {
    await Deno.remove(script);
  }
}

/**
 * Runs `deno ARGS...` with the deadline of {@linkcode runChild}.
 *
 * @example Run a module with a deadline
 * ```ts ignore
 * const r = await runCommand(["run", "-A", "main.ts"], { timeoutMs: 30_000 });
 * ```
 */
export async function runCommand(args: string[], options: ChildOptions = {}): Promise<ChildResult> {
  const pipes = options.pipes ?? true;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: options.env,
    stdin: "null",
    stdout: pipes ? "piped" : "null",
    stderr: pipes ? "piped" : "null",
  }).spawn();
  const stdout = pipes ? collect(child.stdout) : null;
  const stderr = pipes ? collect(child.stderr) : null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const status = await Promise.race([child.status, deadline]);
    if (status === "timeout") {
      child.kill("SIGKILL");
      await child.status;
      await Promise.all([stdout?.cancel(), stderr?.cancel()]);
      return { code: null, out: "", hung: `the child did not exit within ${timeoutMs} ms` };
    }
    const output = await Promise.race([
      Promise.all([stdout?.text ?? "", stderr?.text ?? ""]),
      deadline,
    ]);
    if (output === "timeout") {
      await Promise.all([stdout?.cancel(), stderr?.cancel()]);
      return {
        code: status.code,
        out: "",
        hung: `the child exited (${status.code}) but its output stayed open for ${timeoutMs} ms`,
      };
    }
    return { code: status.code, out: output[0] + output[1], hung: null };
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a stream to text; `cancel` stops reading (the text then resolves to what came). */
function collect(
  stream: ReadableStream<Uint8Array>,
): { text: Promise<string>; cancel(): Promise<void> } {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const text = (async () => {
    let out = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        out += decoder.decode(value, { stream: true });
      }
    } catch { /* cancelled */ }
    return out + decoder.decode();
  })();
  return {
    text,
    async cancel() {
      await reader.cancel().catch(() => {});
      await text;
    },
  };
}
