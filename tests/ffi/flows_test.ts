/**
 * The core flows through the binding on the simulator: out structs read
 * through the generated layouts (and freed as the reference requires),
 * IVssAsync as a promise with timeout and abort, HRESULTs as typed errors,
 * and nothing left allocated afterwards. Runs on both lanes.
 */

import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { settle } from "../../ffi/async.ts";
import { createBackupComponents, createSnapshotManagement, queryInterface } from "../../ffi/vss.ts";
import { VssArgumentError, VssAsyncAbortedError, VssError } from "../../ffi/errors.ts";
import { GUID_NULL } from "../../ffi/guid.ts";
import { ticksToDate } from "../../ffi/marshal.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import {
  VSS_BACKUP_TYPE,
  VSS_MGMT_OBJECT_TYPE,
  VSS_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
  VSS_SNAPSHOT_STATE,
  VSS_VOLUME_SNAPSHOT_ATTRIBUTES as ATTR,
  VSS_WRITER_STATE,
} from "../../ffi/generated/enums.ts";
import { IsVolumeSnapshottedInternal } from "../../ffi/generated/vssapi.ts";
import { IVssSnapshotMgmt2 } from "../../ffi/generated/wrappers.ts";
import type { IVssBackupComponents } from "../../ffi/generated/wrappers.ts";
import type { VssRuntime } from "../../ffi/runtime.ts";

const { runtime, sim } = openSimulator();
const lane = Deno.build.os === "windows" ? "Wine" : "Linux";

function assertNothingLeft() {
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  assertEquals(sim.unknownFrees(), 0);
}

async function snapshotOf(runtime: VssRuntime, volume: string, backup: IVssBackupComponents) {
  backup.InitializeForBackup(null);
  backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
  backup.SetBackupState(false, false, VSS_BACKUP_TYPE.VSS_BT_COPY, false);
  {
    using op = backup.GatherWriterMetadata().pAsync!;
    await settle(op, { operation: "GatherWriterMetadata" });
  }
  const { pSnapshotSetId } = backup.StartSnapshotSet();
  const { pidSnapshot } = backup.AddToSnapshotSet(volume, GUID_NULL);
  {
    using op = backup.PrepareForBackup().ppAsync!;
    await settle(op, { operation: "PrepareForBackup" });
  }
  {
    using op = backup.DoSnapshotSet().ppAsync!;
    assertEquals(await settle(op, { operation: "DoSnapshotSet" }), HRESULT.VSS_S_ASYNC_FINISHED);
  }
  void runtime;
  return { setId: pSnapshotSetId, snapshotId: pidSnapshot };
}

Deno.test(`${lane}: backup flow, snapshot properties and query results come back as typed values`, async () => {
  sim.reset();
  const w = sim.addWriter({ name: "Writer ü", usage: 3, source: 1 });
  sim.addComponent(w, { logicalPath: null, name: "Files", caption: "Captioned €" });
  {
    using backup = createBackupComponents(runtime);
    const { setId, snapshotId } = await snapshotOf(runtime, "C:\\", backup);
    assertEquals(setId, "00000001-0000-0000-0000-000000000001");
    assertEquals(snapshotId, "00000002-0000-0000-0000-000000000001");
    const { pProp } = backup.GetSnapshotProperties(snapshotId);
    assertEquals(pProp.m_SnapshotId, snapshotId);
    assertEquals(pProp.m_SnapshotSetId, setId);
    assertEquals(pProp.m_lSnapshotsCount, 1);
    assertEquals(
      pProp.m_pwszSnapshotDeviceObject,
      "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1",
    );
    assertEquals(pProp.m_pwszOriginalVolumeName, sim.volumeGuidName("C:\\"));
    assertEquals(pProp.m_pwszOriginatingMachine, "SIMHOST");
    assertEquals(pProp.m_pwszExposedName, null);
    assertEquals(
      pProp.m_lSnapshotAttributes,
      ATTR.VSS_VOLSNAP_ATTR_DIFFERENTIAL | ATTR.VSS_VOLSNAP_ATTR_AUTORECOVER,
    );
    assertEquals(pProp.m_tsCreationTimestamp, 133485408000000000n + 10000000n);
    assertEquals(
      ticksToDate(pProp.m_tsCreationTimestamp).toISOString(),
      "2024-01-01T00:00:01.000Z",
    );
    assertEquals(pProp.m_eStatus, VSS_SNAPSHOT_STATE.VSS_SS_CREATED);
    assert(
      sim.calls().some((c) => c.function === "VssFreeSnapshotPropertiesInternal"),
      "strings freed as documented",
    );

    {
      using list = backup.Query(
        GUID_NULL,
        VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
        VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
      ).ppEnum!;
      const first = list.Next(10);
      assertEquals(first.pceltFetched, 1);
      assertEquals(first.hr, 1, "S_FALSE: fewer than asked");
      const item = first.rgelt[0];
      assert("Snap" in item);
      assertEquals(item.Type, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT);
      assertEquals(item.Snap.m_SnapshotId, snapshotId);
      assertEquals(item.Snap.m_pwszSnapshotDeviceObject, pProp.m_pwszSnapshotDeviceObject);
    }

    backup.GatherWriterStatus().pAsync!.release();
    {
      using status = backup.GatherWriterStatus().pAsync!;
      await settle(status, { operation: "GatherWriterStatus" });
    }
    const ws = backup.GetWriterStatus(0);
    assertEquals(ws.pbstrWriter, "Writer ü");
    assertEquals(ws.pnStatus, VSS_WRITER_STATE.VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    backup.FreeWriterStatus();
    {
      using done = backup.BackupComplete().ppAsync!;
      await settle(done, { operation: "BackupComplete" });
    }
    const present = IsVolumeSnapshottedInternal(runtime, "C:\\");
    assertEquals(present.pbSnapshotsPresent, true);
  }
  assertEquals(sim.snapshotCount(), 0, "a backup-context snapshot goes with its object");
  assertNothingLeft();
});

Deno.test(`${lane}: management objects enumerate volumes as VSS_MGMT_OBJECT_PROP values`, () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  {
    using mgmt = createSnapshotManagement(runtime);
    using list = mgmt.QueryVolumesSupportedForSnapshots(
      "b5946137-7b9f-4925-af80-51abd60b20d5",
      VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
    ).ppEnum!;
    const { rgelt, pceltFetched } = list.Next(5);
    assertEquals(pceltFetched, 2);
    const names = rgelt.map((e) => "Vol" in e ? e.Vol.m_pwszVolumeDisplayName : null);
    assertEquals(names, ["C:\\", "D:\\"]);
    assertEquals(rgelt[0].Type, VSS_MGMT_OBJECT_TYPE.VSS_MGMT_OBJECT_VOLUME);
    using mgmt2 = queryInterface(mgmt, IVssSnapshotMgmt2)!;
    assertEquals(mgmt2.GetMinDiffAreaSize().pllMinDiffAreaSize, 320n * 1024n * 1024n);
  }
  assertNothingLeft();
});

Deno.test(`${lane}: a failing HRESULT becomes a VssError naming the method and its page`, () => {
  sim.reset();
  using backup = createBackupComponents(runtime);
  const early = assertThrows(() => backup.StartSnapshotSet(), VssError);
  assertEquals(early.codeName, "VSS_E_BAD_STATE");
  assertEquals(early.documented, true);
  assertMatch(
    early.message,
    /IVssBackupComponents::StartSnapshotSet failed with VSS_E_BAD_STATE \(0x80042301\)/,
  );
  assertMatch(early.doc!, /nf-vsbackup-ivssbackupcomponents-startsnapshotset$/);
  backup.InitializeForBackup(null);
  sim.fail("IVssBackupComponents::SetContext", HRESULT.E_ACCESSDENIED, 1);
  const denied = assertThrows(
    () => backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP),
    VssError,
  );
  assertEquals([denied.code, denied.hex, denied.codeName], [
    0x80070005,
    "0x80070005",
    "E_ACCESSDENIED",
  ]);
  backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
  assertThrows(() => backup.AddToSnapshotSet("C:\\\0D:\\", GUID_NULL), VssArgumentError, "NUL");
  assertThrows(() => backup.AddToSnapshotSet("C:\\", "not-a-guid"), TypeError, "not a GUID");
});

Deno.test(`${lane}: IVssAsync never blocks the event loop; timeout and abort call Cancel`, async () => {
  sim.reset();
  {
    using backup = createBackupComponents(runtime);
    backup.InitializeForBackup(null);
    sim.asyncDelay("IVssBackupComponents::GatherWriterMetadata", 300);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    {
      using op = backup.GatherWriterMetadata().pAsync!;
      await settle(op, { operation: "GatherWriterMetadata" });
    }
    clearInterval(timer);
    const elapsed = performance.now() - started;
    assert(elapsed >= 250, `waited ${elapsed} ms`);
    assert(ticks >= 10, `the event loop ran ${ticks} timer ticks while waiting`);

    sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", -1);
    {
      using op = backup.GatherWriterStatus().pAsync!;
      const error = await assertRejects(
        () => settle(op, { operation: "GatherWriterStatus", timeoutMs: 50 }),
        VssAsyncAbortedError,
        "timed out after 50 ms",
      );
      assert(error.message.includes("Cancel"));
      assert(sim.calls().some((c) => c.interface === "IVssAsync" && c.method === "Cancel"));
    }
    {
      using op = backup.GatherWriterStatus().pAsync!;
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user pressed stop")), 30);
      await assertRejects(
        () => settle(op, { operation: "GatherWriterStatus", signal: controller.signal }),
        VssAsyncAbortedError,
        "was aborted",
      );
    }
    sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", 0);
    sim.failAsync("IVssBackupComponents::GatherWriterStatus", HRESULT.VSS_E_WRITER_INFRASTRUCTURE);
    {
      using op = backup.GatherWriterStatus().pAsync!;
      const error = await assertRejects(
        () => settle(op, { operation: "GatherWriterStatus" }),
        VssError,
      );
      assertEquals(error.codeName, "VSS_E_WRITER_INFRASTRUCTURE");
    }
  }
  assertNothingLeft();
});

Deno.test(`${lane}: strings survive the round trip: non-ASCII, surrogates, embedded NUL in BSTRs`, () => {
  sim.reset();
  const text = "<doc a='ü€𝄞'>\0tail</doc>";
  {
    using restore = createBackupComponents(runtime);
    try {
      restore.InitializeForRestore(text);
    } catch (error) {
      if (!(error instanceof VssError)) throw error;
    }
    assertEquals(sim.calls().find((c) => c.method === "InitializeForRestore")?.args.bstrXML, text);
  }
  using backup = createBackupComponents(runtime);
  backup.InitializeForBackup(null);
  const saved = backup.SaveAsXML().pbstrXML;
  assert(saved !== null && saved.length > 0);
});

Deno.test(`${lane}: nothing is left allocated after the suite`, () => {
  assertNothingLeft();
  runtime.close();
  sim.close();
});
