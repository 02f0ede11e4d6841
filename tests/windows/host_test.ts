/**
 * Lane 3 (real Windows, by review here): the library inside hosts as a
 * backup job meets them. A 20-iteration create/read/delete loop with the
 * handle count and private bytes checked; two requesters at once (the
 * in-progress retry); a host thread that initialised COM as STA first; a
 * host that set process security first. Runs only on Windows with
 * VSS_REAL_WINDOWS=1 (.github/workflows/windows-vss.yml).
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { createShadowCopySet, listShadowCopies, openVss } from "../../mod.ts";
import { runChild } from "../support/child_process.ts";
import { withCleanup } from "../support/cleanup.ts";

const enabled = Deno.build.os === "windows" && Deno.env.get("VSS_REAL_WINDOWS") === "1";
if (!enabled) {
  console.log("host_test: skipped — needs Windows, administrator rights and VSS_REAL_WINDOWS=1");
}
const drive = `${Deno.env.get("SystemDrive") ?? "C:"}\\`;
const mod = new URL("../../mod.ts", import.meta.url).href;

/** Handle count and private bytes of this process (kernel32). */
function processFigures(): { handles: number; privateBytes: number } {
  const k = Deno.dlopen("kernel32.dll", {
    GetCurrentProcess: { parameters: [], result: "pointer" },
    GetProcessHandleCount: { parameters: ["pointer", "buffer"], result: "i32" },
    K32GetProcessMemoryInfo: { parameters: ["pointer", "buffer", "u32"], result: "i32" },
  });
  try {
    const self = k.symbols.GetCurrentProcess();
    const count = new Uint32Array(1);
    assert(k.symbols.GetProcessHandleCount(self, count));
    const counters = new BigUint64Array(10); // PROCESS_MEMORY_COUNTERS_EX: 80 bytes
    new Uint32Array(counters.buffer)[0] = 80;
    assert(k.symbols.K32GetProcessMemoryInfo(self, counters, 80));
    return { handles: count[0], privateBytes: Number(counters[9]) }; // PrivateUsage at +72
  } finally {
    k.close();
  }
}

/**
 * A child Deno running `code`, for hosts that change process-wide COM state
 * first. A child that has not finished within 5 minutes is killed and fails
 * the test (a hang, e.g. an STA host thread that VSS cannot call back).
 */
async function child(code: string): Promise<string> {
  const r = await runChild(code, {
    flags: ["--allow-ffi", "--allow-read", "--allow-env"],
    timeoutMs: 300_000,
  });
  assertEquals(r.hung, null, r.out);
  assert(r.code === 0, r.out);
  return r.out;
}

Deno.test({
  name: "real VSS: 20 create/read/delete iterations leave no handles or memory behind",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    const runtime = openVss();
    assertEquals(runtime.loaded.kind, "system");
    assertMatch(runtime.loaded.vss, /\\system32\\vssapi\.dll$/i);
    const iteration = async () => {
      const set = await createShadowCopySet([drive], { runtime, writers: false });
      let ok = false;
      await withCleanup(async () => {
        const root = set.mapPath(drive);
        assert(root.endsWith("\\"), root);
        assert((await Deno.readTextFile(`${root}Windows\\win.ini`)).length > 0);
        ok = true;
      }, [() => set.complete({ succeeded: ok })]);
    };
    await iteration(); // warm-up: COM, VSS and Deno caches
    const before = processFigures();
    for (let i = 0; i < 20; i++) await iteration();
    const after = processFigures();
    console.log(
      `handles ${before.handles} -> ${after.handles}, private bytes ${before.privateBytes} -> ${after.privateBytes}`,
    );
    assert(after.handles - before.handles < 50, "handle count stays flat");
    assert(after.privateBytes - before.privateBytes < 64 * 2 ** 20, "private bytes stay flat");
    assertEquals((await listShadowCopies({ runtime })).length, 0);
  },
});

Deno.test({
  name: "real VSS: two requesters at once, the second waits for the first (in-progress retry)",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    const code = `import { createShadowCopySet } from ${JSON.stringify(mod)};
let retries = 0;
const set = await createShadowCopySet([${JSON.stringify(drive)}], { writers: false,
  onProgress: (e) => void (e.retry && retries++) });
await set.complete();
console.log("ok retries", retries);`;
    const outs = await Promise.all([child(code), child(code)]);
    for (const out of outs) assertMatch(out, /ok retries \d+/);
  },
});

Deno.test({
  name: "real VSS: a host thread that initialised COM as STA first",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    const out = await child(`import { listShadowCopies, openVss } from ${JSON.stringify(mod)};
const ole = Deno.dlopen("ole32.dll", { CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" } });
console.log("sta", ole.symbols.CoInitializeEx(null, 2));
const runtime = openVss({ onWarning: (w) => console.log("warning", w.code) });
console.log("listed", (await listShadowCopies({ runtime })).length);`);
    assertMatch(out, /sta 0[\s\S]*warning single-threaded-apartment[\s\S]*listed \d+/);
  },
});

Deno.test({
  name: "real VSS: a host that set process security first gets a warning, and VSS still works",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    const out = await child(`import { createShadowCopySet, openVss } from ${JSON.stringify(mod)};
const ole = Deno.dlopen("ole32.dll", {
  CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" },
  CoInitializeSecurity: { parameters: ["pointer", "i32", "pointer", "pointer", "u32", "u32", "pointer", "u32", "pointer"], result: "i32" },
});
ole.symbols.CoInitializeEx(null, 0);
console.log("host security", ole.symbols.CoInitializeSecurity(null, -1, null, null, 6, 3, null, 0, null));
const runtime = openVss({ onWarning: (w) => console.log("warning", w.code) });
const set = await createShadowCopySet([${JSON.stringify(drive)}], { runtime, writers: false });
await set.complete();
console.log("created");`);
    assertMatch(out, /host security 0[\s\S]*warning security-already-set[\s\S]*created/);
  },
});
