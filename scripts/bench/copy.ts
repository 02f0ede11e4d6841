/**
 * Figures for `vss copy`: copying a 1 GB / 10,000-file tree out of a shadow
 * copy against a plain copy of the same tree by the same engine, in the
 * same run (goal: the shadow copy's copy phase at >= 0.9 of the plain
 * copy's throughput), plus `cp -a` for reference and the event-loop lag
 * while the shadow copy is read. Runs on the simulator (a directory volume)
 * outside Windows.
 *
 * ```sh
 * deno run -A scripts/bench/copy.ts [--files 10000] [--mib 1000]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { openSimulator } from "../../simulator/control.ts";
import { copyFromShadowCopy, copyShadowTree } from "../../requester/files/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    files: { type: "string", default: "10000" },
    mib: { type: "string", default: "1000" },
  },
});
const FILES = Number(values.files);
const TOTAL = Number(values.mib) * 2 ** 20;
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

const work = await Deno.makeTempDir({ prefix: "vss-bench-copy-" });
const { runtime, sim } = openSimulator();
try {
  const source = `${work}${sep}tree`;
  let t = performance.now();
  const bytes = await generate(source);
  console.log(
    `tree: ${FILES} files, ${(bytes / 2 ** 20).toFixed(0)} MiB, made in ${
      ((performance.now() - t) / 1000).toFixed(1)
    } s`,
  );

  flush();
  t = performance.now();
  const plain = await copyShadowTree(source, `${work}${sep}plain`);
  const plainMs = performance.now() - t;
  console.log(
    `plain copy (same engine, live tree): ${(plainMs / 1000).toFixed(2)} s, ${
      rate(plain.bytes, plainMs)
    }`,
  );

  let cpMs: number | null = null;
  if (Deno.build.os !== "windows") {
    flush();
    t = performance.now();
    await new Deno.Command("cp", { args: ["-a", source, `${work}${sep}cp`] }).output();
    cpMs = performance.now() - t;
    console.log(`cp -a (reference): ${(cpMs / 1000).toFixed(2)} s, ${rate(bytes, cpMs)}`);
  }

  flush();
  t = performance.now();
  const lag = lagSampler();
  const shadow = await copyFromShadowCopy([source], `${work}${sep}shadow`, {
    // The simulator makes the shadow copy by copying the folder: flush that before the copy
    // phase, as a real shadow copy (copy-on-write) leaves no such writeback behind.
    shadowCopy: {
      runtime,
      writers: false,
      onProgress: (e) => e.phase === "snapshot" && e.state === "end" && flush(),
    },
    onProgress: () => lag.start(), // from the first file read out of the snapshot
  });
  const maxLagMs = lag.stop();
  const totalMs = performance.now() - t;
  console.log(
    `shadow copy: snapshot ${
      (shadow.snapshotMs / 1000).toFixed(2)
    } s (the simulator copies the folder), ` +
      `copy ${(shadow.copyMs / 1000).toFixed(2)} s, ${rate(shadow.totals.bytes, shadow.copyMs)}; ` +
      `end to end ${(totalMs / 1000).toFixed(2)} s`,
  );
  // Each copy on this disk runs slower than the one before it (writeback of the gigabytes already
  // written), so the plain copy is timed again after the shadow copy and the two are averaged.
  flush();
  t = performance.now();
  await copyShadowTree(source, `${work}${sep}plain-after`);
  const plainAfterMs = performance.now() - t;
  console.log(
    `plain copy again, after the shadow copy: ${(plainAfterMs / 1000).toFixed(2)} s, ${
      rate(plain.bytes, plainAfterMs)
    }`,
  );
  const plainMeanMs = (plainMs + plainAfterMs) / 2;
  const ratio = (plainMeanMs / shadow.copyMs).toFixed(2);
  const endToEnd = (plainMeanMs / totalMs).toFixed(2);
  console.log(
    `throughput ratio, copy phase (shadow / mean of the plain copies before and after): ${ratio} ` +
      "(goal >= 0.9)",
  );
  console.log(`throughput ratio, end to end incl. snapshot creation: ${endToEnd}`);
  console.log(`event-loop lag while copying out of the shadow copy: max ${maxLagMs.toFixed(1)} ms`);
  if (shadow.totals.files !== FILES || shadow.totals.bytes !== bytes) {
    throw new Error(
      `the shadow copy copied ${shadow.totals.files} files, ${shadow.totals.bytes} bytes`,
    );
  }
  if (sim.snapshotCount() !== 0) throw new Error("a shadow copy was left behind");
} finally {
  await Deno.remove(work, { recursive: true });
}
