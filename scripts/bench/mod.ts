/**
 * `deno task bench`: every benchmark, one after the other. With `--json`,
 * only the call-path figures, as the one JSON object `scripts/bench/thunks.ts`
 * prints (denoCallNs, koffiCallNs, cCallNs, guidByValueCallNs, query10kMs,
 * metadataMs, cFloorQueryMs, cFloorMetadataMs and their reasons), so that
 * runs can be compared across machines.
 *
 *   deno run -A scripts/bench/mod.ts [--json]
 *
 * @module
 */

const json = Deno.args.includes("--json");
const here = new URL(".", import.meta.url);

async function run(script: string, args: string[], gc: boolean): Promise<void> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(gc ? ["--v8-flags=--expose-gc"] : []),
      new URL(script, here).href,
      ...args,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`${script} failed (exit ${code})`);
}

if (json) {
  await run("thunks.ts", ["--json"], true);
} else {
  await run("ffi_call.ts", [], false);
  await run("requester.ts", [], true);
  await run("thunks.ts", [], true);
}
