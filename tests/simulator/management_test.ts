/**
 * Management queries with nothing to report return S_FALSE and an empty
 * enumerator, which the binding and the requester API read as "none"; and
 * the writer instance / class pair of AddComponent and SetBackupSucceeded
 * (simulator/README.md, "Management" and "AddComponent"). Runs on both lanes.
 */
import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  createBackupComponents,
  createSnapshotManagement,
  GUID_NULL,
  HRESULT,
  IID,
  IVssDifferentialSoftwareSnapshotMgmt,
  queryInterface,
  settle,
  VSS_BACKUP_TYPE,
  VSS_COMPONENT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
  VssError,
} from "../../ffi/mod.ts";
import { HARDWARE_PROVIDER_ID, openSimulator } from "../../simulator/control.ts";
import {
  createShadowCopySet,
  deleteShadowCopies,
  diffAreaManagement,
  listShadowCopies,
  listVolumes,
  SYSTEM_PROVIDER_ID,
} from "../../requester/mod.ts";

const { runtime, sim } = openSimulator();
const S_FALSE = 1;

/** The HRESULT of the last recorded call of `method`. */
function hrOf(method: string): number | null | undefined {
  return sim.calls().filter((c) => c.method === method).at(-1)?.hr;
}

function noneLeft() {
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
}

Deno.test("requester API: empty management queries (S_FALSE) read as empty lists", async () => {
  sim.reset();
  assertEquals(diffAreaManagement.forVolume("C:\\", { runtime }), []);
  assertEquals(hrOf("QueryDiffAreasForVolume"), S_FALSE);
  assertEquals(diffAreaManagement.onVolume("C:\\", { runtime }), []);
  assertEquals(hrOf("QueryDiffAreasOnVolume"), S_FALSE);
  assertEquals(await listShadowCopies({ runtime, volume: "C:\\" }), []);
  assertEquals(hrOf("Query"), S_FALSE);

  assertEquals(listVolumes({ runtime }).length, 1);
  assertEquals(hrOf("QueryVolumesSupportedForSnapshots"), 0);
  sim.addVolume("C:\\", false);
  assertEquals(listVolumes({ runtime }), []);
  assertEquals(hrOf("QueryVolumesSupportedForSnapshots"), S_FALSE);

  sim.addVolume("C:\\", true);
  sim.addVolume("D:\\", true);
  diffAreaManagement.add("C:\\", "D:\\", 1n << 30n, { runtime });
  assertEquals(diffAreaManagement.forVolume("C:\\", { runtime }).length, 1);
  assertEquals(hrOf("QueryDiffAreasForVolume"), 0);
  noneLeft();
});

Deno.test("binding: the other management queries give S_FALSE and an empty enumerator", async () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  {
    using mgmt = createSnapshotManagement(runtime);
    const byVolume = mgmt.QuerySnapshotsByVolume("D:\\", SYSTEM_PROVIDER_ID);
    assertEquals(byVolume.hr, S_FALSE);
    {
      using list = byVolume.ppEnum!;
      const next = list.Next(4);
      assertEquals([next.hr, next.pceltFetched], [S_FALSE, 0]);
    }
    using unknown = mgmt.GetProviderMgmtInterface(
      SYSTEM_PROVIDER_ID,
      IID.IVssDifferentialSoftwareSnapshotMgmt,
    ).ppItf!;
    using diff = queryInterface(unknown, IVssDifferentialSoftwareSnapshotMgmt)!;

    // A shadow copy of D:, which has no diff area.
    using backup = createBackupComponents(runtime);
    backup.InitializeForBackup(null);
    backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_FILE_SHARE_BACKUP);
    backup.StartSnapshotSet();
    const { pidSnapshot } = backup.AddToSnapshotSet("D:\\", GUID_NULL);
    {
      using op = backup.DoSnapshotSet().ppAsync!;
      await settle(op, { operation: "DoSnapshotSet" });
    }
    const forSnapshot = diff.QueryDiffAreasForSnapshot(pidSnapshot);
    assertEquals(forSnapshot.hr, S_FALSE);
    forSnapshot.ppEnum?.[Symbol.dispose]();
    const found = mgmt.QuerySnapshotsByVolume("d:\\", SYSTEM_PROVIDER_ID);
    assertEquals(found.hr, 0);
    found.ppEnum?.[Symbol.dispose]();

    sim.addVolume("C:\\", false);
    sim.addVolume("D:\\", false);
    const diffVolumes = diff.QueryVolumesSupportedForDiffAreas("C:\\");
    assertEquals(diffVolumes.hr, S_FALSE);
    {
      using list = diffVolumes.ppEnum!;
      assertEquals(list.Next(1).pceltFetched, 0);
    }
  }
  noneLeft();
});

Deno.test("management names: the forms AddToSnapshotSet takes; others get the pages' codes", () => {
  sim.reset();
  const guid = sim.volumeGuidName("C:\\");
  for (const name of ["C:\\", "c:\\", guid, guid.toUpperCase()]) {
    assertEquals(diffAreaManagement.forVolume(name, { runtime }), [], name);
  }
  for (const name of ["C:", guid.slice(0, -1), "Q:\\", "relative\\"]) {
    const error = assertThrows(() => diffAreaManagement.forVolume(name, { runtime }), VssError);
    assertEquals(error.code, HRESULT.E_INVALIDARG, name);
  }
  {
    using mgmt = createSnapshotManagement(runtime);
    const error = assertThrows(
      () => mgmt.QuerySnapshotsByVolume("C:", SYSTEM_PROVIDER_ID),
      VssError,
    );
    assertEquals(error.code, HRESULT.VSS_E_OBJECT_NOT_FOUND);
    using unknown = mgmt.GetProviderMgmtInterface(
      SYSTEM_PROVIDER_ID,
      IID.IVssDifferentialSoftwareSnapshotMgmt,
    ).ppItf!;
    using diff = queryInterface(unknown, IVssDifferentialSoftwareSnapshotMgmt)!;
    const diffVolumes = assertThrows(
      () => diff.QueryVolumesSupportedForDiffAreas("Q:\\"),
      VssError,
    );
    assertEquals(diffVolumes.code, HRESULT.E_INVALIDARG);
  }
  noneLeft();
});

Deno.test("QuerySnapshotsByVolume: each copy under the provider that made it; transportable copies not imported are not listed", async () => {
  sim.reset();
  sim.hardwareProvider(true);
  try {
    const made = async (options: { providerId?: string; transportable?: boolean }) => {
      const set = await createShadowCopySet(["C:\\"], {
        runtime,
        writers: false,
        persistent: true,
        ...options,
      });
      await set.complete();
      return set.snapshots[0].id;
    };
    const hardware = await made({ providerId: HARDWARE_PROVIDER_ID });
    const system = await made({ providerId: SYSTEM_PROVIDER_ID });
    const transportable = await made({ transportable: true });
    assert(![hardware, system].includes(transportable));
    using mgmt = createSnapshotManagement(runtime);
    const listed = (provider: string) => {
      const r = mgmt.QuerySnapshotsByVolume("C:\\", provider);
      using list = r.ppEnum!;
      const got = list.Next(10);
      return got.rgelt.map((e) => {
        assert("Snap" in e);
        return [e.Snap.m_SnapshotId, e.Snap.m_ProviderId];
      }).sort();
    };
    assertEquals(listed(SYSTEM_PROVIDER_ID), [[system, SYSTEM_PROVIDER_ID]]);
    assertEquals(listed(HARDWARE_PROVIDER_ID), [[hardware, HARDWARE_PROVIDER_ID]]);
    assertEquals(
      listed(GUID_NULL),
      [[hardware, HARDWARE_PROVIDER_ID], [system, SYSTEM_PROVIDER_ID]].sort(),
    );
    sim.hardwareProvider(false);
    const error = assertThrows(
      () => mgmt.QuerySnapshotsByVolume("C:\\", HARDWARE_PROVIDER_ID),
      VssError,
    );
    assertEquals(error.code, HRESULT.VSS_E_PROVIDER_NOT_REGISTERED);
  } finally {
    sim.hardwareProvider(true);
    await deleteShadowCopies({ all: true }, { runtime });
    sim.hardwareProvider(false);
    sim.reset();
  }
  noneLeft();
});

const CLASS = "0c1a55e5-0000-4000-8000-000000000001";
const INSTANCE_A = "1a000000-0000-4000-8000-00000000000a";
const INSTANCE_B = "1b000000-0000-4000-8000-00000000000b";

/** Two instances of one writer class, each with the component L\c. */
function twoInstances() {
  sim.reset();
  for (const instanceId of [INSTANCE_A, INSTANCE_B]) {
    const w = sim.addWriter({ name: "Twin Writer", writerId: CLASS, instanceId });
    sim.addComponent(w, { logicalPath: "L", name: "c" });
  }
}

const OTHER_INSTANCE = "1c000000-0000-4000-8000-00000000000c";

Deno.test("a writer id / instance id pair that is not one writer: AddComponent E_INVALIDARG, SetBackupSucceeded VSS_E_OBJECT_NOT_FOUND", async () => {
  twoInstances();
  sim.addWriter({ name: "Other", instanceId: OTHER_INSTANCE });
  const FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP;
  {
    using backup = createBackupComponents(runtime);
    backup.InitializeForBackup(null);
    backup.SetBackupState(true, false, VSS_BACKUP_TYPE.VSS_BT_FULL, false);
    {
      using op = backup.GatherWriterMetadata().pAsync!;
      await settle(op, { operation: "GatherWriterMetadata" });
    }
    const wrong = [
      [OTHER_INSTANCE, CLASS], // an instance of another class
      [INSTANCE_A, "0c1a55e5-0000-4000-8000-0000000000ff"], // a class without that instance
    ];
    for (const [instance, writer] of wrong) {
      const error = assertThrows(
        () => backup.AddComponent(instance, writer, FILEGROUP, "L", "c"),
        VssError,
      );
      assertEquals(error.code, HRESULT.E_INVALIDARG, `${instance}/${writer}`);
    }
    // Each instance has its own components: the same path and name once per instance.
    backup.AddComponent(INSTANCE_A, CLASS, FILEGROUP, "L", "c");
    backup.AddComponent(INSTANCE_B, CLASS, FILEGROUP, "L", "c");
    const again = assertThrows(
      () => backup.AddComponent(INSTANCE_B, CLASS, FILEGROUP, "L", "c"),
      VssError,
    );
    assertEquals(again.code, HRESULT.VSS_E_OBJECT_ALREADY_EXISTS);

    backup.StartSnapshotSet();
    backup.AddToSnapshotSet("C:\\", GUID_NULL);
    for (const step of ["PrepareForBackup", "DoSnapshotSet"] as const) {
      using op = backup[step]().ppAsync!;
      assertEquals(await settle(op, { operation: step }), HRESULT.VSS_S_ASYNC_FINISHED);
    }
    backup.SetBackupSucceeded(INSTANCE_B, CLASS, FILEGROUP, "L", "c", true);
    backup.SetBackupSucceeded(INSTANCE_A, CLASS, FILEGROUP, "L", "c", true);
    const notOne = assertThrows(
      () => backup.SetBackupSucceeded(OTHER_INSTANCE, CLASS, FILEGROUP, "L", "c", true),
      VssError,
    );
    assertEquals(notOne.code, HRESULT.VSS_E_OBJECT_NOT_FOUND);
  }
  noneLeft();
});

Deno.test("requester API: each instance's components added and reported with its own pair", async () => {
  twoInstances();
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: { include: [{ name: "Twin Writer", componentPath: "L\\c" }] },
  });
  await set.complete();
  const pairs = (method: string) =>
    sim.calls().filter((c) => c.method === method).map((c) => ({
      pair: `${c.args?.instanceId}/${c.args?.writerId}`,
      hr: c.hr,
    }));
  const expected = [
    { pair: `${INSTANCE_A}/${CLASS}`, hr: 0 },
    { pair: `${INSTANCE_B}/${CLASS}`, hr: 0 },
  ];
  assertEquals(pairs("AddComponent"), expected);
  assertEquals(pairs("SetBackupSucceeded"), expected);
  assert(sim.calls().some((c) => c.method === "BackupComplete" && c.hr === 0));
  noneLeft();
});
