/**
 * The core flows through the binding on the simulator: out structs read
 * through the generated layouts (and freed as the reference requires),
 * IVssAsync as a promise with timeout and abort (awaited on another thread:
 * Deno's FFI pool or koffi's workers), HRESULTs as typed errors, strings
 * intact, and nothing left allocated afterwards.
 *
 * @module
 */

import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "../assert.ts";
import { assertNothingLeft, type ScenarioRuntime } from "./harness.ts";
import { hostname } from "node:os";
import type { IVssBackupComponents } from "../../ffi/mod.ts";

/** Registers the flow tests; they share one runtime and simulator, closed by the last. */
export function flows(env: ScenarioRuntime): void {
  const { lane, binding: b } = env;
  const {
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
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES: ATTR,
    VSS_WRITER_STATE,
    VssArgumentError,
    OperationAbortedError,
    VssError,
  } = b;
  const { runtime, sim } = env.simulator.openSimulator();

  async function snapshotOf(volume: string, backup: IVssBackupComponents) {
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
    return { setId: pSnapshotSetId, snapshotId: pidSnapshot };
  }

  env.test(`${lane}: backup flow, snapshot properties and query results come back as typed values`, async () => {
    sim.reset();
    const w = sim.addWriter({ name: "Writer ü", usage: 3, source: 1 });
    sim.addComponent(w, { logicalPath: null, name: "Files", caption: "Captioned €" });
    {
      using backup = createBackupComponents(runtime);
      const before = Date.now();
      const { setId, snapshotId } = await snapshotOf("C:\\", backup);
      const after = Date.now();
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
      // The host's name (the simulator reports the machine it runs on).
      const shortName = (name: string | null) => (name ?? "").split(".")[0].toLowerCase();
      assertEquals(shortName(pProp.m_pwszOriginatingMachine), shortName(hostname()));
      assertEquals(pProp.m_pwszServiceMachine, pProp.m_pwszOriginatingMachine);
      assertEquals(pProp.m_pwszExposedName, null);
      assertEquals(
        pProp.m_lSnapshotAttributes,
        ATTR.VSS_VOLSNAP_ATTR_DIFFERENTIAL | ATTR.VSS_VOLSNAP_ATTR_AUTORECOVER,
      );
      // Made now, by the real clock.
      const made = ticksToDate(pProp.m_tsCreationTimestamp).getTime();
      assert(
        made >= before - 5 && made <= after + 5,
        `created at ${made}, not in ${before}..${after}`,
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
    assertNothingLeft(sim);
  });

  env.test(`${lane}: management objects enumerate volumes as VSS_MGMT_OBJECT_PROP values`, () => {
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
    assertNothingLeft(sim);
  });

  env.test(`${lane}: a failing HRESULT becomes a VssError naming the method and its page`, () => {
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

  env.test(`${lane}: IVssAsync never blocks the event loop; timeout and abort call Cancel`, async () => {
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
      const cancelled = () =>
        sim.calls().some((c) => c.interface === "IVssAsync" && c.method === "Cancel");
      {
        using op = backup.GatherWriterStatus().pAsync!;
        sim.clearCalls();
        const started = performance.now();
        const error = await assertRejects(
          () =>
            settle(op, {
              operation: "GatherWriterStatus",
              signal: AbortSignal.timeout(50),
              phase: "writer-status",
            }),
          OperationAbortedError,
        );
        assert(performance.now() - started >= 45, "the deadline, not earlier");
        assertEquals(
          [error.reason, error.operation, error.phase, error.retryable],
          ["deadline", "GatherWriterStatus", "writer-status", true],
        );
        assertEquals(error.message, "GatherWriterStatus timed out during writer-status");
        assert(error.hint !== null, "a deadline error says what to do");
        assert(cancelled(), "a deadline calls IVssAsync::Cancel");
      }
      {
        using op = backup.GatherWriterStatus().pAsync!;
        sim.clearCalls();
        const controller = new AbortController();
        const stop = new Error("user pressed stop");
        setTimeout(() => controller.abort(stop), 30);
        const error = await assertRejects(
          () => settle(op, { operation: "GatherWriterStatus", signal: controller.signal }),
          OperationAbortedError,
        );
        assertEquals([error.reason, error.phase], ["aborted", null]);
        assertEquals(error.message, "GatherWriterStatus was aborted");
        assertEquals(error.cause, stop);
        assert(cancelled(), "an abort calls IVssAsync::Cancel");
      }
      sim.asyncDelay("IVssBackupComponents::GatherWriterStatus", 0);
      sim.failAsync(
        "IVssBackupComponents::GatherWriterStatus",
        HRESULT.VSS_E_WRITER_INFRASTRUCTURE,
      );
      {
        using op = backup.GatherWriterStatus().pAsync!;
        const error = await assertRejects(
          () => settle(op, { operation: "GatherWriterStatus" }),
          VssError,
        );
        assertEquals(error.codeName, "VSS_E_WRITER_INFRASTRUCTURE");
      }
    }
    assertNothingLeft(sim);
  });

  env.test(`${lane}: strings survive the round trip: non-ASCII, surrogates, embedded NUL in BSTRs`, () => {
    sim.reset();
    const text = "<doc a='ü€𝄞'>\0tail</doc>";
    {
      using restore = createBackupComponents(runtime);
      try {
        restore.InitializeForRestore(text);
      } catch (error) {
        if (!(error instanceof VssError)) throw error;
      }
      assertEquals(
        sim.calls().find((c) => c.method === "InitializeForRestore")?.args.bstrXML,
        text,
      );
    }
    const backup = createBackupComponents(runtime);
    backup.InitializeForBackup(null);
    const saved = backup.SaveAsXML().pbstrXML;
    assert(saved !== null && saved.length > 0);
    backup.release();
    assertNothingLeft(sim);
  });

  env.test(`${lane}: nothing is left allocated after the suite`, () => {
    assertNothingLeft(sim);
    runtime.close();
    sim.close();
  });
}
