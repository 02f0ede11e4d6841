/**
 * Every method of every bound interface, called through the generated
 * wrappers: the simulator records the slot each call landed in (computed by
 * the compiler from its vtable struct) and the argument values it received;
 * both must match the model and what the test passed. Runs on both lanes.
 */

import { assert, assertEquals } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { argumentsFor } from "../support/arguments.ts";
import type { AbiModel } from "../../gen/model.ts";
import { settle } from "../../ffi/async.ts";
import { createBackupComponents, createSnapshotManagement, queryInterface } from "../../ffi/vss.ts";
import { VssError } from "../../ffi/errors.ts";
import { GUID_NULL } from "../../ffi/guid.ts";
import type { ComObject } from "../../ffi/com_object.ts";
import * as W from "../../ffi/generated/wrappers.ts";
import { IID } from "../../ffi/generated/guids.ts";
import {
  VSS_BACKUP_TYPE,
  VSS_COMPONENT_TYPE,
  VSS_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
} from "../../ffi/generated/enums.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);
const lane = Deno.build.os === "windows" ? "Windows ABI (Wine)" : "Linux";
const PROVIDER = "b5946137-7b9f-4925-af80-51abd60b20d5";

/** Methods called by the wrappers themselves (the test must not pass them raw pointers). */
const CALLED_BY_WRAPPERS = new Set(["IVssWMComponent::FreeComponentInfo"]);

Deno.test(`${lane}: every method of every bound interface lands in its slot with its arguments`, async () => {
  const { runtime, sim } = openSimulator();
  const writer = sim.addWriter({ name: "Sim Writer", usage: 3, source: 1 });
  const component = sim.addComponent(writer, {
    logicalPath: "Logical",
    name: "Data",
    caption: "Data files",
  });
  sim.addComponentFile(writer, component, "file", "C:\\data\\", "*.dat", true, null);
  sim.addComponentFile(writer, component, "database", "C:\\db\\", "main.db", false, null);
  sim.addComponentFile(writer, component, "log", "C:\\db\\", "*.log", false, null);
  sim.addDependency(writer, component, "11111111-2222-3333-4444-555555555555", null, "Other");
  sim.addExcludeFile(writer, "C:\\data\\", "*.tmp", true);
  sim.addExcludeFromSnapshot(writer, "C:\\data\\", "*.cache", false);
  sim.addAlternateLocationMapping(writer, "C:\\db\\", "*", false, "D:\\alt\\");
  const [writerId, instanceId] = [
    "04000000-0000-0000-0000-000000000001",
    "05000000-0000-0000-0000-000000000001",
  ];

  const owned: ComObject[] = [];
  const own = <T extends ComObject>(o: T | null, what: string): T => {
    assert(o !== null, `${what} returned an object`);
    owned.push(o);
    return o;
  };
  const backup = own(createBackupComponents(runtime), "CreateVssBackupComponentsInternal");
  backup.InitializeForBackup(null);
  backup.SetBackupState(true, false, VSS_BACKUP_TYPE.VSS_BT_FULL, false);
  await settle(own(backup.GatherWriterMetadata().pAsync, "GatherWriterMetadata"), {
    operation: "GatherWriterMetadata",
  });
  backup.AddComponent(instanceId, writerId, VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP, "Logical", "Data");
  const { pSnapshotSetId } = backup.StartSnapshotSet();
  const { pidSnapshot } = backup.AddToSnapshotSet("C:\\", GUID_NULL);
  await settle(own(backup.PrepareForBackup().ppAsync, "PrepareForBackup"), {
    operation: "PrepareForBackup",
  });
  await settle(own(backup.DoSnapshotSet().ppAsync, "DoSnapshotSet"), {
    operation: "DoSnapshotSet",
  });

  const instances: Record<string, ComObject> = {};
  instances.IVssBackupComponents = backup;
  for (
    const name of [
      "IVssBackupComponentsEx",
      "IVssBackupComponentsEx2",
      "IVssBackupComponentsEx3",
      "IVssBackupComponentsEx4",
    ] as const
  ) {
    instances[name] = own(queryInterface(backup, W[name]), name);
  }
  const metadata = own(backup.GetWriterMetadata(0).ppMetadata, "GetWriterMetadata");
  instances.IVssExamineWriterMetadata = metadata;
  instances.IVssExamineWriterMetadataEx = own(
    (instances.IVssBackupComponentsEx as W.IVssBackupComponentsEx).GetWriterMetadataEx(0)
      .ppMetadata,
    "GetWriterMetadataEx",
  );
  instances.IVssExamineWriterMetadataEx2 = own(
    queryInterface(metadata, W.IVssExamineWriterMetadataEx2),
    "Ex2",
  );
  const wmComponent = own(metadata.GetComponent(0).ppComponent, "GetComponent");
  instances.IVssWMComponent = wmComponent;
  instances.IVssWMFiledesc = own(wmComponent.GetFile(0).ppFiledesc, "GetFile");
  instances.IVssWMDependency = own(wmComponent.GetDependency(0).ppDependency, "GetDependency");
  const writerComponents = own(backup.GetWriterComponents(0).ppWriter, "GetWriterComponents");
  instances.IVssWriterComponentsExt = writerComponents;
  instances.IVssWriterComponents = writerComponents;
  const vssComponent = own(
    writerComponents.GetComponent(0).ppComponent,
    "IVssWriterComponents::GetComponent",
  );
  instances.IVssComponent = vssComponent;
  instances.IVssComponentEx = own(
    queryInterface(vssComponent, W.IVssComponentEx),
    "IVssComponentEx",
  );
  instances.IVssComponentEx2 = own(
    queryInterface(vssComponent, W.IVssComponentEx2),
    "IVssComponentEx2",
  );
  instances.IVssEnumObject = own(
    backup.Query(GUID_NULL, VSS_OBJECT_TYPE.VSS_OBJECT_NONE, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT)
      .ppEnum,
    "Query",
  );
  instances.IVssAsync = own(backup.BackupComplete().ppAsync, "BackupComplete");
  const mgmt = own(createSnapshotManagement(runtime), "CoCreateInstance");
  instances.IVssSnapshotMgmt = mgmt;
  instances.IVssSnapshotMgmt2 = own(queryInterface(mgmt, W.IVssSnapshotMgmt2), "IVssSnapshotMgmt2");
  const diffUnknown = own(
    mgmt.GetProviderMgmtInterface(PROVIDER, IID.IVssDifferentialSoftwareSnapshotMgmt).ppItf,
    "GetProviderMgmtInterface",
  );
  for (
    const name of [
      "IVssDifferentialSoftwareSnapshotMgmt",
      "IVssDifferentialSoftwareSnapshotMgmt2",
      "IVssDifferentialSoftwareSnapshotMgmt3",
    ] as const
  ) {
    instances[name] = own(queryInterface(diffUnknown, W[name]), name);
  }
  instances.IVssEnumMgmtObject = own(
    mgmt.QueryVolumesSupportedForSnapshots(PROVIDER, VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP).ppEnum,
    "QueryVolumesSupportedForSnapshots",
  );

  const overrides: Record<string, unknown> = {
    SnapshotId: pidSnapshot,
    SnapshotSetId: pSnapshotSetId,
    ProviderId: PROVIDER,
    idSnapshot: pidSnapshot,
    celt: 1,
  };
  const exercised = new Set<string>();
  const problems: string[] = [];
  const check = (
    iface: string,
    method: string,
    slot: number,
    expected: Record<string, unknown> | null,
  ) => {
    const record = sim.calls().find((c) => c.method === method && c.interface !== undefined);
    if (!record) return problems.push(`${iface}::${method}: no call recorded`);
    if (record.slot !== slot) {
      return problems.push(
        `${iface}::${method}: landed in slot ${record.slot}, model says ${slot}`,
      );
    }
    if (expected) {
      const args = Object.fromEntries(
        Object.entries(record.args).filter(([k]) => !k.includes("$")),
      );
      try {
        assertEquals(args, expected);
      } catch {
        return problems.push(
          `${iface}::${method}: args ${JSON.stringify(args)} expected ${JSON.stringify(expected)}`,
        );
      }
    }
    exercised.add(`${iface}::${method}`);
  };

  // IUnknown's three slots, on every object (wherever its IUnknown sits).
  for (const [name, object] of Object.entries(instances)) {
    if (!("QueryInterface" in object)) continue;
    const unknown = object as unknown as W.IUnknown;
    sim.clearCalls();
    unknown.QueryInterface(IID.IUnknown ?? "00000000-0000-0000-c000-000000000046").ppvObject
      ?.release();
    check("IUnknown", "QueryInterface", 0, {
      riid: "00000000-0000-0000-c000-000000000046",
      ppvObject: "ptr",
    });
    sim.clearCalls();
    const extra = unknown.AddRef();
    check("IUnknown", "AddRef", 1, {});
    sim.clearCalls();
    extra.Release();
    check("IUnknown", "Release", 2, {});
    assert(exercised.has("IUnknown::Release"), `${name}: IUnknown slots`);
  }

  for (const [name, iface] of Object.entries(abi.interfaces)) {
    if (name === "IUnknown") continue;
    const object = instances[name] as unknown as Record<string, (...args: unknown[]) => unknown>;
    assert(object, `an instance of ${name}`);
    for (const m of iface.methods) {
      const where = `${name}::${m.name}`;
      if (CALLED_BY_WRAPPERS.has(where)) continue;
      const { values, recorded } = argumentsFor(abi, where, m.params, overrides);
      sim.clearCalls();
      try {
        const result = object[m.name](...values);
        if (result instanceof Promise) await result;
        if (result && typeof result === "object") {
          for (const value of Object.values(result)) {
            if (value && typeof value === "object" && "release" in value) {
              (value as ComObject).release();
            }
          }
        }
      } catch (error) {
        if (!(error instanceof VssError)) {
          throw new Error(`${where} threw ${error}`, { cause: error });
        }
        if (!error.documented && error.codeName !== "VSS_E_BAD_STATE") {
          console.log(`  note: ${where} answered ${error.codeName}`);
        }
      }
      check(name, m.name, m.slot, recorded);
    }
  }

  // Called by the wrappers on the caller's behalf (ownership rules of the reference).
  sim.clearCalls();
  wmComponent.GetComponentInfo();
  check(
    "IVssWMComponent",
    "FreeComponentInfo",
    abi.interfaces.IVssWMComponent.methods.find((m) => m.name === "FreeComponentInfo")!.slot,
    null,
  );

  for (const o of owned.reverse()) o.release();
  const total = Object.values(abi.interfaces).reduce((n, i) => n + i.methods.length, 0);
  assertEquals(problems, []);
  console.log(`${lane}: ${exercised.size} of ${total} methods exercised`);
  assertEquals(exercised.size, total);
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  assertEquals(sim.unknownFrees(), 0);
  runtime.close();
  sim.close();
});
