/**
 * Both call paths run the binding suite: the every-method and flow scenarios
 * (tests/ffi/) in a child `deno test` with VSS_CALL_PATH forced each way, and
 * the child reports which path its calls took.
 */

import { assertEquals, assertMatch } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { currentCallPath, setCallPath, thunkLibraryPath } from "../../ffi/thunks/mod.ts";

const SUITE = ["tests/ffi/every_method_test.ts", "tests/ffi/flows_test.ts"].map((p) =>
  new URL(`../../${p}`, import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, "$1")
);

for (const path of ["thunks", "pointers"] as const) {
  Deno.test(`the binding suite passes on the ${path} call path`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-all", "--no-check", ...SUITE],
      env: { VSS_CALL_PATH: path },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.success, true, text.slice(-3000));
    assertMatch(text, /\d+ passed \| 0 failed/);
  });
}

Deno.test("the thunk library loads from the per-user cache, verified, by absolute path", () => {
  const { runtime } = openSimulator();
  try {
    assertEquals(setCallPath("thunks"), "thunks");
    const file = thunkLibraryPath()!;
    assertMatch(file, /^(\/|[A-Za-z]:\\)/);
    assertMatch(file, /vss_thunks|libvss_thunks/);
    if (Deno.build.os !== "windows") {
      assertEquals(Deno.statSync(file.replace(/\/[^/]+$/, "")).mode! & 0o077, 0);
    }
    assertEquals(setCallPath("pointers"), "pointers");
    assertEquals(currentCallPath(), "pointers");
  } finally {
    setCallPath("auto");
    runtime.close();
  }
});

Deno.test("a tampered cached library is replaced (Linux) and never loaded as is", () => {
  if (Deno.build.os === "windows") return; // Windows loads a fresh random copy every time
  const { runtime } = openSimulator();
  try {
    setCallPath("thunks");
    const file = thunkLibraryPath()!;
    const bytes = Deno.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    Deno.writeFileSync(file, bytes);
    setCallPath("pointers");
    // A fresh process would find the tampered file: the loader rewrites it before loading.
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { setCallPath } from "${new URL("../../ffi/thunks/mod.ts", import.meta.url)}";
         console.log(setCallPath("thunks"));`,
      ],
      stdout: "piped",
    }).outputSync();
    assertEquals(new TextDecoder().decode(child.stdout).trim(), "thunks");
    assertEquals(Deno.readFileSync(file)[bytes.length - 1], bytes[bytes.length - 1] ^ 0xff);
  } finally {
    setCallPath("auto");
    runtime.close();
  }
});
