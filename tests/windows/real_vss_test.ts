/**
 * Lane 3: real VSS on Windows. Creates a shadow copy of the system volume,
 * reads a file through the snapshot device path, and deletes the snapshot.
 * Runs only on Windows with VSS_REAL_WINDOWS=1 (the GitHub workflow
 * `.github/workflows/windows-vss.yml`); elsewhere it is skipped and says why.
 */

import { assert, assertEquals } from "../assert.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { settle } from "../../ffi/async.ts";
import { CreateVssBackupComponentsInternal } from "../../ffi/generated/vssapi.ts";
import {
  VSS_BACKUP_TYPE,
  VSS_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
} from "../../ffi/generated/enums.ts";
import { GUID_NULL } from "../../ffi/guid.ts";
import { withCleanup } from "../support/cleanup.ts";

const enabled = Deno.build.os === "windows" && Deno.env.get("VSS_REAL_WINDOWS") === "1";
if (!enabled) {
  console.log(
    "real_vss_test: skipped — needs Windows, administrator rights and VSS_REAL_WINDOWS=1 " +
      "(run by .github/workflows/windows-vss.yml)",
  );
}

Deno.test({
  name: "real VSS: snapshot the system volume, read a file through it, delete it",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    const runtime = VssRuntime.load();
    runtime.initializeCom();
    const systemDrive = (Deno.env.get("SystemDrive") ?? "C:") + "\\";
    const backup = CreateVssBackupComponentsInternal(runtime).ppBackup!;
    let snapshotId: string | null = null;
    await withCleanup(async () => {
      backup.InitializeForBackup(null);
      backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
      backup.SetBackupState(false, false, VSS_BACKUP_TYPE.VSS_BT_COPY, false);
      using gather = backup.GatherWriterMetadata().pAsync!;
      await settle(gather, {
        operation: "GatherWriterMetadata",
        signal: AbortSignal.timeout(120_000),
      });
      const { pSnapshotSetId } = backup.StartSnapshotSet();
      snapshotId = backup.AddToSnapshotSet(systemDrive, GUID_NULL).pidSnapshot;
      using prepare = backup.PrepareForBackup().ppAsync!;
      await settle(prepare, {
        operation: "PrepareForBackup",
        signal: AbortSignal.timeout(120_000),
      });
      using doSnapshot = backup.DoSnapshotSet().ppAsync!;
      await settle(doSnapshot, {
        operation: "DoSnapshotSet",
        signal: AbortSignal.timeout(300_000),
      });
      const { pProp } = backup.GetSnapshotProperties(snapshotId);
      assertEquals(pProp.m_SnapshotSetId, pSnapshotSetId);
      const device = pProp.m_pwszSnapshotDeviceObject!;
      assert(device.startsWith("\\\\?\\GLOBALROOT\\Device\\"), device);
      const text = await Deno.readTextFile(`${device}\\Windows\\win.ini`);
      assert(text.length > 0);
      console.log(`read ${text.length} characters of Windows\\win.ini through ${device}`);
      using complete = backup.BackupComplete().ppAsync!;
      await settle(complete, { operation: "BackupComplete", signal: AbortSignal.timeout(120_000) });
    }, [
      () => {
        if (snapshotId === null) return;
        const deleted = backup.DeleteSnapshots(
          snapshotId,
          VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
          true,
        );
        console.log(`deleted ${deleted.plDeletedSnapshots} snapshot(s)`);
      },
      () => backup.release(),
      () => runtime.close(),
    ]);
  },
});

Deno.test({
  name:
    "real VSS, requester API: a shadow copy set of the system volume, read through mapPath, then gone",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    const { createShadowCopySet, listShadowCopies, listProviders, getWriters } = await import(
      "../../mod.ts"
    );
    const systemDrive = (Deno.env.get("SystemDrive") ?? "C:") + "\\";
    const providers = await listProviders();
    assert(providers.length > 0, "at least the system provider");
    const { metadata } = await getWriters();
    console.log(`${metadata.length} writers: ${metadata.map((w) => w.name).join(", ")}`);
    const set = await createShadowCopySet([systemDrive], {
      backupType: "copy",
      onProgress: (e) =>
        e.state === "end" && console.log(`${e.phase} done at ${e.elapsedMs.toFixed(0)} ms`),
    });
    let ok = false;
    await withCleanup(async () => {
      const path = set.mapPath(`${systemDrive}Windows\\win.ini`);
      assert((await Deno.readTextFile(path)).length > 0);
      const listed = await listShadowCopies({ setId: set.id });
      assertEquals(listed.map((s) => s.id), set.snapshots.map((s) => s.id));
      console.log(
        `degraded writers: ${set.degradedWriters.map((w) => w.name).join(", ") || "none"}`,
      );
      ok = true;
    }, [() => set.complete({ succeeded: ok })]);
    assertEquals(
      (await listShadowCopies({ setId: set.id })).length,
      0,
      "the non-persistent set is gone",
    );
  },
});
