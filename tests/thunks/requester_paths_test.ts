/**
 * The requester returns the same objects on both call paths: with the thunk
 * library its listings and writer metadata go through the bulk readers, on
 * the pointer path through the generated wrappers. Compared on a large
 * simulated machine with non-ASCII names (component files and dependencies
 * included), with no VSS
 * memory left behind. Also: a query that matches nothing (S_FALSE and an
 * empty enumerator, as Windows answers) reads as "none" everywhere, and the
 * reserved parameter of IVssAsync::QueryStatus is passed as NULL.
 */

import { assertEquals } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { createBackupComponents } from "../../ffi/vss.ts";
import { GUID_NULL } from "../../ffi/guid.ts";
import { VSS_OBJECT_TYPE } from "../../ffi/generated/enums.ts";
import { setCallPath } from "../../ffi/thunks/mod.ts";
import { readAllObjects } from "../../ffi/thunks/bulk.ts";
import {
  deleteShadowCopies,
  diffAreaManagement,
  getWriters,
  listProviders,
  listShadowCopies,
  listVolumes,
} from "../../mod.ts";

const { runtime, sim } = openSimulator();
const PATHS = ["thunks", "pointers"] as const;

/** JSON with bigints and dates spelled out: equal text means equal values in the same key order. */
const text = (v: unknown) =>
  JSON.stringify(
    v,
    (_k, x) => typeof x === "bigint" ? `${x}n` : x instanceof Date ? x.getTime() : x,
  );

/** Runs `fn` on each call path; returns the results by path. */
async function onBothPaths<T>(fn: () => Promise<T> | T): Promise<Record<string, T>> {
  const out: Record<string, T> = {};
  try {
    for (const path of PATHS) {
      assertEquals(setCallPath(path), path);
      assertEquals(runtime.callPath, path);
      out[path] = await fn();
    }
  } finally {
    setCallPath("auto");
  }
  return out;
}

function sameOnBothPaths<T>(results: Record<string, T>): T {
  assertEquals(results.thunks, results.pointers);
  assertEquals(text(results.thunks), text(results.pointers));
  return results.thunks;
}

const NAMES = "Dåtå\\日本語😀\\Ωmega";

function bigMachine(): void {
  sim.reset();
  sim.recording(false);
  const volume = `M:\\${NAMES}\\`;
  sim.addVolume(volume);
  sim.generateSnapshots(2500, volume);
  sim.generateSnapshots(500, "C:\\");
  sim.generateWriters(6, 30, 12);
  const writer = sim.addWriter({ name: `Wrïter ${NAMES}` });
  const component = sim.addComponent(writer, { name: `Cømpønent ${NAMES}` });
  for (let i = 0; i < 300; i++) {
    sim.addComponentFile(writer, component, "file", `D:\\${NAMES}${i}`, "*.ü", i % 2 === 0);
    sim.addComponentFile(writer, component, "database", `E:\\db${i}`, "x", false, `F:\\alt😀${i}`);
    sim.addComponentFile(writer, component, "log", `E:\\lög${i}`, "*.log", true);
  }
  sim.addExcludeFile(writer, `C:\\${NAMES}`, "*.tmp", true);
  // Dependencies: non-ASCII names, null logical paths, and more text than the
  // bulk reader's first string buffer holds (it grows and resumes).
  const dependent = sim.addComponent(writer, {
    name: `Dëpendent ${NAMES}`,
    logicalPath: "Lögical",
  });
  const long = "Ωmega😀".repeat(40);
  for (let i = 0; i < 400; i++) {
    const id = `{C0FFEE${(i % 16).toString(16).toUpperCase()}0-1234-ABCD-EF01-23456789ABC${
      i % 10
    }}`;
    sim.addDependency(
      writer,
      dependent,
      id,
      i % 3 === 0 ? null : `Pâth\\${NAMES}${i}`,
      `${long}${i}`,
    );
  }
  sim.addDependency(
    writer,
    component,
    "6f5b15b5-da24-4d88-b737-63063e3a1f86",
    null,
    "Ünïcødé 日本",
  );
}

Deno.test("listings and writer metadata are the same on both call paths", async () => {
  bigMachine();
  const copies = sameOnBothPaths(await onBothPaths(() => listShadowCopies({ runtime })));
  assertEquals(copies.length, 3000);
  assertEquals(copies.filter((s) => s.volumeDisplayName?.includes("日本語😀\\Ωmega")).length, 2500);
  const volumes = sameOnBothPaths(await onBothPaths(() => listVolumes({ runtime })));
  assertEquals(volumes.some((v) => v.displayName.includes("日本語😀")), true);
  sameOnBothPaths(await onBothPaths(() => listProviders({ runtime })));
  const filtered = sameOnBothPaths(
    await onBothPaths(() => listShadowCopies({ runtime, volume: `M:\\${NAMES}` })),
  );
  assertEquals(filtered.length, 2500);
  const writers = sameOnBothPaths(await onBothPaths(() => getWriters({ runtime })));
  const mine = writers.metadata.find((w) => w.name.startsWith("Wrïter"))!;
  assertEquals(mine.components[0].files.length, 300);
  assertEquals(mine.components[0].databases[299].alternateLocation, "F:\\alt😀299");
  assertEquals(mine.components[0].logs[7].path, "E:\\lög7");
  assertEquals(mine.components[0].dependencies, [{
    writerId: "6f5b15b5-da24-4d88-b737-63063e3a1f86",
    logicalPath: null,
    componentName: "Ünïcødé 日本",
  }]);
  const dependencies = mine.components[1].dependencies;
  assertEquals(dependencies.length, 400);
  assertEquals(dependencies[7], {
    writerId: "c0ffee70-1234-abcd-ef01-23456789abc7",
    logicalPath: `Pâth\\${NAMES}7`,
    componentName: `${"Ωmega😀".repeat(40)}7`,
  });
  assertEquals(dependencies[399].logicalPath, null);
  assertEquals(writers.metadata.reduce((n, w) => n + w.components.length, 0), 6 * 30 + 2);
  const live = sim.live();
  assertEquals([live.bstrs, live.cotaskmem], [0, 0]);
});

Deno.test("diff areas are the same on both call paths", async () => {
  sim.reset();
  sim.recording(false);
  sim.addVolume(`D:\\${NAMES}\\`);
  const [first, second] = listVolumes({ runtime });
  diffAreaManagement.add(first.displayName, second.displayName, 10n << 30n, { runtime });
  diffAreaManagement.add(second.displayName, second.displayName, 1n << 30n, { runtime });
  const forVolume = sameOnBothPaths(
    await onBothPaths(() => diffAreaManagement.forVolume(first.displayName, { runtime })),
  );
  assertEquals(forVolume.length, 1);
  const on = sameOnBothPaths(
    await onBothPaths(() => diffAreaManagement.onVolume(second.displayName, { runtime })),
  );
  assertEquals(on.length, 2);
  const live = sim.live();
  assertEquals([live.bstrs, live.cotaskmem], [0, 0]);
});

Deno.test("a query that matches nothing (S_FALSE, empty enumerator) reads as none", async () => {
  sim.reset();
  sim.recording(false);
  const results = await onBothPaths(() => {
    using backup = createBackupComponents(runtime);
    backup.InitializeForBackup(null);
    backup.SetContext(-1);
    const query = backup.Query(
      GUID_NULL,
      VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
      VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
    );
    const items = query.ppEnum === null ? [] : readAllObjects(query.ppEnum);
    const next = (() => {
      if (query.ppEnum === null) return null;
      using again = backup.Query(
        GUID_NULL,
        VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
        VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
      ).ppEnum!;
      const { hr, rgelt, pceltFetched } = again.Next(16);
      return { hr, rgelt, pceltFetched };
    })();
    query.ppEnum?.release();
    return { hr: query.hr, items, next };
  });
  const { hr, items, next } = sameOnBothPaths(results);
  assertEquals(hr, 1); // S_FALSE: nothing matched
  assertEquals(items, []);
  if (next !== null) assertEquals(next, { hr: 1, rgelt: [], pceltFetched: 0 });
  const api = await onBothPaths(async () => ({
    copies: await listShadowCopies({ runtime }),
    deleted: await deleteShadowCopies({ all: true }, { runtime }),
    oldest: await deleteShadowCopies({ oldest: "C:\\" }, { runtime }),
    areas: diffAreaManagement.forVolume(listVolumes({ runtime })[0].displayName, { runtime }),
  }));
  assertEquals(sameOnBothPaths(api), { copies: [], deleted: 0, oldest: 0, areas: [] });
});

Deno.test("IVssAsync::QueryStatus passes NULL for its reserved parameter", async () => {
  sim.reset();
  await onBothPaths(() => {
    using backup = createBackupComponents(runtime);
    backup.InitializeForBackup(null);
    using op = backup.GatherWriterMetadata().pAsync!;
    op.Wait(0xffffffff);
    sim.clearCalls();
    sim.recording(true);
    const status = op.QueryStatus();
    sim.recording(false);
    assertEquals(Object.keys(status), ["hr", "pHrResult"]);
    const call = sim.calls().find((c) => c.method?.endsWith("QueryStatus"));
    assertEquals(call?.args.pReserved, null);
    assertEquals(call?.args.pHrResult, "ptr");
  });
});
