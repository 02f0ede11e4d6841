/**
 * Runs Windows programs under Wine for tests, through `scripts/wine/run.sh`
 * (which prepares and caches the Wine prefix).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/wine/run.sh", import.meta.url));

/** Runs a Windows console program and returns its standard output; a non-zero exit throws. */
export async function runWindowsProgram(exe: string, args: string[] = []): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [script, exe, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${exe} under Wine exited with ${out.code}:\n${decoder.decode(out.stderr)}${
        decoder.decode(out.stdout)
      }`,
    );
  }
  return decoder.decode(out.stdout);
}
