/**
 * The service's rules as policies (issue 10), against the simulator: the
 * in-progress retry, the transient DoSnapshotSet retry, writer failure
 * policies and selectors, hard deadlines after Cancel, a failed backup
 * reported with AbortBackup, contexts without writers, mapPath of a root,
 * and the document saved after completion.
 */

import { assert, assertEquals, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { settle } from "../../ffi/async.ts";
import { OperationAbortedError, VssError } from "../../ffi/errors.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";
import type { IVssAsync } from "../../ffi/generated/wrappers.ts";
import {
  createShadowCopySet,
  type ProgressEvent,
  SnapshotSetInProgressError,
  WriterFailureError,
  WriterSelectorError,
} from "../../requester/mod.ts";
import { DEFAULT_RETRY } from "../../requester/retry.ts";

const { runtime, sim } = openSimulator();
const B = "IVssBackupComponents::";

function clean(): void {
  assertEquals(sim.snapshotCount(), 0, "no shadow copy left");
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 }, "nothing leaked");
}
const methods = () => sim.calls().map((c) => c.method);

/** A writer with one component whose files are on `volume`. */
function writer(name: string, component: string, volume = "C:\\"): number {
  const w = sim.addWriter({ name });
  const c = sim.addComponent(w, { name: component });
  sim.addComponentFile(w, c, "file", `${volume}data\\${name}`, "*");
  return w;
}

Deno.test("in progress: retried with a doubling pause for two minutes by default, then a typed error", async () => {
  assertEquals(DEFAULT_RETRY.inProgressMs, 120_000);
  sim.reset();
  sim.fail(`${B}StartSnapshotSet`, HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 3);
  const events: ProgressEvent[] = [];
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    retry: { initialDelayMs: 5 },
    onProgress: (e) => e.retry && events.push(e),
  });
  assertEquals(events.map((e) => e.retry!.delayMs), [5, 10, 20]);
  assert(events.every((e) => e.retry!.hresult === HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS));
  await set.complete();
  sim.fail(`${B}StartSnapshotSet`, HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, -1);
  const started = performance.now();
  const error = await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        writers: false,
        retry: { inProgressMs: 100, initialDelayMs: 10 },
      }),
    SnapshotSetInProgressError,
  );
  const took = performance.now() - started;
  assert(took >= 60 && took < 2_000, `bounded by the budget: ${took} ms`);
  assert(error.retryable && error.hresult === HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS);
  sim.fail(`${B}StartSnapshotSet`, 0, 0);
  clean();
});

Deno.test("in progress: AddToSnapshotSet is retried too (its page lists the code)", async () => {
  sim.reset();
  sim.fail(`${B}AddToSnapshotSet`, HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 1);
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    retry: { initialDelayMs: 5 },
  });
  assertEquals(methods().filter((m) => m === "AddToSnapshotSet").length, 2);
  await set.complete();
  clean();
});

Deno.test("transient DoSnapshotSet failures make the set again, bounded, reported in progress events", async () => {
  for (const code of [HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT, HRESULT.VSS_E_HOLD_WRITES_TIMEOUT]) {
    sim.reset();
    sim.fail(`${B}DoSnapshotSet`, code, 1);
    const retries: ProgressEvent[] = [];
    const set = await createShadowCopySet(["C:\\"], {
      runtime,
      writers: false,
      retry: { transientDelayMs: 5 },
      onProgress: (e) => e.retry && retries.push(e),
    });
    assertEquals(retries.map((e) => [e.phase, e.retry!.attempt, e.retry!.hresult]), [
      ["snapshot", 1, code],
    ]);
    assert(methods().includes("AbortBackup"), "the failed attempt was aborted");
    await set.complete();
    clean();
  }
  sim.reset();
  sim.failAsync(`${B}DoSnapshotSet`, HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT);
  let retries = 0;
  const error = await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        writers: false,
        retry: { transientAttempts: 2, transientDelayMs: 5 },
        onProgress: (e) => void (e.retry && retries++),
      }),
    VssError,
  );
  assertEquals([error.code, retries], [HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT, 2]);
  assertEquals(methods().filter((m) => m === "DoSnapshotSet").length, 3, methods().join(" "));
  assertEquals(DEFAULT_RETRY.transientAttempts, 3, "the page: up to three times");
  assertEquals(DEFAULT_RETRY.transientDelayMs, 600_000, "the page: ten minutes");
  sim.failAsync(`${B}DoSnapshotSet`, 0);
  sim.failAsync(`${B}DoSnapshotSet`, HRESULT.VSS_E_INSUFFICIENT_STORAGE);
  sim.clearCalls();
  await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], { runtime, writers: false, retry: { transientDelayMs: 5 } }),
    Error,
  );
  assertEquals(methods().filter((m) => m === "DoSnapshotSet").length, 1, "not transient");
  sim.failAsync(`${B}DoSnapshotSet`, 0);
  clean();
});

Deno.test("full backups fail on a failed writer with data on the set; copy reports it as degraded", async () => {
  const FREEZE = VSS_WRITER_STATE.VSS_WS_FAILED_AT_FREEZE;
  for (const backupType of ["full", "incremental", "differential", "log"] as const) {
    sim.reset();
    const w = writer("Db", "db");
    sim.setWriterStatus(w, FREEZE, HRESULT.VSS_E_WRITERERROR_TIMEOUT);
    const error = await assertRejects(
      () => createShadowCopySet(["C:\\"], { runtime, backupType }),
      WriterFailureError,
    );
    assertEquals(error.writers.map((x) => [x.name, x.retryable]), [["Db", true]]);
    assert(error.retryable, "WRITERERROR_TIMEOUT: the GetWriterStatus page advises a retry");
    clean();
  }
  sim.reset();
  const w = writer("Db", "db");
  sim.setWriterStatus(w, FREEZE, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const copy = await createShadowCopySet(["C:\\"], { runtime, backupType: "copy" });
  assertEquals(copy.degradedWriters.map((x) => [x.name, x.retryable]), [["Db", false]]);
  await copy.complete();
  clean();
  sim.reset();
  sim.addVolume("D:\\");
  const other = writer("Elsewhere", "e", "D:\\");
  sim.setWriterStatus(other, FREEZE, HRESULT.VSS_E_WRITERERROR_NONRETRYABLE);
  const full = await createShadowCopySet(["C:\\"], { runtime, backupType: "full" });
  assertEquals(full.degradedWriters.map((x) => x.name), ["Elsewhere"], "no data on the set");
  await full.complete();
  clean();
});

Deno.test("a selector that matches nothing is an error; a component selector matches only its writer", async () => {
  sim.reset();
  writer("A", "a");
  writer("B", "b");
  for (const writers of [{ include: [{ name: "Nope" }] }, { exclude: [{ componentPath: "zz" }] }]) {
    const error = await assertRejects(
      () => createShadowCopySet(["C:\\"], { runtime, writers }),
      WriterSelectorError,
    );
    assert(!error.message.includes(error.hint), error.message);
  }
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: { include: [{ componentPath: "b" }] },
  });
  assertEquals(set.writers.map((w) => w.name), ["B"]);
  await set.complete();
  clean();
});

Deno.test("a failed backup is reported with SetBackupSucceeded(false) and AbortBackup, never BackupComplete", async () => {
  for (const how of ["complete", "dispose"] as const) {
    sim.reset();
    writer("A", "a");
    const set = await createShadowCopySet(["C:\\"], {
      runtime,
      writers: { include: [{ name: "A", componentPath: "a" }] },
    });
    sim.clearCalls();
    if (how === "complete") await set.complete({ succeeded: false });
    else await set[Symbol.asyncDispose]();
    const calls = sim.calls();
    const succeeded = calls.find((c) => c.method === "SetBackupSucceeded");
    assert(succeeded !== undefined, "SetBackupSucceeded was called");
    assertEquals(succeeded.args.bSucceded, false, JSON.stringify(succeeded.args));
    assert(calls.some((c) => c.method === "AbortBackup"), "AbortBackup");
    assert(!calls.some((c) => c.method === "BackupComplete"), "no BackupComplete");
    assert(/backupSucceeded="0"/.test(set.saveBackupDocument()), "the document records it");
    clean();
  }
});

Deno.test("contexts without writers skip PrepareForBackup and BackupComplete", async () => {
  for (const context of ["file-share-backup", "client-accessible"] as const) {
    sim.reset();
    const set = await createShadowCopySet(["C:\\"], { runtime, context });
    await set.complete();
    const calls = methods();
    assert(!calls.includes("PrepareForBackup") && !calls.includes("BackupComplete"), context);
    assert(calls.includes("DoSnapshotSet"));
    await set.delete().catch(() => {});
    const { deleteShadowCopies } = await import("../../requester/mod.ts");
    await deleteShadowCopies({ all: true }, { runtime });
    clean();
  }
});

Deno.test("mapPath of a volume root keeps the trailing backslash; transportable sets are not mapped", async () => {
  sim.reset();
  const set = await createShadowCopySet(["C:\\"], { runtime, writers: false });
  const device = set.snapshots[0].devicePath;
  assertEquals(set.mapPath("C:\\"), `${device}\\`);
  assertEquals(set.mapPath("c:"), `${device}\\`);
  assertEquals(set.mapPath("C:\\a\\b.txt"), `${device}\\a\\b.txt`);
  await set.complete();
  sim.hardwareProvider(true); // transportable sets need a hardware provider
  const moved = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    transportable: true,
  });
  let refused = false;
  try {
    moved.mapPath("C:\\x");
  } catch (error) {
    refused = error instanceof RangeError && /transportable/.test(error.message);
  }
  assert(refused, "transportable: not surfaced here");
  await moved.complete();
  clean();
});

Deno.test("the document saved after completion records what was backed up", async () => {
  sim.reset();
  writer("A", "a");
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: { include: [{ componentPath: "a" }] },
  });
  assert(!/backupSucceeded="1"/.test(set.saveBackupDocument()), "not yet");
  await set.complete({ succeeded: true });
  assert(/backupSucceeded="1"/.test(set.saveBackupDocument()), "after completion");
  clean();
});

Deno.test("deadlines are hard: when VSS ignores Cancel, the wait is abandoned after the grace period", async () => {
  let cancels = 0;
  let releaseWait = () => {};
  const never = new Promise<number>((resolve) => (releaseWait = () => resolve(0)));
  const op = {
    WaitNonblocking: () => never,
    Cancel: () => void cancels++,
    QueryStatus: () => ({ hr: 0, pHrResult: HRESULT.VSS_S_ASYNC_FINISHED }),
  } as unknown as IVssAsync;
  let abandoned: Promise<unknown> | null = null;
  const started = performance.now();
  const error = await assertRejects(
    () =>
      settle(op, {
        operation: "DoSnapshotSet",
        signal: AbortSignal.timeout(20),
        phase: "snapshot",
        cancelGraceMs: 50,
        onAbandon: (finished) => (abandoned = finished),
      }),
    OperationAbortedError,
  );
  assert(performance.now() - started < 1_000, "bounded");
  assertEquals([error.reason, error.stillRunning, cancels], ["deadline", true, 1]);
  assert(/may still finish it in the background/.test(error.message), error.message);
  assert(abandoned !== null, "the caller learns when VSS really ends");
  releaseWait();
  await abandoned;
});
