/**
 * Loading failures are typed and say what to do; Wine's stub vssapi.dll is
 * reported as "VSS not available", not a crash.
 */

import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import { VssUnavailableError } from "../../ffi/errors.ts";
import { createBackupComponents } from "../../ffi/vss.ts";
import { backend } from "../../ffi/backend/mod.ts";
import { type ComFunctions, initializeComWith } from "../../ffi/runtime.ts";
import { resolveLibraries } from "../../ffi/library.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { ComApartmentError } from "../../ffi/errors.ts";
import { toSigned } from "../../ffi/hresult.ts";

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
try { VssRuntime.load({ libraryPath: "x" }); } catch (e) { console.log(e.name + ": " + e.message + "\\n" + e.hint); }`;
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--allow-read", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  const text = new TextDecoder().decode(out.stdout);
  const [message, hint] = text.trim().split("\n");
  assertEquals(
    message,
    "VssUnavailableError: VSS is not available: loading x needs FFI permission",
  );
  assertMatch(hint, /--allow-ffi/);
});

if (!expectStub) {
  console.log("loading_test: Wine stub check runs only in the Wine lane (VSS_EXPECT_WINE_STUB=1)");
}

Deno.test({
  name: "Wine's stub vssapi.dll: E_NOTIMPL is reported as VSS not available, and BSTRs work",
  ignore: !expectStub,
  fn() {
    const runtime = VssRuntime.load();
    assertMatch(runtime.loaded.vss, /system32\\vssapi\.dll$/i); // by absolute path
    assertEquals(runtime.loaded.kind, "system");
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

// ---- issue 10: loading rules and COM initialisation ----

/** COM functions that answer as told, recording the calls. */
function fakeCom(
  answers: { init?: number; security?: number; mta?: number | null; create?: number },
) {
  const calls: string[] = [];
  const com: ComFunctions = {
    ole32: {
      CoInitializeEx: () => (calls.push("CoInitializeEx"), toSigned(answers.init ?? 0)),
      CoUninitialize: () => {},
      CoInitializeSecurity:
        () => (calls.push("CoInitializeSecurity"), toSigned(answers.security ?? 0)),
      CoCreateInstance:
        () => (calls.push("CoCreateInstance"),
          toSigned(answers.create ?? HRESULT.REGDB_E_CLASSNOTREG)),
    } as unknown as ComFunctions["ole32"],
    mtaUsage: answers.mta === null ? null : {
      CoIncrementMTAUsage: () => (calls.push("CoIncrementMTAUsage"), toSigned(answers.mta ?? 0)),
    } as unknown as ComFunctions["mtaUsage"],
  };
  return { com, calls };
}

Deno.test("COM: RPC_E_TOO_LATE is a warning naming event 8194 and the fix, not an error", () => {
  const { com } = fakeCom({ security: HRESULT.RPC_E_TOO_LATE });
  const result = initializeComWith(com, {});
  assertEquals(result.security, "already-set");
  const w = result.warnings.find((x) => x.code === "security-already-set")!;
  assertMatch(w.message, /8194/);
  assertMatch(w.hint, /CoInitializeSecurity/);
  assertEquals(w.hresult, HRESULT.RPC_E_TOO_LATE);
});

Deno.test("COM: an STA thread joins the MTA with CoIncrementMTAUsage, or is a typed error", () => {
  const ok = fakeCom({ init: HRESULT.RPC_E_CHANGED_MODE });
  const result = initializeComWith(ok.com, {});
  assertEquals(result.apartment, "sta-thread");
  assert(ok.calls.includes("CoIncrementMTAUsage"));
  assert(result.warnings.some((w) => w.code === "single-threaded-apartment"));
  const missing = fakeCom({ init: HRESULT.RPC_E_CHANGED_MODE, mta: null });
  const error = assertThrows(() => initializeComWith(missing.com, {}), ComApartmentError);
  assertEquals(error.hresult, HRESULT.RPC_E_CHANGED_MODE);
  assertMatch(error.message, /not available/);
});

Deno.test("COM: exception handling is set through IGlobalOptions after security; failure is a warning", () => {
  const { com, calls } = fakeCom({});
  const result = initializeComWith(com, {});
  assertEquals(calls, ["CoInitializeEx", "CoInitializeSecurity", "CoCreateInstance"]);
  assertEquals(result.exceptionHandling, "failed");
  const w = result.warnings.find((x) => x.code === "exception-handling")!;
  assertEquals(w.hresult, HRESULT.REGDB_E_CLASSNOTREG);
});

Deno.test("COM on the loaded simulator (Linux) or Wine's ole32: usable, warnings only", async () => {
  const { simulatorPath } = await import("../support/simulator.ts");
  const runtime = VssRuntime.load({
    libraryPath: simulatorPath,
    comRuntimePath: windows ? simulatorPath : undefined,
    simulator: true,
  });
  assertEquals(runtime.loaded.kind, "simulator");
  assertEquals(runtime.loaded.vss, simulatorPath);
  const result = runtime.initializeCom();
  assert(["initialized", "already"].includes(result.apartment), result.apartment);
  if (result.exceptionHandling === "failed") {
    assert(result.warnings.some((w) => w.code === "exception-handling"));
  }
  runtime.close();
  runtime.close(); // never unloads: objects and finalizers may still run its code
});

Deno.test({
  name:
    "Windows: system DLLs by absolute path from the system directory; the environment is not read",
  ignore: !windows,
  fn() {
    const saved = Deno.env.get("VSS_LIBRARY_PATH");
    Deno.env.set("VSS_LIBRARY_PATH", "C:\\evil\\vssapi.dll");
    try {
      const paths = resolveLibraries({})!;
      assertEquals(paths.kind, "system");
      assertMatch(paths.vss, /^[A-Za-z]:\\.*\\system32\\vssapi\.dll$/i);
      assertMatch(paths.ole32, /^[A-Za-z]:\\.*\\system32\\ole32\.dll$/i);
      assert(!paths.vss.includes("evil"));
      const sim = resolveLibraries({ libraryPath: "C:\\x\\vss_sim.dll", simulator: true })!;
      assertEquals([sim.kind, sim.memory], ["simulator", "C:\\x\\vss_sim.dll"]);
    } finally {
      if (saved === undefined) Deno.env.delete("VSS_LIBRARY_PATH");
      else Deno.env.set("VSS_LIBRARY_PATH", saved);
    }
  },
});

Deno.test({
  name: "outside Windows, VSS_LIBRARY_PATH still names the library (kind custom)",
  ignore: windows,
  fn() {
    const saved = Deno.env.get("VSS_LIBRARY_PATH");
    Deno.env.set("VSS_LIBRARY_PATH", "/opt/vss/libvss.so");
    try {
      assertEquals(resolveLibraries({})!.vss, "/opt/vss/libvss.so");
      assertEquals(resolveLibraries({})!.kind, "custom");
    } finally {
      if (saved === undefined) Deno.env.delete("VSS_LIBRARY_PATH");
      else Deno.env.set("VSS_LIBRARY_PATH", saved);
    }
  },
});

/** Runs `code` in a child Deno with exactly `flags`; returns its output. */
async function child(
  code: string,
  flags: string[],
  pipes = true,
): Promise<{ ok: boolean; out: string }> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--no-check", ...flags, script],
    stdin: "null",
    stdout: pipes ? "piped" : "null",
    stderr: pipes ? "piped" : "null",
  }).output();
  await Deno.remove(script);
  const d = new TextDecoder();
  return { ok: out.success, out: pipes ? d.decode(out.stdout) + d.decode(out.stderr) : "" };
}

Deno.test("a backup runs with the documented flags only (--allow-ffi --allow-read), not -A", async () => {
  const { simulatorPath } = await import("../support/simulator.ts");
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const code = `import { createShadowCopySet, openVss } from ${JSON.stringify(mod)};
const path = ${JSON.stringify(simulatorPath)};
const runtime = openVss({ libraryPath: path, simulator: true, onWarning: () => {},
  comRuntimePath: Deno.build.os === "windows" ? path : undefined });
const set = await createShadowCopySet([Deno.build.os === "windows" ? "C:\\\\" : "C:\\\\"], { runtime });
console.log("root", set.mapPath("C:\\\\"));
await set.complete({ succeeded: true });
console.log("done", runtime.loaded.kind);`;
  const { ok, out } = await child(code, ["--allow-ffi", "--allow-read"]);
  assert(ok, out);
  assertMatch(out, /done simulator/);
});

Deno.test("a thread that initialised COM as STA first still drives VSS (CoIncrementMTAUsage) or gets a typed error", async () => {
  const { simulatorPath } = await import("../support/simulator.ts");
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const ole32 = windows ? "ole32.dll" : simulatorPath;
  // COM in an STA can start Wine's rpcss, which inherits the child's pipes and outlives it: the
  // child reports through a file, and its stdout and stderr are not piped.
  const report = await Deno.makeTempFile();
  const code = `import { ComApartmentError, listShadowCopies, openVss } from ${JSON.stringify(mod)};
const log = (...s: unknown[]) => Deno.writeTextFileSync(${
    JSON.stringify(report)
  }, s.join(" ") + "\\n", { append: true });
const lib = Deno.dlopen(${
    JSON.stringify(ole32)
  }, { CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" } });
log("sta", lib.symbols.CoInitializeEx(null, 2));
const path = ${JSON.stringify(simulatorPath)};
try {
  const runtime = openVss({ libraryPath: path, simulator: true, onWarning: (w) => log("warning", w.code),
    comRuntimePath: Deno.build.os === "windows" ? path : undefined });
  log("listed", (await listShadowCopies({ runtime })).length);
} catch (e) {
  log(e instanceof ComApartmentError ? "typed " + e.name : "untyped " + e);
}`;
  const { ok } = await child(
    code,
    ["--allow-ffi", "--allow-read", `--allow-write=${report}`],
    false,
  );
  const out = await Deno.readTextFile(report);
  await Deno.remove(report);
  assert(ok, out);
  assertMatch(out, /sta 0/);
  if (windows) assertMatch(out, /warning single-threaded-apartment[\s\S]*listed 0/);
  else assertMatch(out, /typed ComApartmentError/); // the simulator has no CoIncrementMTAUsage
});
