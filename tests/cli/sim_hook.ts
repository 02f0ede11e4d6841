/**
 * Preloaded before `cli/main.ts` in CLI tests (`deno run --preload`): sets up
 * the simulator the CLI process is about to use, from the JSON in
 * `VSS_CLI_TEST_SETUP` (volumes, writers, shadow copies made beforehand,
 * failure injection, delays), and when the process exits writes what the
 * simulator saw to `VSS_CLI_TEST_REPORT` (shadow copies, live objects, calls).
 *
 * The CLI itself knows nothing of this: the hook shares the simulator library
 * with it because both load the same file into one process.
 *
 * @module
 */

import { Simulator, simulatorPath } from "../support/simulator.ts";
import {
  createShadowCopySet,
  diffAreaManagement,
  exposeShadowCopy,
  openVss,
  type ShadowCopyContext,
} from "../../mod.ts";
import { warningText } from "../../cli/runtime.ts";

/** A component file of a configured writer. */
export interface SetupFile {
  kind: "file" | "database" | "log";
  path: string;
  filespec: string;
  recursive?: boolean;
}

/** A writer to configure. */
export interface SetupWriter {
  name: string;
  writerId?: string;
  instanceId?: string;
  components?: { logicalPath?: string | null; name: string; type?: number; files?: SetupFile[] }[];
  /** VSS_WRITER_STATE and failure HRESULT reported by GatherWriterStatus. */
  status?: { state: number; failure?: number; application?: number; message?: string };
  /** `vss_sim_fail_writer_at`: the writer vetoes the phase `state` (a VSS_WS_FAILED_AT_* value). */
  veto?: { state: number; failure: number; application?: number; message?: string };
}

/** What `VSS_CLI_TEST_SETUP` may hold. */
export interface Setup {
  volumes?: { name: string; supported?: boolean }[];
  writers?: SetupWriter[];
  /** Persistent shadow copy sets made before the CLI runs (no writers). */
  sets?: { volumes: string[]; context?: ShadowCopyContext }[];
  /** `vss_sim_generate_snapshots`: persistent shadow copies of a volume, made fast. */
  generate?: { count: number; volume: string }[];
  /** Shadow copies (of those sets) to expose locally before the CLI runs. */
  exposed?: { id: string; at: string }[];
  /** Applied after the sets: `vss_sim_fail`. */
  fail?: { method: string; hr: number; times?: number }[];
  /** Applied after the sets: `vss_sim_fail_async`. */
  failAsync?: { method: string; hr: number }[];
  /** Applied after the sets: `vss_sim_set_async_delay` (-1: until cancelled). */
  asyncDelay?: { method: string; ms: number }[];
  revertBlocked?: boolean;
  /** Diff areas added before the CLI runs (sizes in bytes). */
  diffAreas?: { volume: string; diffAreaVolume: string; maximumBytes: number }[];
  /** `vss_sim_set_protection_fault`. */
  protectionFault?: { volume: string; fault: number; offline: boolean }[];
  /**
   * Initialise COM on the main thread as single-threaded (COINIT_APARTMENTTHREADED)
   * and leave VSS closed, so that the CLI opens it on an STA thread. Nothing
   * else of the set-up that needs VSS may be given with it.
   */
  staThread?: boolean;
}

/** What the hook writes to `VSS_CLI_TEST_REPORT` at exit. */
export interface Report {
  snapshots: Record<string, unknown>[];
  live: { objects: number; bstrs: number; cotaskmem: number };
  calls: { method: string; args: Record<string, unknown>; hr?: number | null }[];
}

const windows = Deno.build.os === "windows";
const library = (windows ? undefined : Deno.env.get("VSS_LIBRARY_PATH")) ?? simulatorPath;
const sim = new Simulator(library);
const setup: Setup = JSON.parse(Deno.env.get("VSS_CLI_TEST_SETUP") ?? "{}");

if (setup.staThread) {
  // ole32's CoInitializeEx on Windows; outside Windows the simulator is the COM runtime.
  const com = Deno.dlopen(windows ? "ole32.dll" : library, {
    CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" },
  });
  const hr = com.symbols.CoInitializeEx(null, 2 /* COINIT_APARTMENTTHREADED */);
  if (hr !== 0) throw new Error(`CoInitializeEx(STA) failed: ${hr}`);
} else {
  // The simulator is opened explicitly (on Windows nothing else loads it); the CLI, opening
  // VSS without --simulator, then gets this runtime. Warnings are printed as the CLI prints them.
  openVss({
    libraryPath: library,
    comRuntimePath: windows ? library : undefined,
    simulator: true,
    onWarning: (w) => console.error(warningText(w)),
  });
}

for (const v of setup.volumes ?? []) sim.addVolume(v.name, v.supported ?? true);
for (const w of setup.writers ?? []) {
  const index = sim.addWriter({ name: w.name, writerId: w.writerId, instanceId: w.instanceId });
  for (const c of w.components ?? []) {
    const ci = sim.addComponent(index, {
      name: c.name,
      logicalPath: c.logicalPath ?? null,
      type: c.type ?? 2,
    });
    for (const f of c.files ?? []) {
      sim.addComponentFile(index, ci, f.kind, f.path, f.filespec, f.recursive ?? false);
    }
  }
  if (w.status) {
    sim.setWriterStatus(
      index,
      w.status.state,
      w.status.failure ?? 0,
      w.status.application ?? 0,
      w.status.message ?? null,
    );
  }
  if (w.veto) {
    const { state, failure, application, message } = w.veto;
    sim.failWriterAt(index, state, failure, application ?? 0, message ?? null);
  }
}
for (const s of setup.sets ?? []) {
  const set = await createShadowCopySet(s.volumes, {
    persistent: true,
    writers: false,
    context: s.context,
  });
  await set.complete();
}
for (const g of setup.generate ?? []) sim.generateSnapshots(g.count, g.volume);
for (const d of setup.diffAreas ?? []) {
  diffAreaManagement.add(d.volume, d.diffAreaVolume, BigInt(d.maximumBytes));
}
if (setup.protectionFault?.length) {
  const lib = Deno.dlopen(library, {
    vss_sim_set_protection_fault: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  });
  for (const p of setup.protectionFault) {
    lib.symbols.vss_sim_set_protection_fault(
      new TextEncoder().encode(`${p.volume}\0`),
      p.fault,
      p.offline ? 1 : 0,
    );
  }
}
for (const e of setup.exposed ?? []) await exposeShadowCopy(e.id, { as: "local", at: e.at });
for (const f of setup.fail ?? []) sim.fail(f.method, f.hr, f.times ?? 1);
for (const f of setup.failAsync ?? []) sim.failAsync(f.method, f.hr);
for (const d of setup.asyncDelay ?? []) sim.asyncDelay(d.method, d.ms);
if (setup.revertBlocked) sim.setRevertBlocked(true);
sim.clearCalls();

const reportPath = Deno.env.get("VSS_CLI_TEST_REPORT");
if (reportPath) {
  globalThis.addEventListener("unload", () => {
    const report: Report = {
      snapshots: sim.snapshots(),
      live: sim.live(),
      calls: sim.calls().map((c) => ({
        method: c.interface ? `${c.interface}::${c.method}` : c.function ?? c.method ?? "",
        args: c.args,
        hr: c.hr,
      })),
    };
    Deno.writeTextFileSync(reportPath, JSON.stringify(report));
  });
}
