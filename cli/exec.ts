/**
 * Runs a user's command through the system shell (`--exec`), with extra
 * environment variables, while the CLI waits; Ctrl-C stops it.
 *
 * @module
 */

import { CliError, EXIT } from "./errors.ts";

/** How the command ended. */
export interface ExecResult {
  /** The command line as given. */
  command: string;
  /** Its exit code (128 + n when a signal ended it on Unix). */
  exitCode: number;
  /** The signal that ended it, if any. */
  signal: string | null;
  /** Whether it exited with 0. */
  success: boolean;
}

/** How the command ended, for a message: `exit code 3` or `exit code 143, signal SIGTERM`. */
export function exitDescription(result: ExecResult): string {
  return `exit code ${result.exitCode}${result.signal ? `, signal ${result.signal}` : ""}`;
}

function envValue(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The parent of every process (Linux: /proc; other Unix: ps). */
async function parents(): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  if (Deno.build.os === "linux") {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
        map.set(Number(entry.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      } catch { /* the process ended */ }
    }
  } else {
    const out = await new Deno.Command("ps", { args: ["-A", "-o", "pid=", "-o", "ppid="] })
      .output();
    for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid > 0) map.set(pid, ppid);
    }
  }
  return map;
}

/** Waits (briefly) until a process we sent SIGSTOP is stopped, so it cannot fork any more. */
async function stopped(pid: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (Deno.build.os !== "linux") {
      await new Promise((r) => setTimeout(r, 20));
      return;
    }
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      if ("TtZX".includes(stat.slice(stat.lastIndexOf(")") + 2)[0])) return;
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Ends the shell and everything it started, which would otherwise outlive it
 * (a shell killed while waiting leaves its children running). Windows:
 * taskkill /T. Elsewhere each process is frozen (SIGSTOP) before its
 * children are looked up, so none can appear unseen; then all get SIGTERM
 * and SIGCONT.
 */
async function killTree(child: Deno.ChildProcess): Promise<void> {
  if (Deno.build.os === "windows") {
    try {
      await new Deno.Command("taskkill", {
        args: ["/T", "/F", "/PID", String(child.pid)],
        stdout: "null",
        stderr: "null",
      }).output();
    } catch { /* fall back to the shell alone */ }
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    return;
  }
  const frozen: number[] = [];
  try {
    const queue = [child.pid];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      try {
        Deno.kill(pid, "SIGSTOP");
      } catch {
        continue; /* already gone */
      }
      frozen.push(pid);
      await stopped(pid);
      for (const [p, parent] of await parents()) {
        if (parent === pid && !frozen.includes(p)) queue.push(p);
      }
    }
  } catch { /* cannot look further: end what was found */ }
  for (const pid of frozen.reverse()) {
    for (const signal of ["SIGTERM", "SIGCONT"] as const) {
      try {
        Deno.kill(pid, signal);
      } catch { /* already gone */ }
    }
  }
  if (frozen.length === 0) {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
  }
}

/**
 * Runs `command` with `sh -c` (Windows: `cmd.exe /d /s /c`) and `env` added
 * to the environment. With `stdoutToStderr` its standard output goes to the
 * CLI's stderr (so `--json` output stays clean). When `signal` aborts, the
 * command is terminated and its end awaited.
 *
 * @example
 * ```ts ignore
 * const r = await runShell("echo %SHADOW_DEVICE_1%", { SHADOW_DEVICE_1: "..." }, { signal });
 * ```
 */
export async function runShell(
  command: string,
  env: Record<string, string>,
  options: { stdoutToStderr?: boolean; signal?: AbortSignal } = {},
): Promise<ExecResult> {
  const windows = Deno.build.os === "windows";
  const stdout = options.stdoutToStderr ? "piped" : "inherit";
  const spec: Deno.CommandOptions = windows
    ? {
      args: [`/d /s /c "${command}"`],
      windowsRawArguments: true,
      env,
      stdin: "inherit",
      stdout,
      stderr: "inherit",
    }
    : { args: ["-c", command], env, stdin: "inherit", stdout, stderr: "inherit" };
  const shell = windows ? envValue("COMSPEC") ?? "cmd.exe" : "/bin/sh";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(shell, spec).spawn();
  } catch (error) {
    throw new CliError(
      `could not start the --exec command with ${shell}: ${(error as Error).message}`,
      error instanceof Deno.errors.NotCapable
        ? "Allow running programs (--allow-run, or -A)."
        : "Check the command and that the shell exists.",
      EXIT.exec,
      { cause: error },
    );
  }
  const forwarding = options.stdoutToStderr && child.stdout
    ? child.stdout.pipeTo(Deno.stderr.writable, { preventClose: true }).catch(() => {})
    : Promise.resolve();
  const stop = () => void killTree(child);
  options.signal?.addEventListener("abort", stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    const status = await child.status;
    await forwarding;
    return {
      command,
      exitCode: status.code,
      signal: status.signal,
      success: status.success,
    };
  } finally {
    options.signal?.removeEventListener("abort", stop);
  }
}
