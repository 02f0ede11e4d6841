/**
 * Figures for the file layer: event-loop lag (p99) while a 30,000-file / 1 GB
 * directory volume is snapshotted, and how long a cancel takes to act.
 *   deno run --allow-all simulator/bench/file_layer.ts [files] [bytes]
 */
import { join } from "node:path";
import { createShadowCopySet } from "../../mod.ts";
import { openSimulator } from "../control.ts";

const files = Number(Deno.args[0] ?? 30000), bytes = Number(Deno.args[1] ?? 1 << 30);
const base = Deno.makeTempDirSync({ prefix: "vss-sim-bench-" });
const volume = join(base, "vol");
Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", join(base, "snaps"));
const { runtime, sim } = openSimulator();
const chunk = new Uint8Array(Math.floor(bytes / files)).fill(1);
for (let d = 0; d * 1000 < files; d++) {
  Deno.mkdirSync(join(volume, `d${d}`), { recursive: true });
  for (let i = 0; i < 1000 && d * 1000 + i < files; i++) {
    Deno.writeFileSync(join(volume, `d${d}`, `f${i}`), chunk);
  }
}

/** Lag samples of a 1 ms interval timer while `work` runs. */
async function lagDuring(work: () => Promise<unknown>): Promise<number[]> {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  await work().catch(() => {});
  clearInterval(timer);
  return lags.sort((a, b) => a - b);
}

const started = performance.now();
const lags = await lagDuring(async () => {
  await using _set = await createShadowCopySet([volume], { runtime, writers: false });
});
const took = performance.now() - started;
const p99 = lags[Math.floor(lags.length * 0.99)] ?? 0;
console.log(
  `snapshot of ${files} files / ${bytes} bytes: ${took.toFixed(0)} ms, event-loop lag p99 ${
    p99.toFixed(1)
  } ms, max ${lags.at(-1)?.toFixed(1)} ms`,
);

const cancels: number[] = [];
for (let i = 0; i < 5; i++) {
  const controller = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 100);
  await createShadowCopySet([volume], { runtime, writers: false, signal: controller.signal }).catch(
    () => {},
  );
  cancels.push(performance.now() - abortedAt);
}
console.log(
  `cancel latency (abort -> rejection): ${cancels.map((c) => c.toFixed(1)).join(", ")} ms`,
);
sim.reset();
new Deno.Command("chmod", { args: ["-R", "u+w", base] }).outputSync();
Deno.removeSync(base, { recursive: true });
