/**
 * The one cancellation model (signals, per-phase deadlines, checked
 * durations), the error contract (reason fields, hints kept out of
 * messages, retryable), openVss's one-runtime rule, and volume filters.
 */

import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";
import { Simulator, simulatorPath } from "../support/simulator.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import {
  breakShadowCopySet,
  checkDuration,
  createShadowCopySet,
  deleteShadowCopies,
  getWriters,
  HRESULT,
  listShadowCopies,
  NotElevatedError,
  openVss,
  OperationAbortedError,
  restore,
  RuntimeConflictError,
  SnapshotSetInProgressError,
  VssError,
  VssLibraryError,
  WriterFailureError,
} from "../../requester/mod.ts";
import { VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";

const sim = new Simulator();
const comRuntimePath = Deno.build.os === "windows" ? simulatorPath : undefined;
const runtime = VssRuntime.load({ libraryPath: simulatorPath, comRuntimePath });
runtime.initializeCom();

function clean() {
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  assertEquals(sim.snapshotCount(), 0, "no shadow copy left behind");
}

async function persistentSet(volume: string) {
  const set = await createShadowCopySet([volume], { runtime, persistent: true, writers: false });
  await set.complete();
  return set;
}

Deno.test("checkDuration: not finite, not positive or above the timer limit is a RangeError naming the option", () => {
  for (const bad of [NaN, Infinity, -Infinity, 0, -1, 2 ** 31, 30 * 24 * 3600_000]) {
    const error = assertThrows(() => checkDuration("--timeout", bad), RangeError);
    assert(error.message.startsWith("--timeout "), error.message);
  }
  assertEquals(checkDuration("--timeout", 2 ** 31 - 1), 2 ** 31 - 1);
  assertEquals(checkDuration("--timeout", 0.5), 0.5);
});

Deno.test("a 30-day deadline is a RangeError at once, before any VSS call", async () => {
  sim.reset();
  sim.clearCalls();
  // "At once" is shown by the empty call log: an overflowing timer would only
  // fire after the session had called VSS.
  const error = await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        writers: false,
        deadlines: { snapshot: 30 * 24 * 3600_000 },
      }),
    RangeError,
  );
  assert(error.message.includes("deadlines.snapshot"), error.message);
  assertEquals(sim.calls(), [], "VSS was not called");
  await assertRejects(() => getWriters({ runtime, deadlines: { writerStatus: -5 } }), RangeError);
  await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, retry: { initialDelayMs: Infinity } }),
    RangeError,
    "retry.initialDelayMs",
  );
  clean();
});

Deno.test("OperationAbortedError says whether the caller aborted or a deadline passed, and in which phase", async () => {
  sim.reset();
  sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", -1);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const aborted = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false, signal: controller.signal }),
    OperationAbortedError,
  );
  assertEquals(
    [aborted.reason, aborted.operation, aborted.phase],
    ["aborted", "DoSnapshotSet", "snapshot"],
  );
  clean();
  const late = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false, deadlines: { snapshot: 50 } }),
    OperationAbortedError,
  );
  assertEquals([late.reason, late.operation, late.phase], [
    "deadline",
    "DoSnapshotSet",
    "snapshot",
  ]);
  assert(late.retryable, "a missed deadline can succeed with more time");
  assert(late.hint !== null && !late.message.includes(late.hint));
  sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", 0);
  clean();
  const before = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, signal: AbortSignal.abort() }),
    OperationAbortedError,
  );
  assertEquals([before.reason, before.operation], ["aborted", "createShadowCopySet"]);
  clean();
});

Deno.test("the post-snapshot writer check runs under its own writerStatus deadline", async () => {
  sim.reset();
  sim.addWriter({ name: "W" });
  sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", -1);
  const error = await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        deadlines: { writerStatus: 50, prepare: 60_000, snapshot: 60_000 },
      }),
    OperationAbortedError,
  );
  assertEquals([error.reason, error.operation, error.phase], [
    "deadline",
    "GatherWriterStatus",
    "prepare",
  ]);
  sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", 0);
  clean();
});

Deno.test("PreRestore and PostRestore have their own deadlines", async () => {
  sim.reset();
  const w = sim.addWriter({ name: "W" });
  sim.addComponent(w, { logicalPath: "L", name: "c" });
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: { include: [{ name: "W", componentPath: "L\\c" }] },
  });
  await set.complete();
  const document = set.saveBackupDocument();
  const select = [{ componentPath: "L\\c" }];
  for (
    const [method, key, phase] of [["PreRestore", "preRestore", "pre-restore"], [
      "PostRestore",
      "postRestore",
      "post-restore",
    ]] as const
  ) {
    sim.asyncDelay(`IVssBackupComponents::${method}`, -1);
    const error = await assertRejects(
      () =>
        restore(document, {
          runtime,
          select,
          copy: () => ({}),
          deadlines: { [key]: 50, complete: 60_000 },
        }),
      OperationAbortedError,
    );
    sim.asyncDelay(`IVssBackupComponents::${method}`, 0);
    assertEquals([error.reason, error.operation, error.phase], ["deadline", method, phase]);
  }
  clean();
});

Deno.test("breakShadowCopySet honours its signal", async () => {
  sim.reset();
  sim.hardwareProvider(true); // only a hardware provider's sets can be broken
  const set = await persistentSet("C:\\");
  const early = await assertRejects(
    () => breakShadowCopySet(set.id, { runtime, signal: AbortSignal.abort() }),
    OperationAbortedError,
  );
  assertEquals([early.reason, early.operation], ["aborted", "breakShadowCopySet"]);
  assertEquals((await listShadowCopies({ runtime, setId: set.id })).length, 1, "nothing broken");
  sim.asyncDelay("IVssBackupComponentsEx2::BreakSnapshotSetEx", -1);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const during = await assertRejects(
    () => breakShadowCopySet(set.id, { runtime, flags: 2, signal: controller.signal }),
    OperationAbortedError,
  );
  sim.asyncDelay("IVssBackupComponentsEx2::BreakSnapshotSetEx", 0);
  assertEquals([during.reason, during.operation], ["aborted", "BreakSnapshotSetEx"]);
  await deleteShadowCopies({ all: true }, { runtime });
  clean();
});

Deno.test("the retry pause leaves no abort listener behind", async () => {
  sim.reset();
  sim.fail("IVssBackupComponents::StartSnapshotSet", HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 1);
  const controller = new AbortController();
  const signal = controller.signal;
  let listening = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type: string, fn: EventListenerOrEventListenerObject, o?: unknown) => {
    if (type === "abort") listening++;
    add(type, fn, o as AddEventListenerOptions);
  };
  signal.removeEventListener = (type: string, fn: EventListenerOrEventListenerObject) => {
    if (type === "abort") listening--;
    remove(type, fn);
  };
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    signal,
    retry: { initialDelayMs: 5 },
  });
  assertEquals(listening, 0);
  await set.complete();
  clean();
});

Deno.test("errors keep the hint out of the message, carry the HRESULT and say whether a retry can work", async () => {
  sim.reset();
  sim.fail("IVssBackupComponents::AddToSnapshotSet", HRESULT.E_ACCESSDENIED, 1);
  const denied = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false }),
    NotElevatedError,
  );
  assert(denied instanceof VssLibraryError);
  assert(!denied.message.includes(denied.hint), denied.message);
  assertEquals([denied.hresult, denied.retryable], [HRESULT.E_ACCESSDENIED >>> 0, false]);
  assert(denied.message.startsWith("AddToSnapshotSet(C:\\) was refused"), denied.message);
  sim.fail("IVssBackupComponents::StartSnapshotSet", HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 2);
  const busy = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false, retry: { inProgressMs: 0 } }),
    SnapshotSetInProgressError,
  );
  assert(!busy.message.includes(busy.hint));
  assert(busy.retryable);
  sim.fail("IVssBackupComponents::StartSnapshotSet", 0, 0);
  const w = sim.addWriter({ name: "W" });
  const failed = VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT;
  sim.setWriterStatus(w, failed, HRESULT.VSS_E_WRITERERROR_RETRYABLE);
  const writer = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: { include: [{ name: "W" }] } }),
    WriterFailureError,
  );
  assert(!writer.message.includes(writer.hint));
  assert(writer.retryable, "the writer said a retry can work");
  const transient = new VssError(
    HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT,
    "IVssBackupComponents",
    "DoSnapshotSet",
    "https://example.org/page",
  );
  // Issue 10: the hint is the code's own advice (the DoSnapshotSet page's), then the page.
  assert(transient.retryable);
  assert(transient.hint?.startsWith("Transient: "), transient.hint ?? "");
  assert(transient.hint?.endsWith(" See https://example.org/page"), transient.hint ?? "");
  assert(!transient.message.includes("example.org"));
  assertEquals(new VssError(HRESULT.VSS_E_BAD_STATE, "IVssAsync", "Wait", null).retryable, false);
  clean();
});

Deno.test("listShadowCopies({ volume }) filters by any form of the volume's name", async () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  const c = await persistentSet("C:\\");
  const d = await persistentSet("D:\\");
  for (const name of ["C:", "c:\\", "C:\\", sim.volumeGuidName("C:\\")]) {
    const listed = await listShadowCopies({ runtime, volume: name });
    assertEquals(listed.map((s) => s.id), [c.snapshots[0].id], name);
    assertEquals(listed[0].volumeDisplayName, "C:\\");
  }
  assertEquals((await listShadowCopies({ runtime, volume: "D:" })).map((s) => s.id), [
    d.snapshots[0].id,
  ]);
  assertEquals(await listShadowCopies({ runtime, volume: "Q:" }), []);
  await deleteShadowCopies({ all: true }, { runtime });
  clean();
});

Deno.test("deleteShadowCopies({ oldest }) deletes the oldest of that volume only, by any name", async () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  const d1 = await persistentSet("D:\\");
  const c1 = await persistentSet("C:\\");
  const d2 = await persistentSet("D:\\");
  assertEquals(await deleteShadowCopies({ oldest: sim.volumeGuidName("D:\\") }, { runtime }), 1);
  const left = (await listShadowCopies({ runtime })).map((s) => s.id).sort();
  assertEquals(left, [c1.snapshots[0].id, d2.snapshots[0].id].sort());
  assertEquals(await deleteShadowCopies({ oldest: "c:" }, { runtime }), 1);
  assertEquals(await deleteShadowCopies({ oldest: "C:\\" }, { runtime }), 0, "C: has none left");
  void d1;
  await deleteShadowCopies({ all: true }, { runtime });
  clean();
});

Deno.test("openVss: the same options give the same runtime; other options are a RuntimeConflictError", () => {
  const first = openVss({ libraryPath: simulatorPath, comRuntimePath });
  assert(openVss({ libraryPath: simulatorPath, comRuntimePath }) === first, "the same runtime");
  const error = assertThrows(
    () => openVss({ libraryPath: `${simulatorPath}.other`, comRuntimePath }),
    RuntimeConflictError,
  );
  assert(error.message.includes(".other"), error.message);
  assert(!error.message.includes(error.hint));
  assertThrows(
    () => openVss({ libraryPath: simulatorPath, comRuntimePath, skipComSecurity: true }),
    RuntimeConflictError,
  );
});
