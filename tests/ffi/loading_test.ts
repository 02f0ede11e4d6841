/**
 * Loading failures are typed and say what to do; Wine's stub vssapi.dll is
 * reported as "VSS not available", not a crash.
 */

import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { VssUnavailableError } from "../../ffi/errors.ts";
import { createBackupComponents } from "../../ffi/vss.ts";
import { backend } from "../../ffi/backend/mod.ts";

const windows = Deno.build.os === "windows";
const expectStub = windows && Deno.env.get("VSS_EXPECT_WINE_STUB") === "1";

Deno.test({
  name: "outside Windows, loading without a library path explains how to use the simulator",
  ignore: windows,
  fn() {
    const error = assertThrows(
      () => VssRuntime.load({ libraryPath: undefined }),
      VssUnavailableError,
    );
    assertMatch(error.message, /exists only on Windows/);
    assertMatch(error.hint, /simulator/);
  },
});

Deno.test("a library that cannot be loaded is reported with its path and a hint", () => {
  const error = assertThrows(
    () => VssRuntime.load({ libraryPath: "/nonexistent/vss_sim_missing.so" }),
    VssUnavailableError,
    "vss_sim_missing.so could not be loaded",
  );
  assert(error.hint.length > 0);
});

Deno.test("without --allow-ffi the error says which flag is missing", async () => {
  const module = new URL("../../ffi/runtime.ts", import.meta.url).href;
  const code = `import { VssRuntime } from ${JSON.stringify(module)};
try { VssRuntime.load({ libraryPath: "x" }); } catch (e) { console.log(e.name + ": " + e.message); }`;
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--allow-read", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  const text = new TextDecoder().decode(out.stdout);
  assertMatch(
    text,
    /VssUnavailableError: VSS is not available: loading x needs FFI permission\. Run Deno with --allow-ffi/,
  );
});

if (!expectStub) {
  console.log("loading_test: Wine stub check runs only in the Wine lane (VSS_EXPECT_WINE_STUB=1)");
}

Deno.test({
  name: "Wine's stub vssapi.dll: E_NOTIMPL is reported as VSS not available, and BSTRs work",
  ignore: !expectStub,
  fn() {
    const runtime = VssRuntime.load();
    assertEquals(runtime.libs.paths.vss, "vssapi.dll");
    runtime.initializeCom();
    const error = assertThrows(() => createBackupComponents(runtime), VssUnavailableError);
    assertMatch(error.message, /E_NOTIMPL/);
    assertMatch(error.hint, /simulator/);
    const text = "Wine BSTR ü€𝄞\0tail";
    const bstr = runtime.allocBstr(text, "text");
    assertEquals(runtime.takeBstr(backend.address(bstr)), text);
    runtime.close();
  },
});
