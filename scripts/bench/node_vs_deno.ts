/**
 * Benchmark (not a test): the cost of one IVssAsync::QueryStatus call on the
 * Linux simulator through the generated wrapper, under Deno (Deno's FFI) and
 * under Node (koffi, from the npm package built by scripts/build_npm.ts and
 * installed into a scratch project), with the Node/Deno ratio (goal ≤ 2).
 * Each side also times a raw call of the same vtable slot for reference.
 *
 *   deno run -A scripts/bench/node_vs_deno.ts [calls]
 *
 * @module
 */

import { openSimulator, simulatorPath } from "../../simulator/control.ts";
import { createBackupComponents } from "../../ffi/vss.ts";
import { vtables } from "../../ffi/generated/mod.ts";
import { backend } from "../../ffi/backend/mod.ts";
import { buildTarballs, installIntoScratch } from "../build_npm.ts";

const calls = Number(Deno.args[0] ?? 1_000_000);
const ROUNDS = 3;

/** Median ns per call of `fn` over ROUNDS rounds of `calls` calls, after a warm-up. */
function measure(fn: () => void): number {
  for (let i = 0; i < Math.min(calls / 10, 100_000); i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    rounds.push((performance.now() - start) * 1e6 / calls);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

function denoSide(): { wrapper: number; raw: number } {
  const { runtime, sim } = openSimulator();
  sim.recording(false);
  const backup = createBackupComponents(runtime);
  backup.InitializeForBackup(null);
  const op = backup.GatherWriterMetadata().pAsync!;
  const slot = vtables.IVssAsync.methods.QueryStatus;
  const raw = backend.function(backend.readU64(backend.readU64(op.address) + 8n * 5n), slot);
  const self = backend.pointer(op.address);
  const out = new Int32Array(8);
  const hr = backend.bufferPointer(out.subarray(0, 4));
  const reserved = backend.bufferPointer(out.subarray(4));
  const result = {
    raw: measure(() => raw(self, hr, reserved)),
    wrapper: measure(() => op.QueryStatus()),
  };
  op.release();
  backup.release();
  sim.recording(true);
  runtime.close();
  sim.close();
  return result;
}

/** The Node side, run in the scratch project: prints one JSON line. */
const NODE_BENCH = `
import { createBackupComponents, vtables } from "@vss/requester/binding";
import { openSimulator } from "@vss/requester/simulator";
// The backend is internal: its module in the installed package.
const { backend } = await import(
  new URL("./ffi/backend/mod.js", import.meta.resolve("@vss/requester/binding")).href
);
const [calls, rounds] = [Number(process.argv[2]), Number(process.argv[3])];
const { runtime, sim } = openSimulator();
sim.recording(false);
const backup = createBackupComponents(runtime);
backup.InitializeForBackup(null);
const op = backup.GatherWriterMetadata().pAsync;
const slot = vtables.IVssAsync.methods.QueryStatus;
const raw = backend.function(backend.readU64(backend.readU64(op.address) + 8n * 5n), slot);
const self = backend.pointer(op.address);
const out = new Int32Array(8);
const hr = backend.address(backend.bufferPointer(out));
const reserved = hr + 16n;
function measure(fn) {
  for (let i = 0; i < Math.min(calls / 10, 100000); i++) fn();
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    times.push((performance.now() - start) * 1e6 / calls);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}
const result = { raw: measure(() => raw(self, hr, reserved)), wrapper: measure(() => op.QueryStatus()) };
op.release();
backup.release();
sim.recording(true);
runtime.close();
sim.close();
console.log(JSON.stringify({ ...result, node: process.version }));
`;

async function nodeSide(): Promise<{ wrapper: number; raw: number; node: string }> {
  const { main, simulator } = await buildTarballs();
  const dir = await installIntoScratch([simulator, main]);
  try {
    await Deno.writeTextFile(`${dir}/bench.mjs`, NODE_BENCH);
    const out = await new Deno.Command("node", {
      args: ["bench.mjs", String(calls), String(ROUNDS)],
      cwd: dir,
      stdin: "null",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`the Node benchmark exited with ${out.code}`);
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

console.log(
  `IVssAsync::QueryStatus on ${simulatorPath}, recording off, ` +
    `median of ${ROUNDS} rounds of ${calls} calls`,
);
const deno = denoSide();
const node = await nodeSide();
const row = (label: string, ns: number) =>
  console.log(`${label.padEnd(40)} ${ns.toFixed(1).padStart(8)} ns/call`);
row(`Deno ${Deno.version.deno}: generated wrapper`, deno.wrapper);
row(`Deno ${Deno.version.deno}: raw UnsafeFnPointer`, deno.raw);
row(`Node ${node.node} (koffi): generated wrapper`, node.wrapper);
row(`Node ${node.node} (koffi): raw koffi function`, node.raw);
console.log(
  `\nNode / Deno (generated wrapper) = ${(node.wrapper / deno.wrapper).toFixed(2)} (goal ≤ 2.00)`,
);
console.log(
  `wrapper / raw: Deno ${(deno.wrapper / deno.raw).toFixed(2)}, Node ${
    (node.wrapper / node.raw).toFixed(2)
  }`,
);
