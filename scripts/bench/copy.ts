/**
 * Figures for `vss copy`: copying a 1 GB / 10,000-file tree out of a shadow
 * copy against a plain copy of the same tree by the same engine, in the
 * same run (goal: the shadow copy's copy phase at >= 0.9 of the plain
 * copy's throughput), plus `cp -a` for reference and the event-loop lag
 * while the shadow copy is read. Runs on the simulator (a directory volume)
 * outside Windows.
 *
 * One 1 GB copy on a virtual disk varies by a factor of two from one run to
 * the next, so the two copies alternate over several rounds (plain first in
 * odd rounds, shadow first in even ones), each destination is removed before
 * the next copy starts, and the ratio is taken of the medians. `--dir`
 * puts the tree, the copies and the simulator's snapshots elsewhere: with a
 * tmpfs (`--dir /dev/shm`) the disk's variance is out of the figures and
 * what is left is the engine's own cost.
 *
 * ```sh
 * deno run -A scripts/bench/copy.ts [--files 10000] [--mib 1000] [--rounds 5] [--dir /dev/shm]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { openSimulator } from "../../simulator/control.ts";
import { copyFromShadowCopy, copyShadowTree } from "../../requester/files/mod.ts";

const USAGE = "usage: copy.ts [--files 10000] [--mib 1000] [--rounds 5] [--dir DIR]";

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  Deno.exit(2);
}

function options() {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        files: { type: "string", default: "10000" },
        mib: { type: "string", default: "1000" },
        rounds: { type: "string", default: "5" },
        dir: { type: "string" },
      },
    }).values;
  } catch (error) {
    usageError((error as Error).message);
  }
}

const values = options();
const FILES = Number(values.files);
const TOTAL = Number(values.mib) * 2 ** 20;
const ROUNDS = Number(values.rounds);
if (![FILES, TOTAL, ROUNDS].every((n) => Number.isSafeInteger(n) && n > 0)) {
  usageError("--files, --mib and --rounds take whole numbers > 0");
}
if (values.dir !== undefined && !(await Deno.stat(values.dir).catch(() => null))?.isDirectory) {
  usageError(`--dir ${values.dir}: no such folder`);
}
const sep = Deno.build.os === "windows" ? "\\" : "/";

/** Writes FILES files of TOTAL/FILES bytes in 100 folders: one random block, stamped per file. */
async function generate(root: string): Promise<number> {
  const size = Math.floor(TOTAL / FILES);
  const block = new Uint8Array(size);
  crypto.getRandomValues(block.subarray(0, Math.min(size, 65536)));
  for (let i = 65536; i < size; i += 65536) block.copyWithin(i, 0, Math.min(65536, size - i));
  const folders = Math.max(1, Math.round(FILES / 100));
  let written = 0;
  const jobs: Promise<void>[] = [];
  for (let i = 0; i < FILES; i++) {
    const dir = `${root}${sep}d${i % folders}`;
    if (i < folders) await Deno.mkdir(dir, { recursive: true });
    const data = block.slice();
    new DataView(data.buffer).setUint32(0, i, true);
    jobs.push(Deno.writeFile(`${dir}${sep}f${i}.bin`, data));
    written += size;
    if (jobs.length >= 64) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  return written;
}

/** Flushes dirty pages (Linux), so each timed copy starts without another's writeback. */
function flush(): void {
  if (Deno.build.os === "linux") new Deno.Command("sync").outputSync();
}

function rate(bytes: number, ms: number): string {
  return `${((bytes / 2 ** 20) / (ms / 1000)).toFixed(0)} MiB/s`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Samples the event-loop delay (10 ms timer) from `start()` until `stop()`. */
function lagSampler() {
  let last = 0;
  let maxLagMs = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    start() {
      if (timer !== undefined) return;
      last = performance.now();
      timer = setInterval(() => {
        const now = performance.now();
        maxLagMs = Math.max(maxLagMs, now - last - 10);
        last = now;
      }, 10);
    },
    stop(): number {
      clearInterval(timer);
      return maxLagMs;
    },
  };
}

/**
 * Times a plain copy of the live tree by the same engine, with the same
 * progress callback and lag sampling as the shadow copy; the copy is removed afterwards.
 */
async function plainCopy(source: string, to: string, bytes: number) {
  flush();
  const started = performance.now();
  const lag = lagSampler();
  const counts = await copyShadowTree(source, to, { onProgress: () => lag.start() });
  const ms = performance.now() - started;
  const lagMs = lag.stop();
  if (counts.files !== FILES || counts.bytes !== bytes) {
    throw new Error(`the plain copy copied ${counts.files} files, ${counts.bytes} bytes`);
  }
  await Deno.remove(to, { recursive: true });
  return { ms, lagMs };
}

/** Times `copyFromShadowCopy`: its snapshot and copy phases, the whole, and the lag. */
async function shadowCopy(
  source: string,
  to: string,
  bytes: number,
  { runtime, sim }: ReturnType<typeof openSimulator>,
) {
  flush();
  const started = performance.now();
  const lag = lagSampler();
  const summary = await copyFromShadowCopy([source], to, {
    // The simulator makes the shadow copy by copying the folder: flush that before the copy
    // phase, as a real shadow copy (copy-on-write) leaves no such writeback behind.
    shadowCopy: {
      runtime,
      writers: false,
      onProgress: (e) => e.phase === "snapshot" && e.state === "end" && flush(),
    },
    onProgress: () => lag.start(), // from the first file read out of the snapshot
  });
  const lagMs = lag.stop();
  const totalMs = performance.now() - started;
  if (summary.totals.files !== FILES || summary.totals.bytes !== bytes) {
    throw new Error(
      `the shadow copy copied ${summary.totals.files} files, ${summary.totals.bytes} bytes`,
    );
  }
  if (sim.snapshotCount() !== 0) throw new Error("a shadow copy was left behind");
  await Deno.remove(to, { recursive: true });
  return { snapshotMs: summary.snapshotMs, copyMs: summary.copyMs, totalMs, lagMs };
}

const work = await Deno.makeTempDir({ dir: values.dir, prefix: "vss-bench-copy-" });
// The simulator's shadow copies go beside the tree, on the same file system.
Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", `${work}${sep}snapshots`);
const simulator = openSimulator();
try {
  const source = `${work}${sep}tree`;
  let t = performance.now();
  const bytes = await generate(source);
  console.log(
    `tree: ${FILES} files, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${work}, made in ${
      seconds(performance.now() - t)
    }`,
  );

  const plain: Awaited<ReturnType<typeof plainCopy>>[] = [];
  const shadow: Awaited<ReturnType<typeof shadowCopy>>[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (round % 2) plain.push(await plainCopy(source, `${work}${sep}plain`, bytes));
    shadow.push(await shadowCopy(source, `${work}${sep}shadow`, bytes, simulator));
    if (round % 2 === 0) plain.push(await plainCopy(source, `${work}${sep}plain`, bytes));
    const p = plain.at(-1)!.ms, s = shadow.at(-1)!;
    console.log(
      `round ${round} (${round % 2 ? "plain first" : "shadow first"}): plain ${seconds(p)}, ` +
        `${rate(bytes, p)}; shadow copy phase ${seconds(s.copyMs)}, ${rate(bytes, s.copyMs)} ` +
        `(snapshot ${seconds(s.snapshotMs)}, the simulator copies the folder); ` +
        `ratio ${(p / s.copyMs).toFixed(2)}`,
    );
  }

  let cpMs: number | null = null;
  if (Deno.build.os !== "windows") {
    flush();
    t = performance.now();
    await new Deno.Command("cp", { args: ["-a", source, `${work}${sep}cp`] }).output();
    cpMs = performance.now() - t;
    console.log(`cp -a (reference, once): ${seconds(cpMs)}, ${rate(bytes, cpMs)}`);
  }

  const plainMs = median(plain.map((p) => p.ms));
  const copyMs = median(shadow.map((s) => s.copyMs));
  const totalMs = median(shadow.map((s) => s.totalMs));
  const ratios = plain.map((p, i) => p.ms / shadow[i].copyMs);
  console.log(
    `medians over ${ROUNDS} rounds: plain ${seconds(plainMs)}, ${rate(bytes, plainMs)}; ` +
      `shadow copy phase ${seconds(copyMs)}, ${rate(bytes, copyMs)}`,
  );
  console.log(
    `throughput ratio, copy phase (shadow / plain, medians): ${(plainMs / copyMs).toFixed(2)} ` +
      `(goal >= 0.9; per round ${Math.min(...ratios).toFixed(2)}-${
        Math.max(...ratios).toFixed(2)
      })`,
  );
  console.log(
    `throughput ratio, end to end incl. snapshot creation: ${(plainMs / totalMs).toFixed(2)}`,
  );
  const maxLag = (runs: { lagMs: number }[]) => Math.max(...runs.map((r) => r.lagMs)).toFixed(1);
  console.log(
    `event-loop lag while copying: max ${maxLag(shadow)} ms out of the shadow copy, ` +
      `${maxLag(plain)} ms in the plain copies`,
  );
} finally {
  await Deno.remove(work, { recursive: true });
}
