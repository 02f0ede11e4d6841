/**
 * The simulator's leak counters when the requester frees what it got with the
 * system's own allocators: on Windows (the Wine lane) a runtime bound to the
 * system directory's oleaut32/ole32 frees every BSTR and task-memory block,
 * and the simulator's IMallocSpy keeps the counters exact. On Linux the
 * simulator is the only allocator there is.
 */
import assert from "node:assert/strict";
import { backend } from "../../ffi/backend/mod.ts";
import { MEMORY_SYMBOLS } from "../../ffi/library.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { systemLibraryPath } from "../../ffi/system_directory.ts";
import { createShadowCopySet, getWriters, listShadowCopies } from "../../mod.ts";
import { Simulator, simulatorPath } from "../../simulator/control.ts";
import { windows } from "./helpers.ts";

const S_OK = 0, E_NOTIMPL = 0x80004001;
const sim = new Simulator();

Deno.test({
  name: "Linux: the counters are exact by construction (no system allocator, no IMallocSpy)",
  ignore: windows,
  fn: () => {
    assert.equal(sim.memoryExact(), true);
    assert.equal(sim.memorySpyResult(), E_NOTIMPL);
  },
});

Deno.test({
  name:
    "Windows: simulator memory freed with the system's SysFreeString/CoTaskMemFree leaves the counters at 0",
  ignore: !windows,
  fn: async () => {
    sim.reset();
    const runtime = VssRuntime.load({
      libraryPath: simulatorPath,
      simulator: true,
      comRuntimePath: `${systemLibraryPath("oleaut32.dll")} + ${systemLibraryPath("ole32.dll")}`,
    });
    runtime.initializeCom();
    assert.match(runtime.libs.paths.memory, /oleaut32\.dll \+ .*ole32\.dll$/i);
    assert.equal(sim.memoryExact(), true);
    assert.equal(sim.memorySpyResult(), S_OK);
    const unknown = sim.unknownFrees();
    const system = runtime.libs.memory;
    const forwarders = backend.open(simulatorPath, MEMORY_SYMBOLS).symbols;

    // Blocks the simulator hands out directly, freed by the system.
    const text = new Uint16Array([...`hello`].map((c) => c.charCodeAt(0)));
    const bstr = forwarders.SysAllocStringLen(new Uint8Array(text.buffer), text.length);
    const block = forwarders.CoTaskMemAlloc(64n);
    assert.deepEqual(sim.live(), { objects: 0, bstrs: 1, cotaskmem: 1 });
    system.SysFreeString(bstr);
    system.CoTaskMemFree(block);
    assert.deepEqual(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });

    // A whole backup through the binding: every out BSTR and string is freed by the system.
    const w = sim.addWriter({ name: "Memory Writer" });
    const c = sim.addComponent(w, { logicalPath: "Logs", name: "db", caption: "A database" });
    sim.addComponentFile(w, c, "database", "C:\\db\\", "*.mdf");
    sim.addComponentFile(w, c, "log", "C:\\db\\", "*.ldf");
    {
      await using set = await createShadowCopySet(["C:\\"], { runtime, persistent: true });
      assert.deepEqual(set.writers.map((x) => x.name), ["Memory Writer"]);
      const listed = await listShadowCopies({ runtime });
      assert.equal(listed.length, 1);
      const { metadata } = await getWriters({ runtime });
      assert.equal(metadata[0].components[0].name, "db");
      await set.complete();
    }
    assert.deepEqual(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
    assert.equal(sim.unknownFrees(), unknown);
  },
});
