/**
 * Writer selection with writers that failed at Identify (issue 10): such a
 * writer is missing from the metadata (simulator/README.md "Writer
 * failures") but GatherWriterStatus names it, so an include or exclude
 * selector may name it by name, class id or instance id. Excluding it
 * disables it (DisableWriterInstances) and the backup goes on without a
 * veto; including it makes the backup fail naming the writer (it is
 * needed), not a WriterSelectorError; a bare component selector cannot be
 * told apart from a typo and stays an error that names the failed writers.
 */

import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";
import {
  type BackupKind,
  createShadowCopySet,
  getWriters,
  WriterFailureError,
  type WriterSelector,
  WriterSelectorError,
} from "../../requester/mod.ts";

const { runtime, sim } = openSimulator();
const methods = () => sim.calls().map((c) => c.method);

function clean(): void {
  assertEquals(sim.snapshotCount(), 0, "no shadow copy left");
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 }, "nothing leaked");
}

/** Writers Ok and Db (one component `L\name` each, files on C:); Db fails at Identify. */
async function machine(): Promise<{ classId: string; instanceId: string }> {
  sim.reset();
  for (const name of ["Ok", "Db"]) {
    const w = sim.addWriter({ name });
    const c = sim.addComponent(w, { logicalPath: "L", name: name.toLowerCase() });
    sim.addComponentFile(w, c, "file", `C:\\data\\${name}`, "*");
    if (name === "Db") {
      sim.failWriterAt(
        w,
        VSS_WRITER_STATE.VSS_WS_FAILED_AT_IDENTIFY,
        HRESULT.VSS_E_WRITERERROR_NONRETRYABLE,
      );
    }
  }
  const { metadata, status } = await getWriters({ runtime });
  assertEquals(metadata.map((w) => w.name), ["Ok"], "Db is missing from the metadata");
  const db = status.find((s) => s.name === "Db")!;
  sim.clearCalls();
  return { classId: db.writerId, instanceId: db.instanceId };
}

/** The instance ids given to DisableWriterInstances (one call at most). */
function disabled(): unknown {
  const calls = sim.calls().filter((c) => c.method === "DisableWriterInstances");
  assert(calls.length <= 1, `${calls.length} calls`);
  return calls[0]?.args.rgWriterInstanceId ?? [];
}

Deno.test("excluding a writer that failed at Identify disables it: a full backup goes on, no veto", async () => {
  const db = await machine();
  const selectors: WriterSelector[] = [
    { name: "Db" },
    { classId: db.classId },
    { instanceId: db.instanceId.toUpperCase() },
  ];
  for (const selector of selectors) {
    for (const backupType of ["full", "copy"] satisfies BackupKind[]) {
      await machine();
      const set = await createShadowCopySet(["C:\\"], {
        runtime,
        backupType,
        writers: { exclude: [selector] },
      });
      const where = `${JSON.stringify(selector)} ${backupType}`;
      assertEquals(disabled(), [db.instanceId], where);
      assertEquals(set.writers.map((w) => w.name), ["Ok"], where);
      assertEquals(set.degradedWriters, [], `${where}: Db took no part`);
      assertEquals(
        methods().filter((m) => m === "GatherWriterMetadata").length,
        2,
        "the probe and the backup gathered",
      );
      await set.complete();
      clean();
    }
  }
});

Deno.test("including a writer that failed at Identify fails the backup naming it, not the selector", async () => {
  const db = await machine();
  const selectors: WriterSelector[] = [
    { name: "Db" },
    { classId: db.classId },
    { instanceId: db.instanceId },
    { classId: db.classId, componentPath: "L\\db" },
  ];
  for (const selector of selectors) {
    for (const backupType of ["copy", "full"] satisfies BackupKind[]) {
      await machine();
      const error = await assertRejects(
        () =>
          createShadowCopySet(["C:\\"], {
            runtime,
            backupType,
            writers: { include: [selector, { name: "Ok" }] },
          }),
        WriterFailureError,
      );
      const where = `${JSON.stringify(selector)} ${backupType}`;
      assertEquals(error.writers.map((w) => [w.name, w.stateName]), [
        ["Db", "VSS_WS_FAILED_AT_IDENTIFY"],
      ], where);
      assertMatch(error.message, /^GatherWriterMetadata was vetoed by 1 writer/);
      assertEquals(disabled(), [], `${where}: both writers are included`);
      assert(!methods().includes("StartSnapshotSet"), where);
      clean();
    }
  }
});

Deno.test("including only the other writer disables the failed one", async () => {
  const db = await machine();
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    backupType: "full",
    writers: { include: [{ name: "Ok" }] },
  });
  assertEquals(disabled(), [db.instanceId]);
  assertEquals(set.writers.map((w) => w.name), ["Ok"]);
  assertEquals(set.degradedWriters, []);
  await set.complete();
  clean();
});

Deno.test("selectors that name no writer, nor a failed one, stay a WriterSelectorError naming the failed writers", async () => {
  for (
    const selector of [
      { componentPath: "L\\db" }, // Db's component, but Db listed none
      { name: "Dbx" },
      { name: "Ok", componentPath: "L\\db" },
    ] satisfies WriterSelector[]
  ) {
    for (const list of ["include", "exclude"] as const) {
      await machine();
      const error = await assertRejects(
        () => createShadowCopySet(["C:\\"], { runtime, writers: { [list]: [selector] } }),
        WriterSelectorError,
      );
      assertMatch(
        error.message,
        new RegExp(
          `^writers\\.${list} selector .* matches none of the 2 writer\\(s\\) of the system ` +
            "\\(1 of them failed at Identify and list no components: Db\\)$",
        ),
      );
      clean();
    }
  }
});
