/**
 * Ctrl-C (SIGINT) while `vss create` runs: the running VSS operation is
 * cancelled, the backup aborted, nothing is left behind, the exit code is 7.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { baseEnv, cliArgs, methods, type Report, type Setup } from "./helpers.ts";

const unix = Deno.build.os !== "windows";
if (!unix) {
  console.log(
    "interrupt_test: Ctrl-C is sent as SIGINT, which Windows processes do not get; skipped",
  );
}

interface Interrupted {
  code: number;
  stdout: string;
  stderr: string;
  report: Report;
  elapsedMs: number;
}

/** Starts `vss ARGS`, waits until stderr matches `ready`, sends SIGINT, and collects the end. */
async function interrupt(args: string[], setup: Setup, ready: RegExp): Promise<Interrupted> {
  const scratch = await Deno.makeTempDir({ prefix: "vss-cli-int-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: cliArgs(args),
      cwd: scratch,
      env: {
        ...baseEnv(),
        VSS_CLI_TEST_SETUP: JSON.stringify(setup),
        VSS_CLI_TEST_REPORT: `${scratch}/report.json`,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = new Response(child.stdout).text();
    let stderr = "";
    const decoder = new TextDecoder();
    const reader = child.stderr.getReader();
    const deadline = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* it ended; something it started holds stderr open */ }
    }, 20_000);
    let sent = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += decoder.decode(value, { stream: true });
      if (sent === 0 && ready.test(stderr)) {
        sent = performance.now();
        child.kill("SIGINT");
      }
    }
    const status = await child.status;
    clearTimeout(deadline);
    assert(sent > 0, `never saw ${ready} on stderr:\n${stderr}`);
    return {
      code: status.code,
      stdout: await stdout,
      stderr,
      report: JSON.parse(await Deno.readTextFile(`${scratch}/report.json`)),
      elapsedMs: performance.now() - sent,
    };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

const HANG_SNAPSHOT: Setup = {
  asyncDelay: [{ method: "IVssBackupComponents::DoSnapshotSet", ms: -1 }],
};

Deno.test(
  "Ctrl-C during DoSnapshotSet cancels it and aborts the backup",
  { ignore: !unix },
  async () => {
    const r = await interrupt(["create", "C:", "--verbose"], HANG_SNAPSHOT, /snapshot start/);
    assertEquals(r.code, 7, r.stderr);
    assertMatch(r.stderr, /error: interrupted: DoSnapshotSet was aborted/);
    assertMatch(r.stderr, /hint: .*nothing was left behind/);
    const calls = methods(r.report);
    assert(calls.includes("IVssAsync::Cancel"), "IVssAsync::Cancel");
    assert(calls.indexOf("IVssBackupComponents::AbortBackup") > calls.indexOf("IVssAsync::Cancel"));
    assertEquals(r.report.snapshots.length, 0);
    assertEquals(r.report.live, { objects: 0, bstrs: 0, cotaskmem: 0 });
  },
);

Deno.test("Ctrl-C of a persistent create leaves no shadow copy either; --json reports it", {
  ignore: !unix,
}, async () => {
  const r = await interrupt(
    ["create", "C:", "--persistent", "--json", "--verbose"],
    HANG_SNAPSHOT,
    /snapshot start/,
  );
  assertEquals(r.code, 7);
  const error = JSON.parse(r.stdout).error;
  assertEquals(error.exitCode, 7);
  assertEquals(r.report.snapshots.length, 0);
  assertEquals(r.report.live.objects, 0);
});

Deno.test("Ctrl-C while gathering writer metadata", { ignore: !unix }, async () => {
  const r = await interrupt(["create", "C:", "-v"], {
    writers: [{ name: "Slow writer" }],
    asyncDelay: [{ method: "IVssBackupComponents::GatherWriterMetadata", ms: -1 }],
  }, /gather-metadata start/);
  assertEquals(r.code, 7);
  assert(methods(r.report).includes("IVssAsync::Cancel"));
  assertEquals(r.report.live.objects, 0);
});

Deno.test("Ctrl-C while --exec runs stops the command and releases the shadow copies", {
  ignore: !unix,
}, async () => {
  const r = await interrupt(
    ["create", "C:", "--exec", "sleep 30 & sleep 31; wait"],
    {},
    /running: sleep 30/,
  );
  assertEquals(r.code, 7, r.stderr);
  assert(r.elapsedMs < 10_000, `took ${r.elapsedMs} ms`);
  assertMatch(r.stderr, /interrupted while the --exec command ran/);
  // The interrupted backup is reported as failed: AbortBackup, never BackupComplete
  // (aborting-vss-operations.md; issue 10), so no writer takes it for a good backup.
  const all = methods(r.report);
  assert(all.includes("IVssBackupComponents::AbortBackup"), all.join(", "));
  assert(!all.includes("IVssBackupComponents::BackupComplete"), all.join(", "));
  assertEquals(r.report.snapshots.length, 0);
  assertEquals(r.report.live.objects, 0);
});
