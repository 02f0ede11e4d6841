/**
 * Figures for the requester API on the simulator (a benchmark, not a test):
 *
 *   1. event-loop lag while a 3 s DoSnapshotSet runs (goal: p99 ≤ 15 ms)
 *   2. 10,000 create → snapshot → delete sessions: leaks and RSS growth (goal ≤ 10 MB)
 *   3. Query returning 10,000 shadow copies turned into objects (goal ≤ 20 ms)
 *   4. writer metadata of 100 writers × 100 components × 10 files as plain objects (goal ≤ 50 ms)
 *
 *   deno run -A scripts/bench/requester.ts [sessions]
 *
 * @module
 */

import { Simulator, simulatorPath } from "../../simulator/control.ts";
import { createShadowCopySet, getWriters, listShadowCopies, openVss } from "../../mod.ts";

const sessions = Number(Deno.args[0] ?? 10_000);
const sim = new Simulator();
sim.reset();
sim.recording(false);
const runtime = openVss({ libraryPath: simulatorPath });
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const line = (label: string, value: string, goal: string) =>
  console.log(`${label.padEnd(52)} ${value.padStart(12)}   ${goal}`);

// 1. Event-loop lag while DoSnapshotSet takes 3 s.
{
  sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", 3000);
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  const set = await createShadowCopySet(["C:\\"], { runtime, writers: false });
  clearInterval(timer);
  await set.complete();
  sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", 0);
  lags.sort((a, b) => a - b);
  const p99 = lags[Math.floor(lags.length * 0.99)];
  line(
    `event-loop lag during a 3 s DoSnapshotSet (${lags.length} ticks)`,
    `p99 ${p99.toFixed(2)} ms`,
    "goal ≤ 15 ms",
  );
}

// 2. Many sessions: nothing may accumulate.
{
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const set = await createShadowCopySet(["C:\\"], { runtime, writers: false });
      await set.complete();
    }
  };
  await run(200); // warm-up, so the first allocations of the runtime are not counted
  (globalThis as { gc?: () => void }).gc?.();
  const before = Deno.memoryUsage().rss;
  const started = performance.now();
  await run(sessions);
  const elapsed = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.();
  const after = Deno.memoryUsage().rss;
  const live = sim.live();
  line(
    `${sessions} create→snapshot→delete sessions`,
    `${(elapsed / 1000).toFixed(1)} s`,
    `${(elapsed * 1000 / sessions).toFixed(0)} µs each`,
  );
  line(
    "  live objects / BSTRs / task memory / shadow copies after",
    `${live.objects}/${live.bstrs}/${live.cotaskmem}/${sim.snapshotCount()}`,
    "must be 0/0/0/0",
  );
  line(
    "  RSS growth",
    `${mb(after - before)} MB`,
    `goal ≤ 10 MB (from ${mb(before)} to ${mb(after)} MB)`,
  );
  // A second batch shows whether memory keeps growing or has settled.
  await run(sessions);
  (globalThis as { gc?: () => void }).gc?.();
  const again = Deno.memoryUsage();
  line(
    `  RSS growth over ${sessions} more sessions`,
    `${mb(again.rss - after)} MB`,
    `JS heap in use ${mb(again.heapUsed)} MB`,
  );
}

// 3. Query returning 10,000 shadow copies.
{
  sim.generateSnapshots(10_000, "C:\\");
  await listShadowCopies({ runtime }); // warm-up
  const started = performance.now();
  const all = await listShadowCopies({ runtime });
  const elapsed = performance.now() - started;
  line(`Query → ${all.length} shadow copy objects`, `${elapsed.toFixed(1)} ms`, "goal ≤ 20 ms");
  sim.reset();
  sim.recording(false);
}

// 4. Writer metadata, 100 × 100 × 10.
{
  sim.generateWriters(100, 100, 10);
  const started = performance.now();
  const { metadata } = await getWriters({ runtime });
  const elapsed = performance.now() - started;
  const fileCount = metadata.reduce(
    (n, w) => n + w.components.reduce((m, c) => m + c.files.length, 0),
    0,
  );
  line(
    `writer metadata: ${metadata.length} writers, ${fileCount} files as objects`,
    `${elapsed.toFixed(0)} ms`,
    "goal ≤ 50 ms (7 COM calls per file through the getters)",
  );
  sim.reset();
}
