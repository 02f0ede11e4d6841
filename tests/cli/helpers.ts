/**
 * Runs the CLI as a subprocess against the simulator, the way a user would:
 * `deno run -A cli/main.ts ...` from a scratch working directory, optionally
 * with the simulator set up (and observed) by the preloaded `sim_hook.ts`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { simulatorPath } from "../support/simulator.ts";
import type { Report, Setup } from "./sim_hook.ts";

export type { Report, Setup };

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The CLI's entry module. */
export const MAIN: string = here("../../cli/main.ts");
/** The preload module that sets up the simulator. */
export const HOOK: string = here("./sim_hook.ts");

/** How to run the CLI. */
export interface RunOptions {
  /** Simulator set-up applied by the preload hook before the CLI starts. */
  setup?: Setup;
  /** Text on standard input (default: none, stdin closed). */
  stdin?: string;
  /** Extra environment variables (they override the defaults). */
  env?: Record<string, string>;
  /** Working directory (default: a fresh temporary directory). */
  cwd?: string;
  /** Run without the preload hook (no set-up, no report). */
  bare?: boolean;
}

/** The outcome of a CLI run. */
export interface RunResult {
  code: number;
  stdout: string;
  /** Standard error without the leading `vss: using ... VSS ...` line (see `notice`). */
  stderr: string;
  /** That line, which the CLI prints first whenever the VSS in use is not the system's. */
  notice: string | null;
  /** Standard output parsed as JSON (throws when it is not JSON). */
  json(): Record<string, unknown> & { [key: string]: unknown };
  /** What the simulator saw (null with `bare` or when the process wrote none). */
  report: Report | null;
}

/**
 * The environment a CLI run gets by default. Outside Windows VSS_LIBRARY_PATH
 * names the simulator; on Windows no variable loads it (the preload hook
 * opens it explicitly, or a run passes `--simulator`).
 */
export function baseEnv(): Record<string, string> {
  return {
    ...(Deno.build.os === "windows" ? {} : { VSS_LIBRARY_PATH: simulatorPath }),
    NO_COLOR: "1",
  };
}

/** The line the CLI prints first on stderr when the VSS in use is not the system's. */
export const NOTICE: RegExp = /^vss: using (simulator|custom) VSS (.+)\r?\n/;

/** Splits the CLI's stderr into the leading notice (if any) and the rest. */
export function splitNotice(stderr: string): { notice: string | null; rest: string } {
  const m = NOTICE.exec(stderr);
  return m === null
    ? { notice: null, rest: stderr }
    : { notice: m[0].trimEnd(), rest: stderr.slice(m[0].length) };
}

/** The `deno` arguments that start the CLI (with the hook unless `bare`). */
export function cliArgs(args: readonly string[], bare = false): string[] {
  return ["run", "-A", ...(bare ? [] : ["--preload", HOOK]), MAIN, ...args];
}

/**
 * Runs `vss ARGS...` and collects its exit code, output and the simulator report.
 *
 * @example
 * ```ts ignore
 * const r = await runCli(["list", "--json"], { setup: { sets: [{ volumes: ["C:\\"] }] } });
 * ```
 */
export async function runCli(
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const scratch = await Deno.makeTempDir({ prefix: "vss-cli-test-" });
  const reportPath = `${scratch}/report.json`;
  try {
    const command = new Deno.Command(Deno.execPath(), {
      args: cliArgs(args, options.bare),
      cwd: options.cwd ?? scratch,
      env: {
        ...baseEnv(),
        VSS_CLI_TEST_SETUP: JSON.stringify(options.setup ?? {}),
        VSS_CLI_TEST_REPORT: reportPath,
        ...options.env,
      },
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    });
    const child = spawnRetryingWineFlake(command);
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    const output = await child.output();
    const stdout = new TextDecoder().decode(output.stdout);
    const { notice, rest: stderr } = splitNotice(new TextDecoder().decode(output.stderr));
    let report: Report | null = null;
    try {
      report = JSON.parse(await Deno.readTextFile(reportPath));
    } catch { /* no report */ }
    return {
      code: output.code,
      stdout,
      stderr,
      notice,
      json() {
        try {
          return JSON.parse(stdout);
        } catch {
          throw new Error(
            `stdout is not JSON (exit ${output.code}):\n${stdout}\nstderr:\n${stderr}`,
          );
        }
      },
      report,
    };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/** The methods the simulator saw called, in order (`Interface::Method`). */
export function methods(report: Report | null): string[] {
  return (report?.calls ?? []).map((c) => c.method);
}

/** The calls of one method. */
export function callsOf(report: Report | null, method: string): Report["calls"] {
  return (report?.calls ?? []).filter((c) => c.method === method);
}

/** A temporary directory for files a test passes to the CLI; removed by the returned function. */
export async function workDir(): Promise<
  { path: string; file(name: string): string; [Symbol.asyncDispose](): Promise<void> }
> {
  const path = await Deno.makeTempDir({ prefix: "vss-cli-files-" });
  return {
    path,
    file: (name: string) => `${path}/${name}`,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Whether the simulator library mentions `text` (how tests detect newer simulator features). */
function simulatorMentions(text: string): boolean {
  try {
    const bytes = Deno.readFileSync(simulatorPath);
    const needle = new TextEncoder().encode(text);
    outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
      for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** Whether the simulator keeps its machine in `VSS_SIM_STATE_DIR` across processes. */
export const simulatorHasStateDir: boolean = simulatorMentions("VSS_SIM_STATE_DIR");

/** Whether the simulator has directory volumes (snapshot folders under `VSS_SIM_SNAPSHOT_ROOT`). */
export const simulatorHasDirectoryVolumes: boolean = simulatorMentions("VSS_SIM_SNAPSHOT_ROOT");

/** Whether the simulator has the `vss_sim_generate_*` helpers. */
export const simulatorHasGenerators: boolean = simulatorMentions("vss_sim_generate_snapshots");

/** A common writer set-up: a database writer with one component and a file writer. */
export const WRITERS: Setup["writers"] = [
  {
    name: "SQL Sim",
    writerId: "a0000000-0000-0000-0000-000000000001",
    instanceId: "b0000000-0000-0000-0000-000000000001",
    components: [{
      logicalPath: "Instance",
      name: "db1",
      type: 1,
      files: [
        { kind: "database", path: "C:\\sql\\", filespec: "db1.mdf" },
        { kind: "log", path: "C:\\sql\\", filespec: "db1.ldf" },
      ],
    }],
  },
  {
    name: "Files Sim",
    writerId: "a0000000-0000-0000-0000-000000000002",
    instanceId: "b0000000-0000-0000-0000-000000000002",
    components: [{
      logicalPath: null,
      name: "files",
      files: [{ kind: "file", path: "C:\\data\\", filespec: "*" }],
    }],
  },
];

/**
 * Under Wine, CreateProcess now and then fails with ERROR_INTERNAL_ERROR
 * (os error 1359) before the child runs; nothing of ours has happened yet, so
 * the spawn is tried again (at most twice). Any other failure is thrown.
 */
function spawnRetryingWineFlake(command: Deno.Command): Deno.ChildProcess {
  for (let attempt = 1;; attempt++) {
    try {
      return command.spawn();
    } catch (error) {
      const wineFlake = Deno.build.os === "windows" && /os error 1359\b/.test(String(error));
      if (!wineFlake || attempt === 3) throw error;
    }
  }
}
