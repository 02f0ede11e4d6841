/**
 * A host thread that initialised COM as single-threaded (STA) before the
 * library: VSS still works (CoIncrementMTAUsage keeps the multithreaded
 * apartment alive, Windows and Wine) or the library fails at once with a
 * ComApartmentError that names the cause and the fix (the simulator's COM
 * outside Windows has no CoIncrementMTAUsage). Each case runs in a child
 * process with a deadline, on both lanes: a hang fails the test.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { simulatorPath } from "../support/simulator.ts";
import { runChild, runCommand, startComHelpers } from "../support/child_process.ts";
import { HOOK, MAIN } from "../cli/helpers.ts";

const windows = Deno.build.os === "windows";
const mod = new URL("../../mod.ts", import.meta.url).href;
const TIMEOUT_MS = 90_000;

/** The child: STA first, then providers, a shadow copy set (async waits), a listing. */
const staCode =
  `import { ComApartmentError, createShadowCopySet, listProviders, listShadowCopies, openVss }
  from ${JSON.stringify(mod)};
const sim = ${JSON.stringify(simulatorPath)};
const windows = Deno.build.os === "windows";
const ole = Deno.dlopen(windows ? "ole32.dll" : sim, {
  CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" },
});
console.log("sta", ole.symbols.CoInitializeEx(null, 2 /* COINIT_APARTMENTTHREADED */));
try {
  const runtime = openVss({ libraryPath: sim, simulator: true,
    comRuntimePath: windows ? sim : undefined, onWarning: (w) => console.log("warning", w.code) });
  console.log("providers", (await listProviders({ runtime })).length);
  const set = await createShadowCopySet(["C:\\\\"], { runtime });
  console.log("created", set.snapshots.length);
  console.log("listed", (await listShadowCopies({ runtime })).length);
  await set.complete({ succeeded: true });
  console.log("done");
} catch (e) {
  if (!(e instanceof ComApartmentError)) throw e;
  console.log("typed", e.name, e.hresult?.toString(16));
  console.log("message", e.message);
  console.log("hint", e.hint);
}`;

Deno.test({
  name: "STA host thread: VSS calls work through CoIncrementMTAUsage or fail fast, never hang",
  sanitizeResources: false, // Wine's COM helpers may keep the child's handles for a while
  async fn() {
    await startComHelpers();
    const started = Date.now();
    const r = await runChild(staCode, {
      flags: ["--allow-ffi", "--allow-read", "--allow-env"],
      timeoutMs: TIMEOUT_MS,
    });
    assertEquals(r.hung, null, r.out);
    assertEquals(r.code, 0, r.out);
    assertMatch(r.out, /^sta 0$/m);
    if (windows) {
      assertMatch(
        r.out,
        /warning single-threaded-apartment\nproviders [1-9]\d*\ncreated 1\nlisted [1-9]\d*\ndone/,
      );
    } else {
      // The simulator's COM runtime lacks CoIncrementMTAUsage: a typed error, at once.
      assertMatch(r.out, /^typed ComApartmentError 80010106$/m);
      assertMatch(r.out, /^message .*single-threaded.*RPC_E_CHANGED_MODE.*CoIncrementMTAUsage/m);
      assertMatch(r.out, /^hint .*COINIT_APARTMENTTHREADED/m);
      assert(Date.now() - started < TIMEOUT_MS);
    }
  },
});

Deno.test({
  name: "STA host thread: `vss providers` exits and closes its output (CLI, piped)",
  sanitizeResources: false,
  async fn() {
    await startComHelpers();
    const r = await runCommand(
      ["run", "-A", "--preload", HOOK, MAIN, "providers", "--json", `--simulator=${simulatorPath}`],
      {
        env: {
          ...(windows ? {} : { VSS_LIBRARY_PATH: simulatorPath }),
          NO_COLOR: "1",
          VSS_CLI_TEST_SETUP: JSON.stringify({ staThread: true }),
        },
        timeoutMs: TIMEOUT_MS,
      },
    );
    assertEquals(r.hung, null, r.out);
    if (windows) {
      assertEquals(r.code, 0, r.out);
      assertMatch(r.out, /"providers": \[/);
      assertMatch(r.out, /warning: this thread was initialised single-threaded/);
    } else {
      assertEquals(r.code, 2, r.out);
      assertMatch(r.out, /"name": "ComApartmentError"/);
    }
  },
});

Deno.test("the deadline these tests rely on: a child that never exits is killed and reported", async () => {
  const started = Date.now();
  const r = await runChild("setInterval(() => {}, 1000); console.log('up');", { timeoutMs: 3_000 });
  assertEquals(r.code, null);
  assertMatch(r.hung ?? "", /did not exit within 3000 ms/);
  assert(Date.now() - started < 30_000, "the wait ended soon after the deadline");
});
