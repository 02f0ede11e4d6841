/**
 * Benchmark of the two call paths (native thunks / UnsafeFnPointer) on the
 * simulator: one COM call through the generated wrapper, a GUID-by-value call,
 * Query → 10,000 shadow copies as objects and writer metadata 100 × 100 × 10,
 * each the median of several runs with a GC between them, next to the C floor
 * (simulator/bench/c_loop and simulator/bench/scale, built by simulator/build.sh).
 *
 *   deno run -A --v8-flags=--expose-gc scripts/bench/thunks.ts [--json]
 *
 * @module
 */

import { openSimulator, simulatorPath } from "../../simulator/control.ts";
import { createBackupComponents, createSnapshotManagement, queryInterface } from "../../ffi/vss.ts";
import { IVssDifferentialSoftwareSnapshotMgmt2 } from "../../ffi/generated/wrappers.ts";
import { IID } from "../../ffi/generated/guids.ts";
import { SYSTEM_PROVIDER_ID } from "../../requester/providers.ts";
import { GUID_NULL } from "../../ffi/guid.ts";
import { VSS_OBJECT_TYPE } from "../../ffi/generated/enums.ts";
import { setCallPath } from "../../ffi/thunks/mod.ts";
import { readAllObjects } from "../../ffi/thunks/bulk.ts";
import { getWriters, listShadowCopies } from "../../mod.ts";

const json = Deno.args.includes("--json");
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
// The Windows simulator's malloc spy (exact leak counters) makes Wine's allocator
// walk a list on every free; the figures are about the call path, not that.
if (Deno.build.os === "windows" && Deno.env.get("VSS_SIM_MALLOC_SPY") === undefined) {
  Deno.env.set("VSS_SIM_MALLOC_SPY", "0");
}
const { runtime, sim } = openSimulator();
sim.recording(false);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function perCall(fn: () => void, calls = 1_000_000): number {
  for (let i = 0; i < 100_000; i++) fn();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    gc();
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    runs.push((performance.now() - start) * 1e6 / calls);
  }
  return median(runs);
}

/** Warms `fn` up on both paths, then interleaves rounds of the two paths; medians in ms. */
async function msBoth(
  fn: () => unknown,
  rounds = 7,
): Promise<{ thunks: number; pointers: number }> {
  const paths = ["thunks", "pointers"] as const;
  const out = { thunks: [] as number[], pointers: [] as number[] };
  for (const path of paths) {
    setCallPath(path);
    for (let i = 0; i < 4; i++) await fn(); // the JIT needs a few runs of a large section
  }
  for (let r = 0; r < rounds; r++) {
    for (const path of paths) {
      setCallPath(path);
      gc();
      const start = performance.now();
      await fn();
      out[path].push(performance.now() - start);
    }
  }
  return { thunks: median(out.thunks), pointers: median(out.pointers) };
}

const backup = createBackupComponents(runtime);
backup.InitializeForBackup(null);
backup.SetContext(-1);
const op = backup.GatherWriterMetadata().pAsync!;
op.Wait(0xffffffff);

// A cheap GUID-by-value call: SetSnapshotPriority of the only shadow copy (the
// simulator finds it and returns), next to the pointer-only QueryStatus.
sim.generateSnapshots(1, "C:\\");
const queryAll = () => {
  using list = backup.Query(
    GUID_NULL,
    VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
    VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
  ).ppEnum!;
  return readAllObjects(list);
};
const onlyId = (queryAll()[0] as { Snap: { m_SnapshotId: string } }).Snap.m_SnapshotId;
const mgmt = createSnapshotManagement(runtime);
const unknown = mgmt.GetProviderMgmtInterface(
  SYSTEM_PROVIDER_ID,
  IID.IVssDifferentialSoftwareSnapshotMgmt,
).ppItf!;
const diff2 = queryInterface(unknown, IVssDifferentialSoftwareSnapshotMgmt2)!;

const figures: Record<string, number | string | null> = {};
for (const path of ["thunks", "pointers"] as const) {
  setCallPath(path);
  const suffix = path === "thunks" ? "" : "Pointers";
  figures[`denoCallNs${suffix}`] = perCall(() => op.QueryStatus());
  try {
    figures[`guidByValueCallNs${suffix}`] = perCall(() => diff2.SetSnapshotPriority(onlyId, 0));
  } catch (error) {
    // Under Wine the management object may come from the registered COM server, another copy of
    // the simulator that does not see this one's shadow copies.
    figures[`guidByValueCallNs${suffix}`] = null;
    figures.guidByValueReason = `SetSnapshotPriority of the only shadow copy failed: ${
      error instanceof Error ? error.message.split(";")[0] : error
    }${
      Deno.build.os === "windows"
        ? ` (is ${simulatorPath} the registered COM server? simulator/register_wine.sh)`
        : ""
    }`;
  }
}
figures.guidByValueReason ??= null;
sim.reset();
sim.recording(false);
sim.generateSnapshots(10_000, "C:\\");
const someId = (queryAll()[0] as { Snap: { m_SnapshotId: string } }).Snap.m_SnapshotId;
for (const path of ["thunks", "pointers"] as const) {
  setCallPath(path);
  // GetSnapshotProperties among 10,000 (the simulator searches them; a struct comes back).
  figures[`getSnapshotPropertiesNs${path === "thunks" ? "" : "Pointers"}`] = perCall(
    () => backup.GetSnapshotProperties(someId),
    100_000,
  );
}
const query = await msBoth(queryAll);
figures.query10kMs = query.thunks;
figures.query10kMsPointers = query.pointers;
const list = await msBoth(() => listShadowCopies({ runtime }));
figures.listShadowCopies10kMs = list.thunks;
figures.listShadowCopies10kMsPointers = list.pointers;
sim.reset();
sim.recording(false);
sim.generateWriters(100, 100, 10);
const metadata = await msBoth(() => getWriters({ runtime }), 3);
figures.metadataMs = metadata.thunks;
figures.metadataMsPointers = metadata.pointers;
setCallPath("auto");

// The C floor: the same calls made from C inside the simulator.
const dir = simulatorPath.replace(/[^/\\]+$/, "");
const exe = (name: string) => `${dir}${name}${Deno.build.os === "windows" ? ".exe" : ""}`;
const run = (file: string, args: string[] = []) => {
  try {
    return new TextDecoder().decode(
      new Deno.Command(file, { args, stdout: "piped" }).outputSync().stdout,
    );
  } catch {
    return "";
  }
};
const loop = run(exe("c_loop"), ["10000000"]);
const cCall = /recording off\s+IVssAsync::QueryStatus\s+([\d.]+)/.exec(loop);
figures.cCallNs = cCall ? Number(cCall[1]) : null;
const scale = run(exe("scale"));
const q = /Query ([\d.]+) ms, Next\(celt=10000\) ([\d.]+) ms, 10000 frees ([\d.]+) ms/.exec(scale);
figures.cFloorQueryMs = q ? Number(q[1]) + Number(q[2]) + Number(q[3]) : null;
const m = /GatherWriterMetadata ([\d.]+) ms, walk \([^)]*\) ([\d.]+) ms/.exec(scale);
figures.cFloorMetadataMs = m ? Number(m[1]) + Number(m[2]) : null;
figures.cFloorReason = figures.cCallNs !== null && figures.cFloorQueryMs !== null &&
    figures.cFloorMetadataMs !== null
  ? null
  : `the C floor programs (c_loop, scale next to ${simulatorPath}) did not run or printed ` +
    `no figures: build them with simulator/build.sh${
      Deno.build.os === "windows" ? " windows" : ""
    }`;

/** The Node side of a bench, in a scratch project with the npm package installed. */
const NODE_BENCH = `
import { createBackupComponents } from "@vss/requester/binding";
import { openSimulator } from "@vss/requester/simulator";
const [calls, runs] = [Number(process.argv[2]), Number(process.argv[3])];
const gc = globalThis.gc ?? (() => {});
const { runtime, sim } = openSimulator();
sim.recording(false);
const backup = createBackupComponents(runtime);
backup.InitializeForBackup(null);
backup.SetContext(-1);
const op = backup.GatherWriterMetadata().pAsync;
op.Wait(0xffffffff);
const fn = () => op.QueryStatus();
for (let i = 0; i < 100000; i++) fn();
const times = [];
for (let r = 0; r < runs; r++) {
  gc();
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  times.push((performance.now() - start) * 1e6 / calls);
}
op.release();
backup.release();
runtime.close();
const { readFileSync } = await import("node:fs");
let koffi = "?";
try {
  koffi = JSON.parse(readFileSync(new URL("./node_modules/koffi/package.json", import.meta.url))).version;
} catch { /* nested elsewhere: the version is only a label */ }
console.log(JSON.stringify({
  ns: times.sort((a, b) => a - b)[Math.floor(runs / 2)],
  runtime: \`Node \${process.version}, koffi \${koffi}\`,
}));
`;

/**
 * One IVssAsync::QueryStatus through the generated wrapper under Node (koffi)
 * against the Linux simulator, as {@linkcode perCall} measures it: the npm
 * tarball in dist/npm (built by `deno task build:npm --no-test` only when
 * there is none) installed into a scratch project, then `node --expose-gc`.
 * Null with the reason when a piece is missing.
 */
async function koffiCall(
  calls = 1_000_000,
  runs = 5,
): Promise<{ ns: number | null; reason: string | null; runtime: string | null }> {
  const none = (reason: string) => ({ ns: null, reason, runtime: null });
  if (Deno.build.os !== "linux") {
    return none(
      `not measured on ${Deno.build.os}: the koffi figure is Node on Linux against the Linux ` +
        "simulator (run this bench on Linux; the Windows lane tests koffi with " +
        "`deno task build:npm --wine` but does not time it)",
    );
  }
  const root = new URL("../../", import.meta.url).pathname;
  const exec = async (cmd: string, args: string[], cwd = root, env?: Record<string, string>) => {
    try {
      const out = await new Deno.Command(cmd, { args, cwd, env, stdin: "null" }).output();
      const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
      return { ok: out.success, stdout: text(out.stdout), stderr: text(out.stderr) };
    } catch (error) {
      return { ok: false, stdout: "", stderr: String(error) };
    }
  };
  const node = await exec("node", ["--version"]);
  if (!node.ok) return none(`node is not available: ${node.stderr.split("\n").at(-1)}`);
  /** The library's and the simulator's tarballs in dist/npm, platform package first. */
  const tarballs = (): string[] | null => {
    try {
      const names = [...Deno.readDirSync(`${root}dist/npm`)].map((e) => e.name).sort();
      const main = names.filter((n) => /^vss-requester-\d.*\.tgz$/.test(n)).at(-1);
      const simulator = names.filter((n) => /^vss-requester-simulator-.*\.tgz$/.test(n)).at(-1);
      return main && simulator ? [simulator, main].map((n) => `${root}dist/npm/${n}`) : null;
    } catch {
      return null;
    }
  };
  if (!tarballs()) {
    const build = await exec(Deno.execPath(), ["task", "build:npm", "--no-test"]);
    if (!build.ok || !tarballs()) {
      return none(
        `no npm tarballs in dist/npm and \`deno task build:npm --no-test\` failed: ${
          (build.stderr || build.stdout).split("\n").slice(-3).join(" ")
        }`,
      );
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "vss-bench-koffi-" });
  try {
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: "vss-bench-koffi", private: true, type: "module" }),
    );
    for (const tarball of tarballs()!) {
      const install = await exec(
        "npm",
        ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball],
        dir,
      );
      if (!install.ok) {
        return none(`npm install of ${tarball} failed: ${install.stderr.split("\n").at(-1)}`);
      }
    }
    await Deno.writeTextFile(`${dir}/bench.mjs`, NODE_BENCH);
    const bench = await exec(
      "node",
      ["--expose-gc", "bench.mjs", String(calls), String(runs)],
      dir,
      { VSS_SIM_PATH: simulatorPath },
    );
    if (!bench.ok) {
      const lines = bench.stderr.split("\n");
      return none(`the Node bench failed: ${lines.find((l) => /Error/.test(l)) ?? lines.at(-1)}`);
    }
    const result = JSON.parse(bench.stdout.split("\n").at(-1)!);
    return { ns: result.ns, reason: null, runtime: result.runtime };
  } catch (error) {
    return none(`the Node bench failed: ${error}`);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const koffi = await koffiCall();
figures.koffiCallNs = koffi.ns;
figures.koffiReason = koffi.reason;
figures.koffiRuntime = koffi.runtime;

const rounded = Object.fromEntries(
  Object.entries(figures).map(([k, v]) => [k, typeof v === "number" ? Math.round(v * 10) / 10 : v]),
);
if (json) {
  console.log(JSON.stringify(rounded));
} else {
  for (const [k, v] of Object.entries(rounded)) console.log(`${k.padEnd(30)} ${v}`);
}
diff2.release();
unknown.release();
mgmt.release();
op.release();
backup.release();
runtime.close();
