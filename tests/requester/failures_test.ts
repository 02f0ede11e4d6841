/**
 * Every failure the reference documents for each step of creating and
 * completing a shadow copy set, injected into the simulator: the caller gets a
 * typed error carrying that HRESULT, the backup is aborted once the set was
 * started, and nothing is left behind (no shadow copy, no COM object, no
 * BSTR, no task memory).
 */

import { assert, assertEquals } from "../assert.ts";
import { Simulator, simulatorPath } from "../support/simulator.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { OperationAbortedError, VssError } from "../../ffi/errors.ts";
import { createShadowCopySet, RequesterError } from "../../requester/mod.ts";
import type { AbiModel } from "../../gen/model.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);
const sim = new Simulator();
const runtime = VssRuntime.load({
  libraryPath: simulatorPath,
  comRuntimePath: Deno.build.os === "windows" ? simulatorPath : undefined,
});
runtime.initializeCom();

/** The steps of a session, in order, with whether each returns an IVssAsync. */
const STEPS: { name: string; async?: boolean; afterStart: boolean; completion?: boolean }[] = [
  { name: "IVssBackupComponents::InitializeForBackup", afterStart: false },
  { name: "IVssBackupComponents::SetContext", afterStart: false },
  { name: "IVssBackupComponents::SetBackupState", afterStart: false },
  { name: "IVssBackupComponents::GatherWriterMetadata", async: true, afterStart: false },
  { name: "IVssBackupComponents::GetWriterMetadataCount", afterStart: false },
  { name: "IVssBackupComponents::GetWriterMetadata", afterStart: false },
  { name: "IVssBackupComponents::FreeWriterMetadata", afterStart: false },
  { name: "IVssBackupComponents::StartSnapshotSet", afterStart: false },
  { name: "IVssBackupComponents::AddToSnapshotSet", afterStart: true },
  { name: "IVssBackupComponents::PrepareForBackup", async: true, afterStart: true },
  { name: "IVssBackupComponents::GatherWriterStatus", async: true, afterStart: true },
  { name: "IVssBackupComponents::GetWriterStatusCount", afterStart: true },
  { name: "IVssBackupComponentsEx3::GetWriterStatusEx", afterStart: true },
  { name: "IVssBackupComponents::FreeWriterStatus", afterStart: true },
  { name: "IVssBackupComponents::DoSnapshotSet", async: true, afterStart: true },
  { name: "IVssBackupComponents::GetSnapshotProperties", afterStart: true },
  { name: "IVssBackupComponents::BackupComplete", async: true, afterStart: true, completion: true },
];

function documentedFailures(step: string): string[] {
  const [iface, method] = step.split("::");
  const m = abi.interfaces[iface].methods.find((x) => x.name === method)!;
  return m.returnCodes.filter((c) => (abi.hresults[c]?.value ?? 0) >= 0x80000000);
}

/** The HRESULT behind an error, through the cause chain. */
function hresultOf(error: unknown): number | null {
  for (let e = error; e; e = (e as Error).cause) {
    if (e instanceof VssError) return e.code;
  }
  return null;
}

let cases = 0;
for (const step of STEPS) {
  const codes = documentedFailures(step.name);
  const modes = step.async ? ["returned", "async"] as const : ["returned"] as const;
  for (const mode of modes) {
    for (const persistent of [false, true]) {
      Deno.test(`${step.name} ${mode}${persistent ? " (persistent)" : ""}: every documented failure is typed and cleaned up`, async () => {
        assert(codes.length > 0, `${step.name} documents failures`);
        for (const code of codes) {
          cases++;
          const value = abi.hresults[code].value;
          sim.reset();
          const w = sim.addWriter({ name: "W" });
          sim.addComponent(w, { name: "c" });
          if (mode === "returned") sim.fail(step.name, value, -1);
          else sim.failAsync(step.name, value);
          let error: unknown = null;
          try {
            const set = await createShadowCopySet(["C:\\"], {
              runtime,
              persistent,
              retry: { inProgressMs: 0, transientAttempts: 0 },
              deadlines: {
                gatherMetadata: 5000,
                prepare: 5000,
                snapshot: 5000,
                writerStatus: 5000,
                complete: 5000,
              },
            });
            assert(step.completion, `${step.name} ${code}: creation should have failed`);
            await set.complete().catch((e) => (error = e));
            if (persistent) await set.delete().catch(() => {});
            if (persistent) {
              // The caller owns a persistent set after a failed completion; delete it the usual way.
              const { deleteShadowCopies } = await import("../../requester/mod.ts");
              await deleteShadowCopies({ all: true }, { runtime });
            }
          } catch (e) {
            error = e;
          }
          sim.fail(step.name, 0, 0);
          if (step.async) sim.failAsync(step.name, 0);
          assert(error !== null, `${step.name} ${code}: an error`);
          assert(
            error instanceof VssError || error instanceof RequesterError ||
              error instanceof OperationAbortedError,
            `${step.name} ${code}: typed error, got ${error}`,
          );
          assertEquals(hresultOf(error), value, `${step.name} ${code}: the HRESULT is carried`);
          const calls = sim.calls().map((c) => c.method);
          const started = calls.includes("StartSnapshotSet") && step.afterStart && !step.completion;
          if (started) {
            assert(
              calls.includes("AbortBackup"),
              `${step.name} ${code}: AbortBackup after the set started`,
            );
          }
          assertEquals(sim.snapshotCount(), 0, `${step.name} ${code}: no shadow copy left`);
          assertEquals(
            sim.live(),
            { objects: 0, bstrs: 0, cotaskmem: 0 },
            `${step.name} ${code}: nothing leaked`,
          );
        }
      });
    }
  }
}

Deno.test("failure matrix size", () => {
  assert(cases > 100, `${cases} injected failures`);
  console.log(
    `failure matrix: ${cases} injected failures over ${STEPS.length} steps, every one typed and cleaned up`,
  );
});
