/**
 * Every method of every bound interface, called through the generated
 * wrappers: the simulator records the slot each call landed in (computed by
 * the compiler from its vtable struct) and the argument values it received
 * (GUIDs by value, UTF-16 strings, BSTRs with embedded NULs, 64-bit integers,
 * FILETIMEs, enums, booleans; every out parameter as a non-null pointer);
 * both must match the generated vtables and what the test passed.
 *
 * @module
 */

import { assert, assertEquals } from "../assert.ts";
import { argumentsFor } from "./arguments.ts";
import { assertNothingLeft, type ScenarioRuntime } from "./harness.ts";
import type {
  ComObject,
  IUnknown,
  IVssAsync,
  IVssBackupComponentsEx,
  VssRuntime,
  VtableSlot,
} from "../../ffi/mod.ts";
import type { Simulator } from "../../simulator/control.ts";

const PROVIDER = "b5946137-7b9f-4925-af80-51abd60b20d5";
const IUNKNOWN = "00000000-0000-0000-c000-000000000046";
/** Methods called by the wrappers themselves (the test must not pass them raw pointers). */
const CALLED_BY_WRAPPERS = new Set(["IVssWMComponent::FreeComponentInfo"]);

type Binding = ScenarioRuntime["binding"];
type Instances = Record<string, ComObject>;

/** A writer with one component of every file kind, a dependency, exclusions and a mapping. */
function configureWriter(sim: Simulator): void {
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
}

/**
 * One live instance of every bound interface, reached through a backup that
 * took a snapshot; `own` keeps each for release at the end.
 */
async function instancesOf(
  b: Binding,
  rt: VssRuntime,
  own: <T extends ComObject>(o: T | null | undefined, what: string) => T,
) {
  const backup = own(b.createBackupComponents(rt), "CreateVssBackupComponentsInternal");
  backup.InitializeForBackup(null);
  backup.SetBackupState(true, false, b.VSS_BACKUP_TYPE.VSS_BT_FULL, false);
  const step = async (op: IVssAsync | null, operation: string) => {
    await b.settle(own(op, operation), { operation });
  };
  await step(backup.GatherWriterMetadata().pAsync, "GatherWriterMetadata");
  backup.AddComponent(
    "05000000-0000-0000-0000-000000000001",
    "04000000-0000-0000-0000-000000000001",
    b.VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP,
    "Logical",
    "Data",
  );
  const { pSnapshotSetId } = backup.StartSnapshotSet();
  const { pidSnapshot } = backup.AddToSnapshotSet("C:\\", b.GUID_NULL);
  await step(backup.PrepareForBackup().ppAsync, "PrepareForBackup");
  await step(backup.DoSnapshotSet().ppAsync, "DoSnapshotSet");

  const instances: Instances = { IVssBackupComponents: backup };
  for (const suffix of ["Ex", "Ex2", "Ex3", "Ex4"] as const) {
    const name = `IVssBackupComponents${suffix}` as const;
    instances[name] = own(b.queryInterface(backup, b[name]), name);
  }
  const metadata = own(backup.GetWriterMetadata(0).ppMetadata, "GetWriterMetadata");
  instances.IVssExamineWriterMetadata = metadata;
  instances.IVssExamineWriterMetadataEx = own(
    (instances.IVssBackupComponentsEx as IVssBackupComponentsEx).GetWriterMetadataEx(0)
      .ppMetadata,
    "GetWriterMetadataEx",
  );
  instances.IVssExamineWriterMetadataEx2 = own(
    b.queryInterface(metadata, b.IVssExamineWriterMetadataEx2),
    "IVssExamineWriterMetadataEx2",
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
  instances.IVssComponentEx = own(b.queryInterface(vssComponent, b.IVssComponentEx), "Ex");
  instances.IVssComponentEx2 = own(b.queryInterface(vssComponent, b.IVssComponentEx2), "Ex2");
  instances.IVssEnumObject = own(
    backup.Query(
      b.GUID_NULL,
      b.VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
      b.VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
    ).ppEnum,
    "Query",
  );
  instances.IVssAsync = own(backup.BackupComplete().ppAsync, "BackupComplete");
  const mgmt = own(b.createSnapshotManagement(rt), "CoCreateInstance");
  instances.IVssSnapshotMgmt = mgmt;
  instances.IVssSnapshotMgmt2 = own(b.queryInterface(mgmt, b.IVssSnapshotMgmt2), "Mgmt2");
  const diff = own(
    mgmt.GetProviderMgmtInterface(PROVIDER, b.IID.IVssDifferentialSoftwareSnapshotMgmt).ppItf,
    "GetProviderMgmtInterface",
  );
  for (const suffix of ["", "2", "3"] as const) {
    const name = `IVssDifferentialSoftwareSnapshotMgmt${suffix}` as const;
    instances[name] = own(b.queryInterface(diff, b[name]), name);
  }
  instances.IVssEnumMgmtObject = own(
    mgmt.QueryVolumesSupportedForSnapshots(PROVIDER, b.VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP)
      .ppEnum,
    "QueryVolumesSupportedForSnapshots",
  );
  const overrides: Record<string, unknown> = {
    SnapshotId: pidSnapshot,
    SnapshotSetId: pSnapshotSetId,
    ProviderId: PROVIDER,
    idSnapshot: pidSnapshot,
    celt: 1,
  };
  return { instances, wmComponent, overrides };
}

/**
 * Checks the call log after one call: the record of `method`, its slot and
 * (unless `expected` is null) its arguments; a mismatch is collected in
 * `problems`, a match in `exercised`.
 */
function callChecker(sim: Simulator, exercised: Set<string>, problems: string[]) {
  return (
    where: string,
    method: string,
    slot: number,
    expected: Record<string, unknown> | null,
  ) => {
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
        assertEquals(args, expected);
      } catch {
        return problems.push(
          `${where}: recorded ${JSON.stringify(args)}, passed ${JSON.stringify(expected)}`,
        );
      }
    }
    exercised.add(where);
  };
}

/** Releases every COM object among the values of a method's result. */
function releaseResults(result: unknown): void {
  if (!result || typeof result !== "object") return;
  for (const value of Object.values(result)) {
    if (value && typeof value === "object" && "release" in value) (value as ComObject).release();
  }
}

/**
 * Registers the every-method test. `expectedMethods`, when given, is the
 * number of methods the ABI model holds (the Deno runner reads it from
 * abi.json): the generated vtables must cover that many.
 */
export function everyMethod(env: ScenarioRuntime, expectedMethods?: number): void {
  const { binding: b, simulator } = env;
  const enumMembers = (name: string) =>
    Object.values((b as unknown as Record<string, Record<string, number>>)[name]);
  env.test(
    `${env.lane}: every method of every bound interface lands in its slot with its arguments`,
    async () => {
      const { runtime, sim } = simulator.openSimulator();
      configureWriter(sim);
      const owned: ComObject[] = [];
      const own = <T extends ComObject>(o: T | null | undefined, what: string): T => {
        assert(o !== null && o !== undefined, `${what} returned an object`);
        owned.push(o);
        return o;
      };
      const { instances, wmComponent, overrides } = await instancesOf(b, runtime, own);
      const exercised = new Set<string>();
      const problems: string[] = [];
      const check = callChecker(sim, exercised, problems);

      // IUnknown's three slots, on every object (wherever its IUnknown sits).
      for (const [name, object] of Object.entries(instances)) {
        if (!("QueryInterface" in object)) continue;
        const unknown = object as unknown as IUnknown;
        sim.clearCalls();
        unknown.QueryInterface(b.IID.IUnknown ?? IUNKNOWN).ppvObject?.release();
        check("IUnknown::QueryInterface", "QueryInterface", 0, {
          riid: IUNKNOWN,
          ppvObject: "ptr",
        });
        sim.clearCalls();
        const extra = unknown.AddRef();
        check("IUnknown::AddRef", "AddRef", 1, {});
        sim.clearCalls();
        extra.Release();
        check("IUnknown::Release", "Release", 2, {});
        assert(exercised.has("IUnknown::Release"), `${name}: IUnknown slots`);
      }

      let total = 3;
      for (const [name, table] of Object.entries(b.vtables)) {
        if (typeof table !== "object" || !("methods" in table) || name === "IUnknown") continue;
        const object = instances[name] as unknown as Record<string, (...a: unknown[]) => unknown>;
        assert(object, `an instance of ${name}`);
        const slots = table.methods as Record<string, VtableSlot>;
        for (const [method, slot] of Object.entries(slots)) {
          if (slot.declaredBy !== name) continue;
          total++;
          const where = `${name}::${method}`;
          if (CALLED_BY_WRAPPERS.has(where)) continue;
          const { values, recorded } = argumentsFor(where, slot.params, enumMembers, overrides);
          sim.clearCalls();
          try {
            releaseResults(await object[method](...values));
          } catch (error) {
            if (!(error instanceof b.VssError)) {
              throw new Error(`${where} threw ${error}`, { cause: error });
            }
            if (!error.documented && error.codeName !== "VSS_E_BAD_STATE") {
              console.log(`  note: ${where} answered ${error.codeName}`);
            }
          }
          check(where, method, slot.slot, recorded);
        }
      }

      // Called by a wrapper on the caller's behalf, as the reference's ownership rules say.
      sim.clearCalls();
      assertEquals(wmComponent.GetComponentInfo().ppInfo?.bstrComponentName, "Data");
      check(
        "IVssWMComponent::FreeComponentInfo",
        "FreeComponentInfo",
        b.vtables.IVssWMComponent.methods.FreeComponentInfo.slot,
        null,
      );

      for (const o of owned.reverse()) o.release();
      assertEquals(problems, []);
      console.log(`${env.lane}: ${exercised.size} of ${total} methods exercised`);
      if (expectedMethods !== undefined) {
        assertEquals(total, expectedMethods, "methods in the model");
      }
      assertEquals(exercised.size, total);
      assertNothingLeft(sim);
      runtime.close();
      sim.close();
    },
  );
}
