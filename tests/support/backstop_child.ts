/**
 * Child process of the FinalizationRegistry test: creates objects, drops
 * them without releasing, collects garbage, and prints the simulator's counts.
 * Run with `--v8-flags=--expose-gc`.
 */

import { openSimulator } from "./simulator.ts";
import { createBackupComponents } from "../../ffi/vss.ts";

const gc = (globalThis as unknown as { gc: () => void }).gc;
const { runtime, sim } = openSimulator();
(() => {
  for (let i = 0; i < 5; i++) createBackupComponents(runtime).InitializeForBackup(null);
})();
const before = sim.live().objects;
for (let i = 0; i < 10 && sim.live().objects > 0; i++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const releases = sim.calls().filter((c) => c.method === "Release").length;
console.log(JSON.stringify({ before, after: sim.live().objects, releases }));
