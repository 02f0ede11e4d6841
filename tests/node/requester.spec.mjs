/**
 * The requester API under Node, end to end on the simulator: a shadow copy
 * set is created, read and completed; a persistent one is listed and
 * deleted; failures become the typed errors; writers, providers and restore.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createShadowCopySet,
  deleteShadowCopies,
  getWriters,
  HRESULT,
  isVolumeSupported,
  listProviders,
  listShadowCopies,
  NotElevatedError,
  readBackupDocument,
  restore,
  SessionFinishedError,
  VolumeNotSupportedError,
  VSS_WRITER_STATE,
  VssAsyncAbortedError,
  WriterFailureError,
} from "@vss/requester";
import { nothingLeft, openSimulator } from "./simulator.mjs";

const { runtime, sim } = openSimulator();

function clean() {
  nothingLeft(sim, assert);
  assert.equal(sim.snapshotCount(), 0, "no shadow copy left behind");
}

function setupWriters() {
  const w = sim.addWriter({ name: "SQL Sim", usage: 3, source: 1 });
  const c = sim.addComponent(w, {
    logicalPath: "Instance",
    name: "db1",
    caption: "Database one",
    type: 1,
  });
  sim.addComponentFile(w, c, "database", "C:\\sql\\", "db1.mdf");
  sim.addComponentFile(w, c, "log", "C:\\sql\\", "db1.ldf");
  const other = sim.addWriter({ name: "Other", usage: 3, source: 1 });
  sim.addComponent(other, { logicalPath: null, name: "files" });
  return { w, other };
}

test("createShadowCopySet end to end: snapshots, writers, document; completing removes it", async () => {
  sim.reset();
  setupWriters();
  const phases = [];
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    onProgress: (e) => phases.push(`${e.phase}:${e.state}`),
  });
  try {
    assert.equal(set.snapshots.length, 1);
    const s = set.snapshots[0];
    assert.equal(s.setId, set.id);
    assert.match(s.devicePath, /HarddiskVolumeShadowCopy1$/);
    assert.ok(s.attributeNames.includes("differential"));
    assert.deepEqual(set.writers.map((w) => w.name).sort(), ["Other", "SQL Sim"]);
    assert.equal(
      set.writers.find((w) => w.name === "SQL Sim").components[0].databases[0].filespec,
      "db1.mdf",
    );
    assert.equal((await listShadowCopies({ runtime })).length, 1);
    assert.ok(set.saveBackupDocument().length > 0);
  } finally {
    await set.complete();
  }
  assert.equal(phases.at(0), "initialize:start");
  assert.equal(phases.at(-1), "complete:end");
  clean();
});

test("mapPath turns an original path into one inside the shadow copy", async () => {
  sim.reset();
  const set = await createShadowCopySet(["C:\\"], { runtime, writers: false });
  try {
    const s = set.snapshots[0];
    assert.equal(set.mapPath("C:\\sql\\db1.mdf"), `${s.devicePath}\\sql\\db1.mdf`);
  } finally {
    await set.complete();
  }
  clean();
});

test("a persistent set survives completion until deleted", async () => {
  sim.reset();
  const set = await createShadowCopySet(["C:\\"], { runtime, persistent: true, writers: false });
  await set.complete();
  await assert.rejects(() => set.complete(), SessionFinishedError);
  const listed = await listShadowCopies({ runtime, setId: set.id });
  assert.deepEqual(listed.map((s) => s.id), [set.snapshots[0].id]);
  assert.equal(await deleteShadowCopies({ setId: set.id }, { runtime }), 1);
  clean();
});

test("failures become actionable errors and leave nothing behind", async () => {
  sim.reset();
  sim.fail("IVssBackupComponents::AddToSnapshotSet", HRESULT.E_ACCESSDENIED, 1);
  await assert.rejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false }),
    (error) => error instanceof NotElevatedError && /administrator/.test(error.hint),
  );
  clean();
  sim.addVolume("E:\\", false);
  await assert.rejects(
    () => createShadowCopySet(["E:\\"], { runtime, writers: false }),
    (error) => error instanceof VolumeNotSupportedError && error.volume === "E:\\",
  );
  clean();
  sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", -1);
  await assert.rejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        writers: false,
        persistent: true,
        deadlines: { snapshot: 50 },
      }),
    (error) => error instanceof VssAsyncAbortedError && /timed out/.test(error.message),
  );
  sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", 0);
  assert.ok(sim.calls().some((c) => c.method === "AbortBackup"), "AbortBackup after the start");
  clean();
});

test("a failed writer the backup includes stops it; otherwise it is reported as degraded", async () => {
  sim.reset();
  const { w } = setupWriters();
  sim.setWriterStatus(
    w,
    VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    HRESULT.VSS_E_WRITERERROR_RETRYABLE,
  );
  await assert.rejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: { include: [{ name: "SQL Sim" }] } }),
    (error) => {
      assert.ok(error instanceof WriterFailureError);
      assert.deepEqual(error.writers.map((x) => [x.name, x.stateName]), [[
        "SQL Sim",
        "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT",
      ]]);
      assert.equal(error.writers[0].failureName, "VSS_E_WRITERERROR_RETRYABLE");
      return true;
    },
  );
  clean();
  const set = await createShadowCopySet(["C:\\"], { runtime });
  assert.deepEqual(set.degradedWriters.map((x) => x.name), ["SQL Sim"]);
  await set.complete();
  clean();
});

test("providers, volume support, writers, backup document and restore", async () => {
  sim.reset();
  setupWriters();
  const providers = await listProviders({ runtime });
  assert.equal(providers[0].id, "b5946137-7b9f-4925-af80-51abd60b20d5");
  assert.equal(await isVolumeSupported("C:\\", { runtime }), true);
  const { metadata, status } = await getWriters({ runtime });
  assert.equal(metadata.length, 2);
  assert.ok(status.every((s) => !s.failed));
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: { include: [{ name: "SQL Sim", componentPath: "Instance\\db1" }] },
    backupType: "full",
  });
  const document = set.saveBackupDocument();
  await set.complete();
  const components = readBackupDocument(document, { runtime });
  assert.deepEqual(components.map((c) => c.path), ["Instance\\db1"]);
  const seen = [];
  const outcome = await restore(document, {
    runtime,
    select: [{ componentPath: "Instance\\db1" }],
    copy: (plan) => {
      seen.push(...plan.components.map((c) => c.path));
      return { "Instance\\db1": "all" };
    },
  });
  assert.deepEqual(seen, ["Instance\\db1"]);
  assert.ok(outcome.every((s) => !s.failed));
  assert.ok(sim.calls().some((c) => c.method === "PostRestore"));
  clean();
});

test("nothing is left allocated at the end", () => {
  clean();
  runtime.close();
  sim.close();
});
