/**
 * createShadowCopySet enables the backup privileges for reading the set
 * (opt-out), and says what it did in `set.privileges`.
 */

import { assertEquals, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { createShadowCopySet } from "../../requester/mod.ts";

const windows = Deno.build.os === "windows";
const { runtime, sim } = openSimulator();

Deno.test("a set made for reading enables SeBackupPrivilege where the platform has it", async () => {
  sim.reset();
  await using set = await createShadowCopySet(["C:\\"], { runtime, writers: false });
  const result = set.privileges!;
  assertEquals(result.supported, windows);
  if (windows) {
    // Under Wine (and for an elevated process) the token holds it.
    assertEquals(result.enabled.includes("SeBackupPrivilege"), true, result.note);
  } else {
    assertEquals(result.enabled, []);
    assertEquals(result.missing, []);
  }
  await set.complete();
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
});

Deno.test("privileges: false leaves the token alone and records null", async () => {
  sim.reset();
  await using set = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    privileges: false,
  });
  assertEquals(set.privileges, null);
  await set.complete();
});

Deno.test("a bad privileges option is refused before any VSS call", async () => {
  sim.reset();
  await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        privileges: "always" as unknown as boolean,
      }),
    RangeError,
  );
  assertEquals(sim.calls().length, 0);
});
