/**
 * Runs a `deno` subcommand of the current executable in the project root and
 * returns its standard output; a failure throws with its output.
 *
 * @module
 */

import { projectRoot } from "./config.ts";

/** Standard output of `deno ARGS...`, run in the project root. */
export async function runDeno(args: string[]): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: projectRoot,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(
      `deno ${args.join(" ")} failed (exit ${output.code}):\n${decoder.decode(output.stderr)}${
        decoder.decode(output.stdout)
      }`,
    );
  }
  return decoder.decode(output.stdout);
}
