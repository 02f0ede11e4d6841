/**
 * `vss providers`, `vss diff-areas ...` and `vss volume-support`, and running
 * the CLI the way users get it: from any working directory, from a URL.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { simulatorPath } from "../support/simulator.ts";
import { startComHelpers } from "../support/child_process.ts";
import { baseEnv, callsOf, MAIN, runCli, splitNotice } from "./helpers.ts";

const windows = Deno.build.os === "windows";

const SYSTEM_PROVIDER = "b5946137-7b9f-4925-af80-51abd60b20d5";
const GIB = 2 ** 30;

Deno.test("providers lists the system provider", async () => {
  const r = await runCli(["providers", "--json"]);
  assertEquals(r.code, 0, r.stderr);
  const [p] = r.json().providers as Record<string, string>[];
  assertEquals(p.id, SYSTEM_PROVIDER);
  assertEquals(p.type, "system");
  const text = await runCli(["providers"]);
  assertMatch(
    text.stdout,
    /^ID +TYPE +VERSION +NAME\nb5946137-7b9f-4925-af80-51abd60b20d5 +system +1\.0\.0\.7 +Microsoft/,
  );
  const denied = await runCli(["providers"], {
    setup: {
      fail: [{ method: "IVssBackupComponents::InitializeForBackup", hr: HRESULT.E_ACCESSDENIED }],
    },
  });
  assertEquals(denied.code, 3);
});

Deno.test("diff-areas list, add and resize", async () => {
  const setup = {
    volumes: [{ name: "D:\\" }],
    diffAreas: [{ volume: "C:\\", diffAreaVolume: "D:\\", maximumBytes: 10 * GIB }],
  };
  const listed = await runCli(["diff-areas", "list", "C:", "--json"], { setup });
  assertEquals(listed.code, 0, listed.stderr);
  const out = listed.json();
  assertEquals(out.volume, "C:\\");
  const [area] = out.diffAreas as Record<string, string>[];
  assertEquals(area.maximumBytes, String(10 * GIB), "bytes are strings in JSON");
  assertEquals(area.usedBytes, "0");
  const on = await runCli(["diff-areas", "list", "D:", "--on", "--json"], { setup });
  assertEquals((on.json().diffAreas as unknown[]).length, 1);
  const text = await runCli(["diff-areas", "list", "C:"], { setup });
  assertMatch(
    text.stdout,
    /^VOLUME +STORAGE ON +MAXIMUM +ALLOCATED +USED\n.*10\.0 GiB +0 B +0 B\n$/,
  );
  const none = await runCli(["diff-areas", "list", "C:"]);
  assertEquals(none.stdout, "No diff areas for C:\\.\n");

  const add = await runCli(["diff-areas", "add", "C:", "D:", "--max", "1.5GB", "--json"], {
    setup: { volumes: [{ name: "D:\\" }] },
  });
  assertEquals(add.code, 0, add.stderr);
  assertEquals(add.json(), {
    volume: "C:\\",
    diffAreaVolume: "D:\\",
    maximumBytes: String(1.5 * GIB),
  });
  const call = callsOf(add.report, "IVssDifferentialSoftwareSnapshotMgmt::AddDiffArea")[0];
  assertEquals(call.args.llMaximumDiffSpace, 1.5 * GIB);
  const unbounded = await runCli(["diff-areas", "add", "C:", "C:", "--json"]);
  assertEquals(unbounded.json().maximumBytes, "-1");
  const twice = await runCli(["diff-areas", "add", "C:", "D:", "--json"], { setup });
  assertEquals(twice.code, 8);
  assertEquals((twice.json().error as { code: string }).code, "VSS_E_OBJECT_ALREADY_EXISTS");

  const resize = await runCli(["diff-areas", "resize", "C:", "D:", "--max", "20GB", "--json"], {
    setup,
  });
  assertEquals(resize.code, 0, resize.stderr);
  assertEquals(
    callsOf(resize.report, "IVssDifferentialSoftwareSnapshotMgmt::ChangeDiffAreaMaximumSize")[0]
      .args
      .llMaximumDiffSpace,
    20 * GIB,
  );
  const noMax = await runCli(["diff-areas", "resize", "C:", "D:"], { setup });
  assertEquals(noMax.code, 1);
  const badSize = await runCli(["diff-areas", "add", "C:", "D:", "--max", "lots"]);
  assertEquals(badSize.code, 1);
  assertMatch(badSize.stderr, /--max needs a size/);
});

Deno.test("diff-areas protection: get, set, and a faulted volume", async () => {
  const get = await runCli(["diff-areas", "protection", "C:", "--json"]);
  assertEquals(get.code, 0, get.stderr);
  assertEquals(get.json(), {
    volume: "C:\\",
    level: "original-volume",
    offline: false,
    fault: null,
    failureStatus: 0,
    hasUnusedDiffArea: false,
    changed: false,
  });
  const set = await runCli(["diff-areas", "protection", "C:", "--set", "snapshot", "--json"]);
  assertEquals(set.code, 0, set.stderr);
  assertEquals(set.json().level, "snapshot");
  assertEquals(set.json().changed, true);
  const faulted = await runCli(["diff-areas", "protection", "C:"], {
    setup: { protectionFault: [{ volume: "C:\\", fault: 8, offline: true }] },
  });
  assertEquals(faulted.code, 0, faulted.stderr);
  assertMatch(faulted.stdout, /offline: +yes\n {2}fault: +diff_area_full \(0x8004230F\)/);
  const bad = await runCli(["diff-areas", "protection", "C:", "--set", "volume"]);
  assertEquals(bad.code, 1);
});

Deno.test("volume-support: supported, snapshotted, and --check", async () => {
  const setup = { volumes: [{ name: "E:\\", supported: false }], sets: [{ volumes: ["C:\\"] }] };
  const c = await runCli(["volume-support", "C:", "--json"], { setup });
  assertEquals(c.code, 0, c.stderr);
  assertEquals(c.json(), {
    volume: "C:\\",
    providerId: null,
    supported: true,
    snapshotted: true,
    capability: 0,
    restrictions: [],
  });
  const e = await runCli(["volume-support", "E:", "--json"], { setup });
  assertEquals(e.code, 0);
  assertEquals(e.json().supported, false);
  assertEquals(e.json().snapshotted, false);
  const checked = await runCli(["volume-support", "E:", "--check"], { setup });
  assertEquals(checked.code, 5);
  assertMatch(checked.stdout, /supported: +no/);
  const provider = await runCli(["volume-support", "C:", "--provider", SYSTEM_PROVIDER, "--json"]);
  assertEquals(provider.json().providerId, SYSTEM_PROVIDER);
  const unknown = await runCli(["volume-support", "Q:"]);
  assertEquals(unknown.code, 8);
  assertMatch(unknown.stderr, /VSS_E_OBJECT_NOT_FOUND/);
});

Deno.test("the CLI runs from a URL and does not depend on the working directory", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 400 });
    try {
      const body = await Deno.readFile(`${root}${path.slice(1)}`);
      return new Response(body, { headers: { "content-type": "application/typescript" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const denoDir = await Deno.makeTempDir({ prefix: "vss-cli-deno-dir-" });
  const cwd = await Deno.makeTempDir({ prefix: "vss-cli-cwd-" });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/cli/main.ts`;
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", url, ...args, `--simulator=${simulatorPath}`],
        cwd,
        env: { ...baseEnv(), DENO_DIR: denoDir },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const help = await run(["--help"]);
    assertEquals(help.code, 0, new TextDecoder().decode(help.stderr));
    assertMatch(new TextDecoder().decode(help.stdout), /^vss - /);
    const providers = await run(["providers", "--json"]);
    assertEquals(providers.code, 0, new TextDecoder().decode(providers.stderr));
    const parsed = JSON.parse(new TextDecoder().decode(providers.stdout));
    assertEquals(parsed.providers[0].id, SYSTEM_PROVIDER);
  } finally {
    await server.shutdown();
    await Deno.remove(denoDir, { recursive: true }).catch(() => {});
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});

Deno.test("without the permissions it needs, the CLI says which and exits with 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", MAIN, "providers", "--json"],
    env: baseEnv(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 2);
  const error = JSON.parse(new TextDecoder().decode(out.stdout)).error;
  assertEquals(error.exitCode, 2);
  assertMatch(error.hint, /--allow-ffi/);
});

Deno.test("--simulator[=PATH] loads the simulator, and stderr says which VSS is in use", async () => {
  const notice = new RegExp(`^vss: using simulator VSS ${RegExp.escape(simulatorPath)}$`);
  // Without the preload hook: only the flag (on Windows) loads the simulator.
  const flagged = await runCli(["providers", "--json", `--simulator=${simulatorPath}`], {
    bare: true,
  });
  assertEquals(flagged.code, 0, flagged.stderr);
  assertMatch(flagged.notice ?? "", notice);
  assertEquals(flagged.stderr, "", "nothing else on stderr");
  assertEquals((flagged.json().providers as { id: string }[])[0].id, SYSTEM_PROVIDER);
  // Global options may come before the command too.
  const before = await runCli([`--simulator=${simulatorPath}`, "--json", "providers"], {
    bare: true,
  });
  assertEquals(before.code, 0, before.stderr);
  assertMatch(before.notice ?? "", notice);
  // The preload hook opens the simulator itself; the CLI uses that runtime and says so.
  const hooked = await runCli(["providers", "--json"]);
  assertMatch(hooked.notice ?? "", notice);
  // Help and usage errors open no VSS and print no notice.
  const help = await runCli(["providers", "--help", `--simulator=${simulatorPath}`], {
    bare: true,
  });
  assertEquals([help.code, help.notice], [0, null]);
  const usage = await runCli(["providers", "extra", "--simulator"], { bare: true });
  assertEquals([usage.code, usage.notice], [1, null]);
  assertMatch(usage.stderr, /^error: /);
  const empty = await runCli(["providers", "--simulator="], { bare: true });
  assertEquals(empty.code, 1);
  if (!windows) {
    // Outside Windows VSS_LIBRARY_PATH still chooses the library (a "custom" VSS).
    const env = await runCli(["providers", "--json"], { bare: true });
    assertEquals(env.code, 0, env.stderr);
    assertEquals(env.notice, `vss: using custom VSS ${simulatorPath}`);
  }
});

Deno.test("COM warnings reach stderr in the CLI's style", async () => {
  // Under Wine the first STA CoInitializeEx starts Wine's COM helpers, which would inherit and hold
  // the child's pipes: start them beforehand from a process without pipes.
  await startComHelpers();
  // The main thread was initialised single-threaded (STA) before the CLI opened VSS.
  const r = await runCli(["providers", "--json", `--simulator=${simulatorPath}`], {
    setup: { staThread: true },
  });
  if (windows) {
    // ole32 has CoIncrementMTAUsage: VSS works, and the CLI prints the warning and its hint.
    assertEquals(r.code, 0, r.stderr);
    const { notice, rest } = splitNotice(r.stderr.replace(/^warning: .*\nhint: .*\n/, ""));
    assertMatch(r.stderr, /^warning: this thread was initialised single-threaded .*\nhint: \S/);
    assertMatch(notice ?? "", /^vss: using simulator VSS /);
    assertEquals(rest, "");
  } else {
    // The simulator's COM has no CoIncrementMTAUsage: a clear error, VSS unavailable.
    assertEquals(r.code, 2, r.stdout);
    const error = r.json().error as { name: string; hint: string; code: string };
    assertEquals(error.name, "ComApartmentError");
    assertEquals(error.code, "RPC_E_CHANGED_MODE");
    assert(error.hint.length > 0);
  }
});
