/**
 * Every failure the reference documents for the VSS calls behind the
 * management and restore functions, injected into the simulator: each comes
 * back as a typed error carrying that HRESULT, and nothing leaks.
 */

import { assert, assertEquals } from "../assert.ts";
import { Simulator, simulatorPath } from "../support/simulator.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { OperationAbortedError, VssError } from "../../ffi/errors.ts";
import {
  breakShadowCopySet,
  createShadowCopySet,
  deleteShadowCopies,
  diffAreaManagement,
  exposeShadowCopy,
  getWriters,
  importShadowCopies,
  isVolumeSnapshotted,
  isVolumeSupported,
  listProviders,
  listShadowCopies,
  listVolumes,
  readBackupDocument,
  RequesterError,
  restore,
  revertToShadowCopy,
  unexposeShadowCopy,
} from "../../requester/mod.ts";
import type { AbiModel } from "../../gen/model.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);
const sim = new Simulator();
const runtime = VssRuntime.load({
  libraryPath: simulatorPath,
  comRuntimePath: Deno.build.os === "windows" ? simulatorPath : undefined,
});
runtime.initializeCom();

interface Fixture {
  snapshotId: string;
  setId: string;
  document: string;
  /** The document of a transportable set (hardware provider), for import. */
  transportable: string;
}

async function fixture(): Promise<Fixture> {
  sim.reset();
  // Break and import need a hardware provider (the system one refuses them).
  sim.hardwareProvider(true);
  sim.addVolume("D:\\", true);
  const w = sim.addWriter({ name: "W" });
  sim.addComponent(w, { logicalPath: "L", name: "c" });
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    persistent: true,
    writers: { include: [{ name: "W", componentPath: "L\\c" }] },
  });
  await set.complete();
  const moved = await createShadowCopySet(["C:\\"], {
    runtime,
    persistent: true,
    transportable: true,
    writers: false,
  });
  const transportable = moved.saveBackupDocument();
  await moved.complete();
  diffAreaManagement.add("C:\\", "D:\\", 1n << 30n, { runtime });
  return {
    snapshotId: set.snapshots[0].id,
    setId: set.id,
    document: set.saveBackupDocument(),
    transportable,
  };
}

/** API function → the VSS calls behind it (injection names) and how to call it. */
const CASES: {
  api: string;
  methods: { name: string; async?: boolean; skip?: string[] }[];
  call: (f: Fixture) => unknown;
}[] = [
  {
    api: "listShadowCopies",
    methods: [{ name: "IVssBackupComponents::Query", skip: ["VSS_E_OBJECT_NOT_FOUND"] }],
    call: () => listShadowCopies({ runtime }),
  },
  {
    api: "deleteShadowCopies",
    methods: [{ name: "IVssBackupComponents::DeleteSnapshots" }],
    call: (f) => deleteShadowCopies({ id: f.snapshotId }, { runtime }),
  },
  {
    api: "exposeShadowCopy",
    methods: [{ name: "IVssBackupComponents::ExposeSnapshot" }],
    call: (f) => exposeShadowCopy(f.snapshotId, { as: "local", at: "X:" }, { runtime }),
  },
  {
    api: "unexposeShadowCopy",
    methods: [{ name: "IVssBackupComponentsEx2::UnexposeSnapshot" }],
    call: (f) => unexposeShadowCopy(f.snapshotId, { runtime }),
  },
  {
    api: "breakShadowCopySet",
    methods: [{ name: "IVssBackupComponents::BreakSnapshotSet" }],
    call: (f) => breakShadowCopySet(f.setId, { runtime }),
  },
  {
    api: "breakShadowCopySet (extended)",
    methods: [{ name: "IVssBackupComponentsEx2::BreakSnapshotSetEx", async: true }],
    call: (f) => breakShadowCopySet(f.setId, { runtime, flags: 2 }),
  },
  {
    api: "revertToShadowCopy",
    methods: [{ name: "IVssBackupComponents::RevertToSnapshot" }],
    call: (f) => revertToShadowCopy(f.snapshotId, { runtime }),
  },
  {
    api: "importShadowCopies",
    methods: [{ name: "IVssBackupComponents::ImportSnapshots", async: true }],
    call: (f) => importShadowCopies(f.transportable, { runtime }),
  },
  {
    api: "listProviders",
    methods: [{ name: "IVssBackupComponents::Query" }],
    call: () => listProviders({ runtime }),
  },
  {
    api: "isVolumeSupported",
    methods: [{ name: "IVssBackupComponents::IsVolumeSupported" }],
    call: () => isVolumeSupported("C:\\", { runtime }),
  },
  {
    api: "isVolumeSnapshotted",
    methods: [{ name: "IsVolumeSnapshottedInternal" }],
    call: () => isVolumeSnapshotted("C:\\", { runtime }),
  },
  {
    api: "getWriters",
    methods: [
      { name: "IVssBackupComponents::GatherWriterMetadata", async: true },
      { name: "IVssBackupComponents::GatherWriterStatus", async: true },
    ],
    call: () => getWriters({ runtime }),
  },
  {
    api: "listVolumes",
    methods: [{ name: "IVssSnapshotMgmt::QueryVolumesSupportedForSnapshots" }],
    call: () => listVolumes({ runtime }),
  },
  {
    api: "diffAreaManagement.forVolume",
    methods: [{ name: "IVssDifferentialSoftwareSnapshotMgmt::QueryDiffAreasForVolume" }],
    call: () => diffAreaManagement.forVolume("C:\\", { runtime }),
  },
  {
    api: "diffAreaManagement.add",
    methods: [{ name: "IVssDifferentialSoftwareSnapshotMgmt::AddDiffArea" }],
    call: () => diffAreaManagement.add("C:\\", "D:\\", 1n << 31n, { runtime }),
  },
  {
    api: "diffAreaManagement.changeMaximumSize",
    methods: [{ name: "IVssDifferentialSoftwareSnapshotMgmt::ChangeDiffAreaMaximumSize" }],
    call: () => diffAreaManagement.changeMaximumSize("C:\\", "D:\\", 1n << 31n, { runtime }),
  },
  {
    api: "diffAreaManagement.protection",
    methods: [{ name: "IVssDifferentialSoftwareSnapshotMgmt3::GetVolumeProtectLevel" }],
    call: () => diffAreaManagement.protection("C:\\", { runtime }),
  },
  {
    api: "diffAreaManagement.setProtection",
    methods: [{ name: "IVssDifferentialSoftwareSnapshotMgmt3::SetVolumeProtectLevel" }],
    call: () => diffAreaManagement.setProtection("C:\\", "snapshot", { runtime }),
  },
  {
    api: "readBackupDocument",
    methods: [{ name: "IVssBackupComponents::InitializeForRestore" }],
    call: (f) => readBackupDocument(f.document, { runtime }),
  },
  {
    api: "restore",
    methods: [
      { name: "IVssBackupComponents::InitializeForRestore" },
      { name: "IVssBackupComponentsEx::SetSelectedForRestoreEx" },
      { name: "IVssBackupComponents::PreRestore", async: true },
      { name: "IVssBackupComponents::SetFileRestoreStatus" },
      { name: "IVssBackupComponents::PostRestore", async: true },
    ],
    call: (f) =>
      restore(f.document, { runtime, select: [{ componentPath: "L\\c" }], copy: () => ({}) }),
  },
];

function documented(name: string): string[] {
  const [iface, method] = name.includes("::") ? name.split("::") : [null, name];
  const codes = iface
    ? abi.interfaces[iface].methods.find((m) => m.name === method)!.returnCodes
    : abi.functions[method].returnCodes;
  return codes.filter((c) => (abi.hresults[c]?.value ?? 0) >= 0x80000000);
}

function hresultOf(error: unknown): number | null {
  for (let e = error; e; e = (e as Error).cause) if (e instanceof VssError) return e.code;
  return null;
}

let injected = 0;
for (const c of CASES) {
  Deno.test(`${c.api}: every documented failure of its VSS calls is typed, and nothing leaks`, async () => {
    for (const m of c.methods) {
      const listed = documented(m.name).filter((code) => !(m.skip ?? []).includes(code));
      // A page that lists no failure still gets one: access denied, the commonest in the field.
      const codes = listed.length > 0 ? listed : ["E_ACCESSDENIED"];
      for (const mode of m.async ? ["returned", "async"] as const : ["returned"] as const) {
        for (const code of codes) {
          const f = await fixture();
          const value = abi.hresults[code].value;
          if (mode === "returned") sim.fail(m.name, value, -1);
          else sim.failAsync(m.name, value);
          let error: unknown = null;
          try {
            await c.call(f);
          } catch (e) {
            error = e;
          }
          sim.fail(m.name, 0, 0);
          if (m.async) sim.failAsync(m.name, 0);
          injected++;
          const where = `${c.api} ← ${m.name} ${mode} ${code}`;
          assert(
            error instanceof VssError || error instanceof RequesterError ||
              error instanceof OperationAbortedError,
            `${where}: typed error, got ${error}`,
          );
          assertEquals(hresultOf(error), value, `${where}: the HRESULT is carried`);
          await deleteShadowCopies({ all: true }, { runtime });
          assertEquals(
            sim.live(),
            { objects: 0, bstrs: 0, cotaskmem: 0 },
            `${where}: nothing leaked`,
          );
        }
      }
    }
  });
}

Deno.test("management failure matrix size", () => {
  console.log(
    `management and restore failure matrix: ${injected} injected failures over ${CASES.length} API functions`,
  );
  assert(injected > 100);
});
