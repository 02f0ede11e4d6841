/**
 * The bulk readers of the thunk library return exactly what the generated
 * wrappers return (the pointer path), on a large simulated machine with
 * non-ASCII names and lone surrogates, and leave no VSS memory behind.
 */

import { assertEquals } from "../assert.ts";
import { backend } from "../../ffi/backend/mod.ts";
import { openSimulator } from "../support/simulator.ts";
import { createBackupComponents } from "../../ffi/vss.ts";
import { GUID_NULL } from "../../ffi/guid.ts";
import { VSS_OBJECT_TYPE } from "../../ffi/generated/enums.ts";
import { currentCallPath, setCallPath } from "../../ffi/thunks/mod.ts";
import { readAllObjects, readComponentFiles, takeBstrFast } from "../../ffi/thunks/bulk.ts";
import type { IVssBackupComponents } from "../../ffi/generated/wrappers.ts";

const { runtime, sim } = openSimulator();
sim.recording(false);

function query(backup: IVssBackupComponents) {
  using list = backup.Query(
    GUID_NULL,
    VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
    VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
  ).ppEnum!;
  return readAllObjects(list);
}

function withBackup<T>(fn: (backup: IVssBackupComponents) => T): T {
  using backup = createBackupComponents(runtime);
  backup.InitializeForBackup(null);
  backup.SetContext(-1);
  return fn(backup);
}

Deno.test("Query → 3,000 shadow copies: the bulk reader equals the wrapper path", () => {
  sim.reset();
  sim.recording(false);
  const volume = "M:\\Dåtå\\日本語😀\\";
  sim.addVolume(volume);
  sim.generateSnapshots(3000, volume);
  sim.generateSnapshots(500, "C:\\");
  assertEquals(setCallPath("thunks"), "thunks");
  const fast = withBackup(query);
  setCallPath("pointers");
  const slow = withBackup(query);
  setCallPath("auto");
  assertEquals(fast.length, 3500);
  assertEquals(fast, slow);
  const text = (v: unknown) => JSON.stringify(v, (_k, x) => typeof x === "bigint" ? `${x}n` : x);
  assertEquals(text(fast), text(slow)); // same keys in the same order
  const live = sim.live();
  assertEquals([live.bstrs, live.cotaskmem], [0, 0]);
});

Deno.test("writer component files: the bulk reader equals the wrapper path", () => {
  sim.reset();
  sim.recording(false);
  sim.generateWriters(3, 5, 40);
  const writer = sim.addWriter({ name: "Wrïter 日本" });
  const component = sim.addComponent(writer, { name: "Cømpønent" });
  for (let i = 0; i < 50; i++) {
    sim.addComponentFile(writer, component, "file", `D:\\Dåtå\\日本語😀${i}`, "*.ü", i % 2 === 0);
    sim.addComponentFile(writer, component, "database", `E:\\db${i}`, "x", false, `F:\\alt😀${i}`);
  }
  const read = () =>
    withBackup((backup) => {
      const op = backup.GatherWriterMetadata().pAsync!;
      op.Wait(0xffffffff);
      op.release();
      const out: unknown[] = [];
      const writers = backup.GetWriterMetadataCount().pcWriters;
      for (let w = 0; w < writers; w++) {
        using m = backup.GetWriterMetadata(w).ppMetadata!;
        const components = m.GetFileCounts().pcComponents;
        for (let c = 0; c < components; c++) {
          using component = m.GetComponent(c).ppComponent!;
          const info = component.GetComponentInfo().ppInfo!;
          out.push(readComponentFiles(component, 0, info.cFileCount));
          out.push(readComponentFiles(component, 1, info.cDatabases));
          out.push(readComponentFiles(component, 2, info.cLogFiles));
        }
      }
      return out;
    });
  setCallPath("thunks");
  const fast = read();
  setCallPath("pointers");
  const slow = read();
  setCallPath("auto");
  assertEquals(fast.flat().length >= 700, true);
  assertEquals(JSON.stringify(fast).includes("日本語😀49"), true);
  assertEquals(fast, slow);
  const live = sim.live();
  assertEquals([live.bstrs, live.cotaskmem], [0, 0]);
});

Deno.test("a BSTR is read and freed in one call, embedded NULs and lone surrogates kept", () => {
  setCallPath("thunks");
  assertEquals(currentCallPath(), "thunks");
  for (const text of ["", "plain", "a\0b", "\ud800 lone \udfff", "日本語".repeat(40000)]) {
    const bstr = runtime.allocBstr(text, "text");
    assertEquals(takeBstrFast(runtime, backend.address(bstr)), text);
  }
  assertEquals(takeBstrFast(runtime, 0n), null);
  assertEquals(sim.live().bstrs, 0);
  setCallPath("auto");
});
