/**
 * Benchmark: nanoseconds per call of IVssAsync::QueryStatus on the simulator
 * through the generated wrapper, through a raw cached UnsafeFnPointer of the
 * same slot, and from a C loop calling the simulator directly; prints the
 * wrapper/raw ratio (target ≤ 1.3). Also times the IVssAsync wait strategies.
 *
 *   deno run -A scripts/bench/ffi_call.ts [calls]
 *
 * @module
 */

import { openSimulator, simulatorPath } from "../../simulator/control.ts";
import { createBackupComponents } from "../../ffi/vss.ts";
import { vtables } from "../../ffi/generated/mod.ts";

const calls = Number(Deno.args[0] ?? 1_000_000);
const { runtime, sim } = openSimulator();
sim.recording(false);

const backup = createBackupComponents(runtime);
backup.InitializeForBackup(null);
const op = backup.GatherWriterMetadata().pAsync!;

function time(label: string, fn: () => void): number {
  for (let i = 0; i < Math.min(calls / 10, 100_000); i++) fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  const ns = (performance.now() - start) * 1e6 / calls;
  console.log(`${label.padEnd(34)} ${ns.toFixed(1).padStart(8)} ns/call`);
  return ns;
}

const slot = vtables.IVssAsync.methods.QueryStatus;
const vtable = new Deno.UnsafePointerView(Deno.UnsafePointer.create(op.address)!).getBigUint64(0);
const entry = new Deno.UnsafePointerView(Deno.UnsafePointer.create(vtable)!).getBigUint64(
  slot.slot * 8,
);
const raw = new Deno.UnsafeFnPointer(Deno.UnsafePointer.create(entry)!, {
  parameters: slot.parameters,
  result: slot.result,
});
const self = Deno.UnsafePointer.create(op.address);
const hrOut = new Int32Array(1);
const reserved = new Int32Array(1);
const hrPtr = Deno.UnsafePointer.of(hrOut);
const reservedPtr = Deno.UnsafePointer.of(reserved);

console.log(`QueryStatus on ${simulatorPath}, ${calls} calls each, recording off`);
const rawNs = time("raw cached UnsafeFnPointer", () => {
  raw.call(self, hrPtr, reservedPtr);
});
const wrapperNs = time("generated wrapper", () => {
  op.QueryStatus();
});

let cNs: number | null = null;
const cLoop = simulatorPath.replace(
  /[^/\\]+$/,
  Deno.build.os === "windows" ? "c_loop.exe" : "c_loop",
);
try {
  const out = await new Deno.Command(cLoop, { args: [String(calls * 10)], stdout: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const m = /QueryStatus[^\n]*?recording off[^\n]*?([\d.]+) ns/i.exec(text) ??
    /QueryStatus[^\n]*?([\d.]+) ns/i.exec(text);
  if (m) cNs = Number(m[1]);
  console.log(text.trim().split("\n").map((l) => `  c_loop: ${l}`).join("\n"));
} catch (error) {
  console.log(`  (C loop not run: ${(error as Error).message})`);
}

console.log(`\nwrapper / raw = ${(wrapperNs / rawNs).toFixed(2)} (target ≤ 1.30)`);
if (cNs !== null) {
  console.log(
    `raw / C loop  = ${(rawNs / cNs).toFixed(1)} (the cost of crossing into native code)`,
  );
}

// How an IVssAsync is awaited: nonblocking Wait versus polling QueryStatus.
// Each operation finishes 50 ms after it starts; the figure is the extra
// latency until the promise settles, and the event loop stays free in both.
sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", 50);
async function lateness(wait: (o: typeof op) => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    const pending = backup.GatherWriterStatus().pAsync!;
    const start = performance.now();
    await wait(pending);
    samples.push(performance.now() - start - 50);
    pending.release();
  }
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}
const FINISHED = 0x0004230a;
const poll = (interval: number) => async (o: typeof op) => {
  while (o.QueryStatus().pHrResult !== FINISHED) await new Promise((r) => setTimeout(r, interval));
};
console.log("\nawaiting an operation that takes 50 ms (mean extra latency over 10 runs):");
console.log(
  `  nonblocking Wait        ${
    (await lateness((o) => o.WaitNonblocking(0xffffffff).then(() => {}))).toFixed(2)
  } ms`,
);
console.log(`  QueryStatus every 1 ms  ${(await lateness(poll(1))).toFixed(2)} ms`);
console.log(`  QueryStatus every 10 ms ${(await lateness(poll(10))).toFixed(2)} ms`);
console.log("  chosen: nonblocking Wait (no polling cost, completion seen at once)");

op.release();
backup.release();
runtime.close();
