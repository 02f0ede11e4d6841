/**
 * The binding under Node: the koffi backend is chosen, pointers and memory
 * reads behave as under Deno, objects are released exactly once, a method
 * called after release throws without calling, and loading failures are typed.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  createBackupComponents,
  IVssBackupComponentsEx3,
  queryInterface,
  ReleasedObjectError,
  VssArgumentError,
  VssRuntime,
  VssUnavailableError,
} from "@vss/requester/binding";
import { openSimulator, simulatorPath } from "@vss/requester/simulator";

// The backend is internal (no entry point exports it): its module in the
// installed package, the same instance the binding uses.
const { backend, bufferPointer } = await import(
  new URL("./ffi/backend/mod.js", import.meta.resolve("@vss/requester/binding")).href
);

const { runtime, sim } = openSimulator();
/** Asserts the simulator holds no object, BSTR or task memory and saw no bad free. */
function nothingLeft() {
  assert.deepStrictEqual(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  assert.strictEqual(sim.unknownFrees(), 0);
}
const releases = () => sim.calls().filter((c) => c.method === "Release").length;

test("the koffi backend is in use and no Deno global exists", () => {
  assert.equal(typeof globalThis.Deno, "undefined");
  assert.equal(backend.runtime, "node");
  assert.equal(backend.os, process.platform === "win32" ? "windows" : process.platform);
  assert.ok(["x86_64", "aarch64"].includes(backend.arch), backend.arch);
  assert.equal(backend.env("VSS_LIBRARY_PATH"), simulatorPath);
  assert.equal(backend.isFile(simulatorPath), true);
  assert.equal(backend.isFile("/nonexistent/file"), false);
});

test("pointers and memory: addresses, views and 64-bit reads", () => {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setBigUint64(8, 0x1122334455667788n, true);
  const address = backend.address(bufferPointer(bytes));
  assert.equal(typeof address, "bigint");
  assert.ok(address !== 0n);
  assert.equal(backend.readU64(address + 8n), 0x1122334455667788n);
  assert.deepEqual([...new Uint8Array(backend.view(address + 8n, 2))], [0x88, 0x77]);
  assert.equal(backend.pointer(0n), null);
  assert.equal(backend.address(null), 0n);
  assert.equal(backend.address(backend.pointer(address)), address);
});

test("BSTRs and task strings cross the boundary with every UTF-16 unit", () => {
  const text = "Node BSTR ü€𝄞\0tail";
  const bstr = runtime.allocBstr(text, "text");
  assert.equal(runtime.takeBstr(backend.address(bstr)), text);
  assert.throws(() => runtime.allocBstr(42, "n"), VssArgumentError);
  nothingLeft();
});

test("an object is released exactly once, by release() or Release()", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  assert.equal(sim.live().objects, 1);
  sim.clearCalls();
  assert.equal(backup.release(), true);
  assert.equal(backup.release(), false, "a second release() is a no-op");
  assert.equal(backup.released, true);
  assert.equal(releases(), 1);
  assert.equal(sim.live().objects, 0);
});

test("calling a method after release throws and makes no call", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  backup.release();
  sim.clearCalls();
  assert.throws(() => backup.InitializeForBackup(null), (error) => {
    assert.ok(error instanceof ReleasedObjectError);
    assert.match(error.message, /IVssBackupComponents::InitializeForBackup/);
    return true;
  });
  assert.throws(() => backup.Release(), ReleasedObjectError);
  assert.throws(() => backup.AddRef(), ReleasedObjectError);
  assert.throws(() => backup.GatherWriterMetadata(), ReleasedObjectError);
  assert.deepEqual(sim.calls(), []);
});

test("AddRef gives a second owner; QueryInterface hands a typed reference over", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  const second = backup.AddRef();
  assert.equal(backup.Release(), 1, "the count Release reports");
  second.InitializeForBackup(null);
  const ex3 = queryInterface(second, IVssBackupComponentsEx3);
  assert.ok(ex3 !== null);
  assert.equal(second.Release(), 1);
  assert.match(ex3.GetSessionId().idSession, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
  ex3.release();
  assert.equal(sim.live().objects, 0);
});

test("a dropped wrapper is released by the finalization backstop", () => {
  const child = `
    import { createBackupComponents } from "@vss/requester/binding";
    import { openSimulator } from "@vss/requester/simulator";
    const { runtime, sim } = openSimulator();
    (() => { for (let i = 0; i < 5; i++) createBackupComponents(runtime).InitializeForBackup(null); })();
    const before = sim.live().objects;
    for (let i = 0; i < 20 && sim.live().objects > 0; i++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    console.log(JSON.stringify({ before, after: sim.live().objects }));
  `;
  const out = spawnSync(
    process.execPath,
    ["--expose-gc", "--input-type=module", "--eval", child],
    { cwd: fileURLToPath(new URL(".", import.meta.url)), encoding: "utf8" },
  );
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout.trim()), { before: 5, after: 0 });
});

test(
  "without VSS_LIBRARY_PATH and VSS_SIM_PATH, openVss() and the control find the simulator package",
  {
    skip: process.platform !== "linux" || process.arch !== "x64"
      ? "the simulator package is installed on Linux x64 (glibc) only"
      : false,
  },
  () => {
    const child = `
    import { isSimulated, openVss } from "@vss/requester";
    import { createBackupComponents } from "@vss/requester/binding";
    import { Simulator, simulatorPath } from "@vss/requester/simulator";
    const runtime = openVss();
    const sim = new Simulator();
    sim.clearCalls();
    createBackupComponents(runtime).release();
    console.log(JSON.stringify({
      path: runtime.libs.paths.vss,
      simulated: isSimulated(runtime),
      control: simulatorPath,
      seen: sim.calls().map((c) => c.function ?? c.method),
    }));
  `;
    const env = { ...process.env };
    delete env.VSS_LIBRARY_PATH;
    delete env.VSS_SIM_PATH;
    const out = spawnSync(process.execPath, ["--input-type=module", "--eval", child], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      encoding: "utf8",
      env,
    });
    assert.equal(out.status, 0, out.stderr);
    const { path, simulated, control, seen } = JSON.parse(out.stdout.trim());
    assert.equal(simulated, true);
    assert.match(path, /node_modules\/@vss\/requester-simulator-linux-x64-gnu\/libvss_sim\.so$/);
    assert.equal(control, path, "the control loads the library the runtime loaded");
    assert.deepEqual(seen, ["CreateVssBackupComponentsInternal", "Release"]);
  },
);

test("loading failures are typed and say what to do", () => {
  assert.throws(
    () => VssRuntime.load({ libraryPath: "/nonexistent/vss_sim_missing.so" }),
    (error) => {
      assert.ok(error instanceof VssUnavailableError, String(error));
      assert.match(error.message, /vss_sim_missing\.so could not be loaded/);
      assert.ok(error.hint.length > 0);
      return true;
    },
  );
});

test("nothing is left allocated at the end", () => {
  nothingLeft();
  runtime.close();
  sim.close();
});
