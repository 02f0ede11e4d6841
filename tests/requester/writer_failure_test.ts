/**
 * Writer vetoes reported through an operation's IVssAsync (simulator/README.md
 * "Writer failures", `failWriterAt`): PrepareForBackup, DoSnapshotSet,
 * BackupComplete, PreRestore and PostRestore end with VSS_E_WRITERERROR_*,
 * and the requester turns that into a WriterFailureError naming the writers
 * (from GatherWriterStatus after the failure), with `retryable` from the
 * classification (writer-errors-and-vetoes.md). A veto of
 * GatherWriterMetadata (a writer failing at Identify) stops only a backup
 * that needs the writer; otherwise it is degraded.
 */

import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { VssError } from "../../ffi/errors.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";
import {
  type BackupKind,
  createShadowCopySet,
  getWriters,
  restore,
  WriterFailureError,
} from "../../requester/mod.ts";

const { runtime, sim } = openSimulator();
const S = VSS_WRITER_STATE;
const methods = () => sim.calls().map((c) => c.method);

function clean(): void {
  assertEquals(sim.snapshotCount(), 0, "no shadow copy left");
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 }, "nothing leaked");
}

/** A writer with one component (`L\name`) whose files are on `volume`. */
function writer(name: string, volume = "C:\\"): number {
  const w = sim.addWriter({ name });
  const c = sim.addComponent(w, { logicalPath: "L", name: name.toLowerCase() });
  sim.addComponentFile(w, c, "file", `${volume}data\\${name}`, "*");
  return w;
}

const VETOES = [
  [S.VSS_WS_FAILED_AT_PREPARE_BACKUP, "PrepareForBackup"],
  [S.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, "DoSnapshotSet"],
  [S.VSS_WS_FAILED_AT_FREEZE, "DoSnapshotSet"],
  [S.VSS_WS_FAILED_AT_THAW, "DoSnapshotSet"],
  [S.VSS_WS_FAILED_AT_POST_SNAPSHOT, "DoSnapshotSet"],
] as const;

Deno.test("a veto of PrepareForBackup or DoSnapshotSet is a WriterFailureError naming the writer, for every backup type", async () => {
  for (const [state, operation] of VETOES) {
    for (const backupType of ["copy", "full"] satisfies BackupKind[]) {
      sim.reset();
      writer("Ok");
      const db = writer("Db");
      sim.failWriterAt(db, state, HRESULT.VSS_E_WRITERERROR_TIMEOUT, 0x80070005, "disk busy");
      const error = await assertRejects(
        () => createShadowCopySet(["C:\\"], { runtime, backupType }),
        WriterFailureError,
      );
      const where = `${operation} ${backupType} state ${state}`;
      assertEquals(
        error.writers.map((w) => [w.name, w.state, w.failureName, w.application]),
        [["Db", state, "VSS_E_WRITERERROR_TIMEOUT", 0x80070005]],
        where,
      );
      assertEquals(error.writers[0].applicationMessage, "disk busy");
      assertMatch(error.message, new RegExp(`^${operation} was vetoed by 1 writer`));
      assertMatch(error.message, /Db \(VSS_WS_FAILED_AT_\w+, VSS_E_WRITERERROR_TIMEOUT\)/);
      assertEquals(error.hresult, HRESULT.VSS_E_WRITERERROR_RETRYABLE, where);
      assert(error.retryable, `${where}: a retryable veto`);
      assert(error.cause instanceof VssError, "the IVssAsync's failure is the cause");
      assert(!error.message.includes(error.hint), "advice only in the hint");
      const calls = methods();
      const veto = calls.lastIndexOf(operation);
      assert(calls.indexOf("GatherWriterStatus", veto) > veto, "status gathered after the veto");
      assert(calls.includes("AbortBackup"), "the backup was aborted");
      assertEquals(
        calls.filter((m) => m === "DoSnapshotSet").length,
        operation === "DoSnapshotSet" ? 1 : 0,
        "a veto is not retried as transient",
      );
      clean();
    }
  }
});

Deno.test("retryable comes from the classification of the veto", async () => {
  const cases = [
    [HRESULT.VSS_E_WRITERERROR_RETRYABLE, true],
    [HRESULT.VSS_E_WRITERERROR_OUTOFRESOURCES, true],
    [HRESULT.VSS_E_WRITERERROR_NONRETRYABLE, false],
    [HRESULT.VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT, false],
    [HRESULT.VSS_E_WRITER_NOT_RESPONDING, false],
  ] as const;
  for (const [failure, retryable] of cases) {
    sim.reset();
    sim.failWriterAt(writer("Db"), S.VSS_WS_FAILED_AT_FREEZE, failure);
    const error = await assertRejects(
      () => createShadowCopySet(["C:\\"], { runtime, backupType: "full" }),
      WriterFailureError,
    );
    assertEquals(error.retryable, retryable, `0x${failure.toString(16)}`);
    assertEquals(
      error.hresult,
      retryable ? HRESULT.VSS_E_WRITERERROR_RETRYABLE : HRESULT.VSS_E_WRITERERROR_NONRETRYABLE,
    );
    assertEquals(error.writers.map((w) => w.failure), [failure]);
    clean();
  }
});

Deno.test("a veto by a writer the backup does not need still fails the set: DoSnapshotSet did not make it", async () => {
  sim.reset();
  sim.addVolume("D:\\");
  writer("Here");
  const elsewhere = writer("Elsewhere", "D:\\");
  sim.failWriterAt(elsewhere, S.VSS_WS_FAILED_AT_FREEZE, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const error = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, backupType: "copy" }),
    WriterFailureError,
  );
  assertEquals(error.writers.map((w) => w.name), ["Elsewhere"]);
  assert(!error.retryable);
  clean();
});

Deno.test("without writer metadata (writers: false) the veto is still a WriterFailureError, saying why no writer is named", async () => {
  sim.reset();
  sim.failWriterAt(writer("Db"), S.VSS_WS_FAILED_AT_FREEZE, HRESULT.VSS_E_WRITERERROR_RETRYABLE);
  const error = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false }),
    WriterFailureError,
  );
  assertEquals(error.writers, []);
  assertMatch(
    error.message,
    /^DoSnapshotSet was vetoed by a writer\(s\).*not asked for their status/,
  );
  assert(error.retryable);
  assert(!methods().includes("GatherWriterStatus"), "no status without metadata");
  clean();
});

Deno.test("a veto of BackupComplete: fails complete() for a writer the backup needs, is reported in the status otherwise", async () => {
  const BC = S.VSS_WS_FAILED_AT_BACKUP_COMPLETE;
  sim.reset();
  const db = writer("Db");
  sim.failWriterAt(db, BC, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE, 0, "log truncation failed");
  const full = await createShadowCopySet(["C:\\"], { runtime, backupType: "full" });
  const error = await assertRejects(() => full.complete(), WriterFailureError);
  assertEquals(error.writers.map((w) => [w.name, w.stateName]), [
    ["Db", "VSS_WS_FAILED_AT_BACKUP_COMPLETE"],
  ]);
  assertMatch(error.message, /^BackupComplete was vetoed/);
  assert(!error.retryable);
  assertMatch(full.saveBackupDocument(), /VssSimBackupComponents/, "the final document is kept");
  clean();

  sim.reset();
  sim.failWriterAt(writer("Db"), BC, HRESULT.VSS_E_WRITERERROR_RETRYABLE);
  const copy = await createShadowCopySet(["C:\\"], { runtime, backupType: "copy" });
  const status = await copy.complete();
  assertEquals(status.filter((s) => s.failed).map((s) => [s.name, s.stateName]), [
    ["Db", "VSS_WS_FAILED_AT_BACKUP_COMPLETE"],
  ]);
  clean();

  sim.reset();
  sim.failWriterAt(writer("Db"), BC, HRESULT.VSS_E_WRITERERROR_RETRYABLE);
  const named = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: { include: [{ name: "Db" }] },
  });
  // A writer named in writers.include is needed, whatever the backup type.
  await assertRejects(() => named.complete(), WriterFailureError);
  clean();

  sim.reset();
  writer("Db");
  sim.failAsync("IVssBackupComponents::BackupComplete", HRESULT.VSS_E_WRITERERROR_RETRYABLE);
  const unexplained = await createShadowCopySet(["C:\\"], { runtime, backupType: "copy" });
  const unnamed = await assertRejects(() => unexplained.complete(), WriterFailureError);
  sim.failAsync("IVssBackupComponents::BackupComplete", 0);
  assertEquals(unnamed.writers, [], "a veto no failed writer accounts for is not dropped");
  assertMatch(unnamed.message, /no writer in a failed state/);
  clean();
});

Deno.test("a veto of GatherWriterMetadata, PreRestore or PostRestore in a restore is a WriterFailureError naming the writer", async () => {
  for (
    const [state, operation] of [
      // A writer that fails at Identify stops a restore before PreRestore: it needs every writer.
      [S.VSS_WS_FAILED_AT_IDENTIFY, "GatherWriterMetadata"],
      [S.VSS_WS_FAILED_AT_PRE_RESTORE, "PreRestore"],
      [S.VSS_WS_FAILED_AT_POST_RESTORE, "PostRestore"],
    ] as const
  ) {
    sim.reset();
    const w = writer("Db");
    const set = await createShadowCopySet(["C:\\"], {
      runtime,
      writers: { include: [{ name: "Db", componentPath: "L\\db" }] },
    });
    await set.complete();
    const document = set.saveBackupDocument();
    sim.failWriterAt(w, state, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
    let copied = false;
    const error = await assertRejects(
      () =>
        restore(document, {
          runtime,
          select: [{ componentPath: "L\\db" }],
          copy: () => {
            copied = true;
            return {};
          },
        }),
      WriterFailureError,
    );
    assertMatch(error.message, new RegExp(`^${operation} was vetoed by 1 writer`));
    assertEquals(error.writers.map((x) => x.state), [state]);
    assertEquals(copied, operation === "PostRestore", "no copy after a vetoed PreRestore");
    assertEquals(error.hresult, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
    if (operation === "GatherWriterMetadata") {
      assert(!methods().includes("PreRestore"), "stopped before PreRestore");
    }
    clean();
  }
});

Deno.test("a writer that fails at Identify: a copy backup goes on with it degraded; a full backup stops, naming it", async () => {
  const ID = S.VSS_WS_FAILED_AT_IDENTIFY;
  sim.reset();
  writer("Ok");
  sim.failWriterAt(writer("Db"), ID, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const copy = await createShadowCopySet(["C:\\"], { runtime, backupType: "copy" });
  assertEquals(copy.writers.map((w) => w.name), ["Ok"], "missing from the metadata");
  assertEquals(copy.degradedWriters.map((w) => [w.name, w.stateName]), [
    ["Db", "VSS_WS_FAILED_AT_IDENTIFY"],
  ]);
  await copy.complete();
  clean();

  sim.reset();
  writer("Ok");
  sim.failWriterAt(writer("Db"), ID, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const error = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, backupType: "full" }),
    WriterFailureError,
  );
  assertMatch(error.message, /^GatherWriterMetadata was vetoed by 1 writer.*Db/);
  assert(!methods().includes("StartSnapshotSet"), "stopped before the set was started");
  clean();

  sim.reset();
  writer("Ok");
  sim.failWriterAt(writer("Db"), ID, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const other = await createShadowCopySet(["C:\\"], {
    runtime,
    backupType: "full",
    writers: { include: [{ name: "Ok" }] },
  });
  // Only Ok is included: Db, named by the status of the probe's gathering, is disabled too.
  assertEquals(other.writers.map((w) => w.name), ["Ok"]);
  assertEquals(other.degradedWriters, [], "Db takes no part, so it cannot fail the set");
  await other.complete();
  clean();

  sim.reset();
  sim.failWriterAt(writer("Db"), ID, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const { metadata, status } = await getWriters({ runtime });
  assertEquals(metadata.map((w) => w.name), []);
  assertEquals(status.map((s) => [s.name, s.failed]), [["Db", true]]);
  clean();
});
