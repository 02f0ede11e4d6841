/**
 * The core flows under Node: structs read through the generated layouts
 * (and freed as the reference requires), IVssAsync awaited on koffi's worker
 * thread with timeout and abort, HRESULTs as typed errors, strings intact,
 * and nothing left allocated afterwards.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createBackupComponents,
  createSnapshotManagement,
  GUID_NULL,
  HRESULT,
  IsVolumeSnapshottedInternal,
  IVssSnapshotMgmt2,
  queryInterface,
  settle,
  ticksToDate,
  VSS_BACKUP_TYPE,
  VSS_MGMT_OBJECT_TYPE,
  VSS_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
  VSS_SNAPSHOT_STATE,
  VSS_VOLUME_SNAPSHOT_ATTRIBUTES as ATTR,
  VSS_WRITER_STATE,
  VssArgumentError,
  VssAsyncAbortedError,
  VssError,
} from "@vss/requester";
import { nothingLeft, openSimulator } from "./simulator.mjs";

const { runtime, sim } = openSimulator();

async function snapshot(backup, volume) {
  backup.InitializeForBackup(null);
  backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
  backup.SetBackupState(false, false, VSS_BACKUP_TYPE.VSS_BT_COPY, false);
  const step = async (op, operation) => {
    try {
      return await settle(op, { operation });
    } finally {
      op.release();
    }
  };
  await step(backup.GatherWriterMetadata().pAsync, "GatherWriterMetadata");
  const { pSnapshotSetId } = backup.StartSnapshotSet();
  const { pidSnapshot } = backup.AddToSnapshotSet(volume, GUID_NULL);
  await step(backup.PrepareForBackup().ppAsync, "PrepareForBackup");
  const status = await step(backup.DoSnapshotSet().ppAsync, "DoSnapshotSet");
  assert.equal(status, HRESULT.VSS_S_ASYNC_FINISHED);
  return { setId: pSnapshotSetId, snapshotId: pidSnapshot };
}

test("GetSnapshotProperties and Query return typed structs; their strings are freed", async () => {
  sim.reset();
  const w = sim.addWriter({ name: "Writer ü", usage: 3, source: 1 });
  sim.addComponent(w, { logicalPath: null, name: "Files", caption: "Captioned €" });
  const backup = createBackupComponents(runtime);
  try {
    const { setId, snapshotId } = await snapshot(backup, "C:\\");
    assert.equal(setId, "00000001-0000-0000-0000-000000000001");
    assert.equal(snapshotId, "00000002-0000-0000-0000-000000000001");
    const { pProp } = backup.GetSnapshotProperties(snapshotId);
    assert.equal(pProp.m_SnapshotId, snapshotId);
    assert.equal(pProp.m_SnapshotSetId, setId);
    assert.equal(pProp.m_lSnapshotsCount, 1);
    assert.equal(
      pProp.m_pwszSnapshotDeviceObject,
      "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1",
    );
    assert.equal(pProp.m_pwszOriginalVolumeName, sim.volumeGuidName("C:\\"));
    assert.equal(pProp.m_pwszOriginatingMachine, "SIMHOST");
    assert.equal(pProp.m_pwszExposedName, null);
    assert.equal(
      pProp.m_lSnapshotAttributes,
      ATTR.VSS_VOLSNAP_ATTR_DIFFERENTIAL | ATTR.VSS_VOLSNAP_ATTR_AUTORECOVER,
    );
    assert.equal(pProp.m_tsCreationTimestamp, 133485408000000000n + 10000000n);
    assert.equal(
      ticksToDate(pProp.m_tsCreationTimestamp).toISOString(),
      "2024-01-01T00:00:01.000Z",
    );
    assert.equal(pProp.m_eStatus, VSS_SNAPSHOT_STATE.VSS_SS_CREATED);
    assert.ok(sim.calls().some((c) => c.function === "VssFreeSnapshotPropertiesInternal"));

    const list = backup.Query(
      GUID_NULL,
      VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
      VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
    ).ppEnum;
    try {
      const first = list.Next(10);
      assert.equal(first.pceltFetched, 1);
      assert.equal(first.hr, 1, "S_FALSE: fewer than asked");
      const item = first.rgelt[0];
      assert.equal(item.Type, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT);
      assert.equal(item.Snap.m_SnapshotId, snapshotId);
      assert.equal(item.Snap.m_pwszSnapshotDeviceObject, pProp.m_pwszSnapshotDeviceObject);
    } finally {
      list.release();
    }

    const status = backup.GatherWriterStatus().pAsync;
    await settle(status, { operation: "GatherWriterStatus" });
    status.release();
    const ws = backup.GetWriterStatus(0);
    assert.equal(ws.pbstrWriter, "Writer ü");
    assert.equal(ws.pnStatus, VSS_WRITER_STATE.VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    backup.FreeWriterStatus();
    const done = backup.BackupComplete().ppAsync;
    await settle(done, { operation: "BackupComplete" });
    done.release();
    assert.equal(IsVolumeSnapshottedInternal(runtime, "C:\\").pbSnapshotsPresent, true);
  } finally {
    backup.release();
  }
  assert.equal(sim.snapshotCount(), 0, "a backup-context snapshot goes with its object");
  nothingLeft(sim, assert);
});

test("management objects enumerate volumes as VSS_MGMT_OBJECT_PROP values", () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  const mgmt = createSnapshotManagement(runtime);
  const list = mgmt.QueryVolumesSupportedForSnapshots(
    "b5946137-7b9f-4925-af80-51abd60b20d5",
    VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
  ).ppEnum;
  const { rgelt, pceltFetched } = list.Next(5);
  assert.equal(pceltFetched, 2);
  assert.deepEqual(rgelt.map((e) => e.Vol?.m_pwszVolumeDisplayName), ["C:\\", "D:\\"]);
  assert.equal(rgelt[0].Type, VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME);
  const mgmt2 = queryInterface(mgmt, IVssSnapshotMgmt2);
  assert.equal(mgmt2.GetMinDiffAreaSize().pllMinDiffAreaSize, 320n * 1024n * 1024n);
  for (const o of [mgmt2, list, mgmt]) o.release();
  nothingLeft(sim, assert);
});

test("a failing HRESULT becomes a VssError naming the method and its page", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  try {
    assert.throws(() => backup.StartSnapshotSet(), (error) => {
      assert.ok(error instanceof VssError);
      assert.equal(error.codeName, "VSS_E_BAD_STATE");
      assert.equal(error.documented, true);
      assert.match(
        error.message,
        /IVssBackupComponents::StartSnapshotSet failed with VSS_E_BAD_STATE \(0x80042301\)/,
      );
      assert.match(error.doc, /nf-vsbackup-ivssbackupcomponents-startsnapshotset$/);
      return true;
    });
    backup.InitializeForBackup(null);
    sim.fail("IVssBackupComponents::SetContext", HRESULT.E_ACCESSDENIED, 1);
    assert.throws(() => backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP), (error) => {
      assert.deepEqual([error.code, error.hex, error.codeName], [
        0x80070005,
        "0x80070005",
        "E_ACCESSDENIED",
      ]);
      return true;
    });
    backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
    assert.throws(() => backup.AddToSnapshotSet("C:\\\0D:\\", GUID_NULL), VssArgumentError);
    assert.throws(() => backup.AddToSnapshotSet("C:\\", "not-a-guid"), TypeError);
  } finally {
    backup.release();
  }
});

test("IVssAsync never blocks the event loop; timeout and abort call Cancel", async () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  try {
    backup.InitializeForBackup(null);
    sim.asyncDelay("IVssBackupComponents::GatherWriterMetadata", 300);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const op = backup.GatherWriterMetadata().pAsync;
    await settle(op, { operation: "GatherWriterMetadata" });
    op.release();
    clearInterval(timer);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 250, `waited ${elapsed} ms`);
    assert.ok(ticks >= 10, `the event loop ran ${ticks} timer ticks while waiting`);

    sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", -1);
    const slow = backup.GatherWriterStatus().pAsync;
    await assert.rejects(
      () => settle(slow, { operation: "GatherWriterStatus", timeoutMs: 50 }),
      (error) => {
        assert.ok(error instanceof VssAsyncAbortedError);
        assert.match(error.message, /timed out after 50 ms; IVssAsync::Cancel was called/);
        return true;
      },
    );
    slow.release();
    assert.ok(sim.calls().some((c) => c.interface === "IVssAsync" && c.method === "Cancel"));

    const aborted = backup.GatherWriterStatus().pAsync;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user pressed stop")), 30);
    await assert.rejects(
      () => settle(aborted, { operation: "GatherWriterStatus", signal: controller.signal }),
      (error) => error instanceof VssAsyncAbortedError && /was aborted/.test(error.message),
    );
    aborted.release();

    sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", 0);
    sim.failAsync("IVssBackupComponents::GatherWriterStatus", HRESULT.VSS_E_WRITER_INFRASTRUCTURE);
    const failing = backup.GatherWriterStatus().pAsync;
    await assert.rejects(
      () => settle(failing, { operation: "GatherWriterStatus" }),
      (error) => error instanceof VssError && error.codeName === "VSS_E_WRITER_INFRASTRUCTURE",
    );
    failing.release();
  } finally {
    backup.release();
  }
  nothingLeft(sim, assert);
});

test("strings survive the round trip: non-ASCII, surrogates, embedded NUL in BSTRs", () => {
  sim.reset();
  const text = "<doc a='ü€𝄞'>\0tail</doc>";
  const restore = createBackupComponents(runtime);
  try {
    restore.InitializeForRestore(text);
  } catch (error) {
    if (!(error instanceof VssError)) throw error;
  }
  restore.release();
  assert.equal(sim.calls().find((c) => c.method === "InitializeForRestore")?.args.bstrXML, text);
  const backup = createBackupComponents(runtime);
  backup.InitializeForBackup(null);
  const saved = backup.SaveAsXML().pbstrXML;
  assert.ok(saved !== null && saved.length > 0);
  backup.release();
  nothingLeft(sim, assert);
});

test("nothing is left allocated at the end", () => {
  nothingLeft(sim, assert);
  runtime.close();
  sim.close();
});
