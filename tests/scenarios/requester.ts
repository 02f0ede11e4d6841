/**
 * The requester API end to end on the simulator: a shadow copy set is
 * created, read and completed; a persistent one is listed and deleted;
 * failures become the typed errors; writers, providers, backup document and
 * restore; disposal, a failing copy step, and the StartSnapshotSet retry.
 *
 * @module
 */

import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { assertNothingLeft, type ScenarioRuntime } from "./harness.ts";
import type * as Requester from "../../requester/mod.ts";

/** A scenario runtime with the requester API (`requester/mod.ts`, or the package's `.`). */
export interface RequesterScenarioRuntime extends ScenarioRuntime {
  /** The requester API. */
  requester: typeof Requester;
}

/** Registers the requester tests; they share one runtime and simulator, closed by the last. */
export function requesterScenario(env: RequesterScenarioRuntime): void {
  const { lane } = env;
  const {
    createShadowCopySet,
    deleteShadowCopies,
    getWriters,
    HRESULT,
    InsufficientStorageError,
    isVolumeSupported,
    listProviders,
    listShadowCopies,
    NotElevatedError,
    OperationAbortedError,
    readBackupDocument,
    restore,
    SessionFinishedError,
    SnapshotSetInProgressError,
    VolumeNotSupportedError,
    WriterFailureError,
  } = env.requester;
  const { VSS_WRITER_STATE } = env.binding;
  const { runtime, sim } = env.simulator.openSimulator();

  function clean() {
    assertNothingLeft(sim);
    assertEquals(sim.snapshotCount(), 0, "no shadow copy left behind");
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

  env.test(`${lane}: create a set, read its properties and map a path; completing removes it`, async () => {
    sim.reset();
    setupWriters();
    const phases: string[] = [];
    {
      await using set = await createShadowCopySet(["C:\\"], {
        runtime,
        onProgress: (e) => phases.push(`${e.phase}:${e.state}`),
      });
      assertEquals(set.snapshots.length, 1);
      const s = set.snapshots[0];
      assertEquals(s.setId, set.id);
      assertMatch(s.devicePath, /HarddiskVolumeShadowCopy1$/);
      assertEquals(set.mapPath("C:\\sql\\db1.mdf"), `${s.devicePath}\\sql\\db1.mdf`);
      assert(s.attributeNames.includes("differential"));
      assertEquals(set.writers.map((w) => w.name).sort(), ["Other", "SQL Sim"]);
      assertEquals(
        set.writers.find((w) => w.name === "SQL Sim")!.components[0].databases[0].filespec,
        "db1.mdf",
      );
      assertEquals((await listShadowCopies({ runtime })).length, 1);
      assert(set.saveBackupDocument().length > 0);
    }
    assertEquals(phases.at(0), "initialize:start");
    assertEquals(phases.at(-1), "complete:end");
    clean();
  });

  env.test(`${lane}: mapPath turns an original path into one inside the shadow copy`, async () => {
    sim.reset();
    {
      await using set = await createShadowCopySet(["C:\\"], { runtime, writers: false });
      const s = set.snapshots[0];
      assertEquals(set.mapPath("C:\\sql\\db1.mdf"), `${s.devicePath}\\sql\\db1.mdf`);
      assertEquals(set.mapPath("C:\\"), `${s.devicePath}\\`);
    }
    clean();
  });

  env.test(`${lane}: a persistent set survives completion until deleted`, async () => {
    sim.reset();
    const set = await createShadowCopySet(["C:\\"], { runtime, persistent: true, writers: false });
    await set.complete();
    await assertRejects(() => set.complete(), SessionFinishedError);
    const listed = await listShadowCopies({ runtime, setId: set.id });
    assertEquals(listed.map((s) => s.id), [set.snapshots[0].id]);
    assertEquals(await deleteShadowCopies({ setId: set.id }, { runtime }), 1);
    clean();
  });

  env.test(`${lane}: failures become actionable errors and leave nothing behind`, async () => {
    sim.reset();
    sim.fail("IVssBackupComponents::AddToSnapshotSet", HRESULT.E_ACCESSDENIED, 1);
    const denied = await assertRejects(
      () => createShadowCopySet(["C:\\"], { runtime, writers: false }),
      NotElevatedError,
    );
    assertMatch(denied.hint, /administrator/);
    clean();
    sim.addVolume("E:\\", false);
    const unsupported = await assertRejects(
      () => createShadowCopySet(["E:\\"], { runtime, writers: false }),
      VolumeNotSupportedError,
    );
    assertEquals(unsupported.volume, "E:\\");
    clean();
    sim.failAsync("IVssBackupComponents::DoSnapshotSet", HRESULT.VSS_E_INSUFFICIENT_STORAGE);
    await assertRejects(
      () => createShadowCopySet(["C:\\"], { runtime, writers: false }),
      InsufficientStorageError,
    );
    sim.failAsync("IVssBackupComponents::DoSnapshotSet", 0);
    clean();
    sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", -1);
    await assertRejects(
      () =>
        createShadowCopySet(["C:\\"], {
          runtime,
          writers: false,
          persistent: true,
          deadlines: { snapshot: 50 },
        }),
      OperationAbortedError,
      "DoSnapshotSet timed out during snapshot",
    );
    sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", 0);
    assert(
      sim.calls().some((c) => c.method === "AbortBackup"),
      "AbortBackup after the set was started",
    );
    clean();
  });

  env.test(`${lane}: a failed writer the backup includes stops it; otherwise it is reported as degraded`, async () => {
    sim.reset();
    const { w } = setupWriters();
    const failed = VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT;
    sim.setWriterStatus(w, failed, HRESULT.VSS_E_WRITERERROR_RETRYABLE);
    const error = await assertRejects(
      () => createShadowCopySet(["C:\\"], { runtime, writers: { include: [{ name: "SQL Sim" }] } }),
      WriterFailureError,
    );
    assertEquals(error.writers.map((x) => [x.name, x.stateName]), [[
      "SQL Sim",
      "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT",
    ]]);
    assertEquals(error.writers[0].failureName, "VSS_E_WRITERERROR_RETRYABLE");
    clean();
    {
      await using set = await createShadowCopySet(["C:\\"], { runtime });
      assertEquals(set.degradedWriters.map((x) => x.name), ["SQL Sim"]);
    }
    clean();
    {
      await using set = await createShadowCopySet(["C:\\"], {
        runtime,
        writers: { exclude: [{ name: "SQL Sim" }] },
      });
      assertEquals(set.writers.map((x) => x.name), ["Other"]);
      assertEquals(set.degradedWriters, []);
    }
    clean();
  });

  env.test(`${lane}: providers, volume support, writers, backup document and restore`, async () => {
    sim.reset();
    setupWriters();
    const providers = await listProviders({ runtime });
    assertEquals(providers[0].id, "b5946137-7b9f-4925-af80-51abd60b20d5");
    assertEquals(await isVolumeSupported("C:\\", { runtime }), true);
    const { metadata, status } = await getWriters({ runtime });
    assertEquals(metadata.length, 2);
    assertEquals(status.every((s) => !s.failed), true);
    let document = "";
    {
      await using set = await createShadowCopySet(["C:\\"], {
        runtime,
        writers: { include: [{ name: "SQL Sim", componentPath: "Instance\\db1" }] },
        backupType: "full",
      });
      document = set.saveBackupDocument();
    }
    const components = readBackupDocument(document, { runtime });
    assertEquals(components.map((c) => c.path), ["Instance\\db1"]);
    const seen: string[] = [];
    const after = await restore(document, {
      runtime,
      select: [{ componentPath: "Instance\\db1" }],
      copy: (plan) => {
        seen.push(...plan.components.map((c) => c.path));
        return { "Instance\\db1": "all" };
      },
    });
    assertEquals(seen, ["Instance\\db1"]);
    assert(after.every((s) => !s.failed));
    assert(sim.calls().some((c) => c.method === "PostRestore"));
    clean();
  });

  env.test(`${lane}: await using reports the backup as not succeeded unless complete() was called`, async () => {
    sim.reset();
    setupWriters();
    const include = { include: [{ name: "SQL Sim", componentPath: "Instance\\db1" }] };
    {
      await using _set = await createShadowCopySet(["C:\\"], { runtime, writers: include });
    }
    const disposed = sim.calls().filter((c) => c.method === "SetBackupSucceeded");
    assertEquals(disposed.map((c) => c.args.bSucceded ?? c.args.bSucceeded), [false]);
    sim.clearCalls();
    const set = await createShadowCopySet(["C:\\"], { runtime, writers: include });
    await set.complete();
    const completed = sim.calls().filter((c) => c.method === "SetBackupSucceeded");
    assertEquals(completed.map((c) => c.args.bSucceded ?? c.args.bSucceeded), [true]);
    assert(
      set.saveBackupDocument().length > 0,
      "the final document stays available after completion",
    );
    clean();
  });

  env.test(`${lane}: a copy step that throws still ends the restore: files marked failed, PostRestore runs`, async () => {
    sim.reset();
    setupWriters();
    const set = await createShadowCopySet(["C:\\"], {
      runtime,
      writers: { include: [{ name: "SQL Sim", componentPath: "Instance\\db1" }] },
    });
    await set.complete();
    const document = set.saveBackupDocument();
    sim.clearCalls();
    await assertRejects(
      () =>
        restore(document, {
          runtime,
          select: [{ componentPath: "Instance\\db1" }],
          copy: () => {
            throw new Error("disk full while copying");
          },
        }),
      Error,
      "disk full while copying",
    );
    const status = sim.calls().find((c) => c.method === "SetFileRestoreStatus");
    assertEquals(status?.args.status, 3, "VSS_RS_FAILED");
    assert(sim.calls().some((c) => c.method === "PostRestore"));
    clean();
  });

  env.test(`${lane}: another set in progress: StartSnapshotSet is retried with backoff, within a bound`, async () => {
    sim.reset();
    sim.fail("IVssBackupComponents::StartSnapshotSet", HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 2);
    const retries: string[] = [];
    const started = performance.now();
    const set = await createShadowCopySet(["C:\\"], {
      runtime,
      writers: false,
      retry: { inProgressMs: 1_000, initialDelayMs: 20 },
      onProgress: (e) => e.detail?.includes("retrying") && retries.push(e.detail),
    });
    assertEquals(retries.length, 2);
    assert(performance.now() - started >= 60, "waited 20 ms, then 40 ms");
    await set.complete();
    sim.fail("IVssBackupComponents::StartSnapshotSet", HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 5);
    // A 30 ms budget: one pause of 20 ms fits, the next (40 ms) would not.
    const gaveUp = await assertRejects(
      () =>
        createShadowCopySet(["C:\\"], {
          runtime,
          writers: false,
          retry: { inProgressMs: 30, initialDelayMs: 20 },
        }),
      SnapshotSetInProgressError,
      "gave up after 2 attempt(s)",
    );
    assertEquals([gaveUp.retryable, gaveUp.hresult], [
      true,
      HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    ]);
    sim.fail("IVssBackupComponents::StartSnapshotSet", 0, 0);
    clean();
  });

  env.test(`${lane}: nothing is left allocated at the end`, () => {
    clean();
    runtime.close();
    sim.close();
  });
}
