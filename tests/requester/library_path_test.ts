/**
 * The simulator library's path on Windows is normalised before it is loaded,
 * reported (`runtime.loaded`) and compared: mixed or doubled separators and
 * relative paths name one absolute backslash path. Elsewhere the path is
 * kept as given. Runs everywhere (the Windows rule is a pure function);
 * under Wine, openVss with a mixed-separator path is checked too.
 */

import { assert, assertEquals } from "../assert.ts";
import { normalizeLibraryPath } from "../../ffi/library.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { openVss } from "../../requester/mod.ts";
import { simulatorPath } from "../support/simulator.ts";

Deno.test("Windows: one absolute backslash path however the simulator's path is spelled", () => {
  const expected = "C:\\x\\y\\vss_sim.dll";
  for (
    const spelled of [
      "C:/x\\y/vss_sim.dll",
      "C:/x/y/vss_sim.dll",
      "C:\\x\\\\y\\vss_sim.dll",
      "C:\\x\\z\\..\\y\\.\\vss_sim.dll",
      "y/vss_sim.dll",
      "..\\x\\y\\vss_sim.dll",
    ]
  ) {
    assertEquals(normalizeLibraryPath(spelled, "windows", "C:\\x"), expected, spelled);
  }
  assertEquals(
    normalizeLibraryPath("\\\\server/share\\sim/vss_sim.dll", "windows", "C:\\x"),
    "\\\\server\\share\\sim\\vss_sim.dll",
  );
});

Deno.test("elsewhere the path is kept as given", () => {
  for (
    const path of ["/opt/x//libvss_sim.so", "build/simulator/linux/libvss_sim.so", "libvss.so"]
  ) {
    assertEquals(normalizeLibraryPath(path, "linux"), path);
  }
});

Deno.test({
  name: "Windows: openVss loads a mixed-separator simulator path and reports it normalised",
  ignore: Deno.build.os !== "windows",
  fn() {
    const mixed = simulatorPath.replaceAll("\\", "/").replace(/\/([^/]*)$/, "\\$1");
    const runtime = openVss({ libraryPath: mixed, simulator: true, onWarning: () => {} });
    const normal = normalizeLibraryPath(mixed);
    assert(!normal.includes("/"), normal);
    assertEquals(runtime.loaded.vss, normal);
    // The same library spelled another way is the same runtime, not a conflict.
    const again = openVss({ libraryPath: simulatorPath.replaceAll("/", "\\"), simulator: true });
    assert(again === runtime, "the same runtime");
  },
});
Deno.test({
  name: "Windows: the binding's own loader (VssRuntime.load) normalises the path as well",
  ignore: Deno.build.os !== "windows",
  fn() {
    const mixed = simulatorPath.replaceAll("\\", "/");
    const runtime = VssRuntime.load({ libraryPath: mixed, simulator: true });
    assertEquals(runtime.loaded.vss, normalizeLibraryPath(mixed));
    assert(!runtime.loaded.vss.includes("/"), runtime.loaded.vss);
  },
});
if (Deno.build.os !== "windows") {
  console.log(
    "library_path_test: the openVss and loader cases need Windows (Wine lane); skipped here",
  );
}
