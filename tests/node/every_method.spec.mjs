/**
 * Every method of every bound interface, called under Node through the
 * generated wrappers: the simulator's call log must show the vtable slot the
 * model gives and exactly the argument values the test passed (GUIDs by
 * value, UTF-16 strings, BSTRs with embedded NULs, 64-bit integers, FILETIMEs,
 * enums, booleans), and every out parameter as a non-null pointer.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import * as vss from "@vss/requester";
import { nothingLeft, openSimulator } from "./simulator.mjs";

const {
  createBackupComponents,
  createSnapshotManagement,
  GUID_NULL,
  IID,
  queryInterface,
  settle,
  vtables,
  VSS_BACKUP_TYPE,
  VSS_COMPONENT_TYPE,
  VSS_OBJECT_TYPE,
  VSS_SNAPSHOT_CONTEXT,
  VssError,
} = vss;

const PROVIDER = "b5946137-7b9f-4925-af80-51abd60b20d5";
/** Called by the wrappers themselves with a pointer the test does not have. */
const CALLED_BY_WRAPPERS = new Set(["IVssWMComponent::FreeComponentInfo"]);

/** A GUID derived from `seed`, different for each method and parameter. */
function seededGuid(seed) {
  let a = 2166136261;
  let b = 5381;
  for (const ch of seed) {
    a = Math.imul(a ^ ch.codePointAt(0), 16777619) >>> 0;
    b = (Math.imul(b, 33) + ch.codePointAt(0)) >>> 0;
  }
  const h = (n, w) => (n >>> 0).toString(16).padStart(8, "0").slice(0, w);
  return `${h(a, 8)}-${h(b, 4)}-${h(a ^ b, 4)}-${h(b >>> 7, 4)}-${h(a >>> 3, 8)}${h(b, 4)}`;
}

/** Values for a method's inputs, and what the call record must show for each parameter. */
function argumentsFor(where, params, overrides) {
  const values = [];
  const expected = {};
  params.forEach((p, i) => {
    if (i > 0 && params[i - 1].type === "const VSS_ID *") {
      expected[p.name] = 2; // the count the wrapper derives from the array
      return;
    }
    if (p.direction !== "in") {
      expected[p.name] = "ptr";
      return;
    }
    const seed = `${where}(${p.name})`;
    let value;
    let shown;
    if (p.name in overrides) {
      value = shown = overrides[p.name];
    } else if (p.type === "LPCWSTR" || p.type === "VSS_PWSZ") {
      value = shown = `${p.name} ñø∂€ 𝄞 ${where}`;
    } else if (p.type === "BSTR") {
      value = shown = `[${p.name}]\0after NUL ß`;
    } else if (p.type === "VSS_ID" || p.type === "REFIID") {
      value = shown = seededGuid(seed);
    } else if (p.type === "const VSS_ID *") {
      value = shown = [seededGuid(`${seed}:0`), seededGuid(`${seed}:1`)];
    } else if (p.type === "WINBOOL" || p.type === "boolean") {
      value = shown = true;
    } else if (p.type === "LONGLONG") {
      value = 9007199254n + BigInt(where.length);
      shown = Number(value);
    } else if (p.type === "FILETIME") {
      value = 133485408001230000n;
      shown = Number(value);
    } else if (p.type === "HRESULT") {
      value = shown = 0x80042302;
    } else if (p.type === "BYTE") {
      value = shown = 201;
    } else if (p.enum) {
      const members = Object.values(vss[p.enum]);
      value = shown = members.find((m) => m > 0) ?? members[0];
    } else {
      value = shown = 2 + (where.length % 7);
    }
    values.push(value);
    expected[p.name] = shown;
  });
  return { values, expected };
}

test("every method of every bound interface lands in its slot with its arguments", async () => {
  const { runtime, sim } = openSimulator();
  const writer = sim.addWriter({ name: "Node Writer", usage: 3, source: 1 });
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

  const owned = [];
  const own = (object, what) => {
    assert.ok(object !== null && object !== undefined, `${what} returned an object`);
    owned.push(object);
    return object;
  };
  const backup = own(createBackupComponents(runtime), "CreateVssBackupComponentsInternal");
  backup.InitializeForBackup(null);
  backup.SetBackupState(true, false, VSS_BACKUP_TYPE.VSS_BT_FULL, false);
  await settle(own(backup.GatherWriterMetadata().pAsync, "GatherWriterMetadata"), {
    operation: "GatherWriterMetadata",
  });
  backup.AddComponent(
    "05000000-0000-0000-0000-000000000001",
    "04000000-0000-0000-0000-000000000001",
    VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP,
    "Logical",
    "Data",
  );
  const { pSnapshotSetId } = backup.StartSnapshotSet();
  const { pidSnapshot } = backup.AddToSnapshotSet("C:\\", GUID_NULL);
  await settle(own(backup.PrepareForBackup().ppAsync, "PrepareForBackup"), {
    operation: "PrepareForBackup",
  });
  await settle(own(backup.DoSnapshotSet().ppAsync, "DoSnapshotSet"), {
    operation: "DoSnapshotSet",
  });

  const instances = { IVssBackupComponents: backup };
  for (const name of ["Ex", "Ex2", "Ex3", "Ex4"].map((s) => `IVssBackupComponents${s}`)) {
    instances[name] = own(queryInterface(backup, vss[name]), name);
  }
  const metadata = own(backup.GetWriterMetadata(0).ppMetadata, "GetWriterMetadata");
  instances.IVssExamineWriterMetadata = metadata;
  instances.IVssExamineWriterMetadataEx = own(
    instances.IVssBackupComponentsEx.GetWriterMetadataEx(0).ppMetadata,
    "GetWriterMetadataEx",
  );
  instances.IVssExamineWriterMetadataEx2 = own(
    queryInterface(metadata, vss.IVssExamineWriterMetadataEx2),
    "IVssExamineWriterMetadataEx2",
  );
  const wmComponent = own(metadata.GetComponent(0).ppComponent, "GetComponent");
  instances.IVssWMComponent = wmComponent;
  instances.IVssWMFiledesc = own(wmComponent.GetFile(0).ppFiledesc, "GetFile");
  instances.IVssWMDependency = own(wmComponent.GetDependency(0).ppDependency, "GetDependency");
  const writerComponents = own(backup.GetWriterComponents(0).ppWriter, "GetWriterComponents");
  instances.IVssWriterComponentsExt = writerComponents;
  instances.IVssWriterComponents = writerComponents;
  const vssComponent = own(writerComponents.GetComponent(0).ppComponent, "GetComponent");
  instances.IVssComponent = vssComponent;
  instances.IVssComponentEx = own(queryInterface(vssComponent, vss.IVssComponentEx), "Ex");
  instances.IVssComponentEx2 = own(queryInterface(vssComponent, vss.IVssComponentEx2), "Ex2");
  instances.IVssEnumObject = own(
    backup.Query(GUID_NULL, VSS_OBJECT_TYPE.VSS_OBJECT_NONE, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT)
      .ppEnum,
    "Query",
  );
  instances.IVssAsync = own(backup.BackupComplete().ppAsync, "BackupComplete");
  const mgmt = own(createSnapshotManagement(runtime), "CoCreateInstance");
  instances.IVssSnapshotMgmt = mgmt;
  instances.IVssSnapshotMgmt2 = own(queryInterface(mgmt, vss.IVssSnapshotMgmt2), "Mgmt2");
  const diff = own(
    mgmt.GetProviderMgmtInterface(PROVIDER, IID.IVssDifferentialSoftwareSnapshotMgmt).ppItf,
    "GetProviderMgmtInterface",
  );
  for (const suffix of ["", "2", "3"]) {
    const name = `IVssDifferentialSoftwareSnapshotMgmt${suffix}`;
    instances[name] = own(queryInterface(diff, vss[name]), name);
  }
  instances.IVssEnumMgmtObject = own(
    mgmt.QueryVolumesSupportedForSnapshots(PROVIDER, VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP).ppEnum,
    "QueryVolumesSupportedForSnapshots",
  );

  const overrides = {
    SnapshotId: pidSnapshot,
    SnapshotSetId: pSnapshotSetId,
    ProviderId: PROVIDER,
    idSnapshot: pidSnapshot,
    celt: 1,
  };
  const exercised = new Set();
  const problems = [];
  const check = (where, method, slot, expected) => {
    const record = sim.calls().find((c) => c.method === method && c.interface !== undefined);
    if (!record) return problems.push(`${where}: no call recorded`);
    if (record.slot !== slot) {
      return problems.push(`${where}: landed in slot ${record.slot}, the model says ${slot}`);
    }
    if (expected) {
      const args = Object.fromEntries(
        Object.entries(record.args).filter(([k]) => !k.includes("$")),
      );
      try {
        assert.deepStrictEqual(args, expected);
      } catch {
        return problems.push(
          `${where}: recorded ${JSON.stringify(args)}, passed ${JSON.stringify(expected)}`,
        );
      }
    }
    exercised.add(where);
  };

  // IUnknown's slots on every object, wherever its IUnknown sub-object sits.
  for (const object of new Set(Object.values(instances))) {
    sim.clearCalls();
    object.QueryInterface(IID.IUnknown).ppvObject?.release();
    check("IUnknown::QueryInterface", "QueryInterface", 0, {
      riid: IID.IUnknown,
      ppvObject: "ptr",
    });
    sim.clearCalls();
    const extra = object.AddRef();
    check("IUnknown::AddRef", "AddRef", 1, {});
    sim.clearCalls();
    extra.Release();
    check("IUnknown::Release", "Release", 2, {});
  }

  let total = 3;
  for (const [name, table] of Object.entries(vtables)) {
    if (typeof table !== "object" || !table.methods || name === "IUnknown") continue;
    const object = instances[name];
    assert.ok(object, `an instance of ${name}`);
    for (const [method, slot] of Object.entries(table.methods)) {
      if (slot.declaredBy !== name) continue;
      total++;
      const where = `${name}::${method}`;
      if (CALLED_BY_WRAPPERS.has(where)) continue;
      const { values, expected } = argumentsFor(where, slot.params, overrides);
      sim.clearCalls();
      try {
        const result = await object[method](...values);
        if (result && typeof result === "object") {
          for (const value of Object.values(result)) {
            if (value && typeof value === "object" && typeof value.release === "function") {
              value.release();
            }
          }
        }
      } catch (error) {
        if (!(error instanceof VssError)) throw new Error(`${where} threw ${error}`);
      }
      check(where, method, slot.slot, expected);
    }
  }

  // Called by a wrapper on the caller's behalf, as the reference's ownership rules say.
  sim.clearCalls();
  assert.equal(wmComponent.GetComponentInfo().ppInfo.bstrComponentName, "Data");
  check(
    "IVssWMComponent::FreeComponentInfo",
    "FreeComponentInfo",
    vtables.IVssWMComponent.methods.FreeComponentInfo.slot,
    null,
  );

  for (const object of owned.reverse()) object.release();
  assert.deepEqual(problems, []);
  console.log(`Node: ${exercised.size} of ${total} methods exercised`);
  assert.equal(exercised.size, total);
  nothingLeft(sim, assert);
  runtime.close();
  sim.close();
});
