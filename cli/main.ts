/**
 * `vss`: a command-line requester for the Volume Shadow Copy Service, in the
 * spirit of vshadow and diskshadow. Real VSS on Windows, the VSS simulator
 * elsewhere.
 *
 * ```sh
 * deno run --allow-ffi --allow-env --allow-read --allow-write --allow-run cli/main.ts --help
 * ```
 *
 * This entry module only loads the CLI (`run.ts`), so that a failure to load
 * it — a missing permission while the VSS binding initialises, an unreachable
 * module when run from a URL — is still reported the CLI's way.
 *
 * @module
 */

import { EXIT, type ExitCode } from "./exit_codes.ts";

export { EXIT, EXIT_TABLE, type ExitCode } from "./exit_codes.ts";

function loadFailure(error: unknown, argv: readonly string[]): ExitCode {
  const permission = error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied;
  const failure = {
    exitCode: permission ? EXIT.unavailable : EXIT.internal,
    name: error instanceof Error ? error.name : "Error",
    message: `the CLI could not be loaded: ${error instanceof Error ? error.message : error}`,
    hint: permission
      ? "Run with the permissions it needs: --allow-ffi --allow-env --allow-read --allow-write --allow-run (or -A)."
      : "Check that every module of the CLI can be reached; rerun with --debug for the stack trace.",
  };
  const end = argv.indexOf("--");
  const head = end < 0 ? argv : argv.slice(0, end);
  const encoder = new TextEncoder();
  if (head.includes("--json")) {
    Deno.stdout.writeSync(encoder.encode(`${JSON.stringify({ error: failure }, null, 2)}\n`));
  } else {
    Deno.stderr.writeSync(encoder.encode(`error: ${failure.message}\nhint: ${failure.hint}\n`));
  }
  if (head.includes("--debug") && error instanceof Error) {
    Deno.stderr.writeSync(encoder.encode(`${error.stack ?? error.message}\n`));
  }
  return failure.exitCode;
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
  let run: (argv: readonly string[]) => Promise<ExitCode>;
  try {
    ({ main: run } = await import("./run.ts"));
  } catch (error) {
    return loadFailure(error, argv);
  }
  return await run(argv);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
