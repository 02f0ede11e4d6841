/**
 * Ownership: each wrapper releases exactly once; use after release and
 * double release are typed errors that never touch freed memory.
 */

import { assert, assertEquals, assertThrows } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { createBackupComponents, queryInterface } from "../../ffi/vss.ts";
import { ReleasedObjectError } from "../../ffi/errors.ts";
import { IVssBackupComponentsEx3 } from "../../ffi/generated/wrappers.ts";

const { runtime, sim } = openSimulator();

function releases(): number {
  return sim.calls().filter((c) => c.method === "Release").length;
}

Deno.test("an object is released exactly once, by release() or by using", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  assertEquals(sim.live().objects, 1);
  sim.clearCalls();
  assert(backup.release());
  assertEquals(backup.release(), false, "a second release() is a no-op");
  assertEquals(releases(), 1);
  assertEquals(sim.live().objects, 0);
  {
    using scoped = createBackupComponents(runtime);
    scoped.InitializeForBackup(null);
  }
  assertEquals(sim.live().objects, 0);
});

Deno.test("calling a method after release throws and makes no call", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  backup.release();
  sim.clearCalls();
  assertThrows(
    () => backup.InitializeForBackup(null),
    ReleasedObjectError,
    "IVssBackupComponents::InitializeForBackup",
  );
  assertThrows(() => backup.Release(), ReleasedObjectError, "Release");
  assertThrows(() => backup.AddRef(), ReleasedObjectError, "AddRef");
  assertEquals(sim.calls(), []);
});

Deno.test("AddRef gives a second owner; QueryInterface hands a typed reference over", () => {
  sim.reset();
  const backup = createBackupComponents(runtime);
  const second = backup.AddRef();
  assertEquals(backup.Release(), 1, "the count Release reports");
  second.InitializeForBackup(null);
  const ex3 = queryInterface(second, IVssBackupComponentsEx3)!;
  assertEquals(second.Release(), 1);
  assert(ex3.GetSessionId().idSession.length === 36);
  ex3.release();
  assertEquals(sim.live().objects, 0);
});

Deno.test("COM initialisation is explicit and tolerates being repeated", () => {
  const first = runtime.initializeCom();
  const again = runtime.initializeCom();
  assert(["initialized", "already"].includes(first.apartment));
  assertEquals(again.apartment === "initialized" || again.apartment === "already", true);
  assert(["set", "already-set"].includes(again.security));
  assertEquals(runtime.initializeCom({ security: false }).security, "skipped");
});
