/**
 * `vss create` against the simulator: the JSON result, every option, the
 * `--exec` hand-over, and the exit codes of injected failures.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import {
  VSS_BACKUP_TYPE,
  VSS_SNAPSHOT_CONTEXT,
  VSS_WRITER_STATE,
} from "../../ffi/generated/enums.ts";
import { callsOf, methods, runCli, workDir, WRITERS } from "./helpers.ts";

type Snapshot = Record<string, unknown>;
const sh = Deno.build.os === "windows";
if (sh) console.log("create_test: the --exec tests run POSIX shell commands; skipped on Windows");

Deno.test("create prints the set as JSON; bigints are strings, dates ISO; nothing is left", async () => {
  const before = Date.now();
  const r = await runCli(["create", "C:", "--json"], { setup: { writers: WRITERS } });
  const after = Date.now();
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, "");
  const out = r.json();
  assertEquals(out.persistent, false);
  assertEquals(out.context, "backup");
  assertEquals(out.backupType, "copy");
  const [s] = out.snapshots as Snapshot[];
  assertEquals(s.setId, out.setId);
  assertEquals(s.volume, "C:\\");
  assertMatch(s.devicePath as string, /HarddiskVolumeShadowCopy1$/);
  assertEquals(typeof s.createdAtTicks, "string");
  // The real clock: made while the CLI ran; the date is the ticks in milliseconds.
  const made = Date.parse(s.createdAt as string);
  assert(made >= before && made <= after, `created at ${s.createdAt}, not in the run`);
  assertEquals(BigInt(s.createdAtTicks as string) / 10000n - 11644473600000n, BigInt(made));
  assertEquals((out.writers as { name: string }[]).map((w) => w.name).sort(), [
    "Files Sim",
    "SQL Sim",
  ]);
  assertEquals((out.completed as { succeeded: boolean }).succeeded, true);
  assertEquals(r.report!.snapshots.length, 0, "non-persistent copies are released");
  assertEquals(r.report!.live, { objects: 0, bstrs: 0, cotaskmem: 0 });
  assert(methods(r.report).includes("IVssBackupComponents::BackupComplete"));
});

Deno.test("create without --json prints a readable summary", async () => {
  const r = await runCli(["create", "c:"]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stdout, /^Shadow copy set [0-9a-f-]{36} \(non-persistent, context backup/);
  assertMatch(r.stdout, /device: +\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1/);
  assertMatch(r.stdout, /non-persistent shadow copies were released/);
});

Deno.test("--persistent --no-writers keeps the copies and skips the writers", async () => {
  const r = await runCli(["create", "C:", "--persistent", "--no-writers", "--json"], {
    setup: { writers: WRITERS },
  });
  assertEquals(r.code, 0, r.stderr);
  const out = r.json();
  assertEquals(out.persistent, true);
  assertEquals(out.writers, []);
  assertEquals(r.report!.snapshots.length, 1);
  assert(!methods(r.report).includes("IVssBackupComponents::GatherWriterMetadata"));
  assert(((out.snapshots as Snapshot[])[0].attributeNames as string[]).includes("persistent"));
});

Deno.test("--context, --backup-type, --provider reach VSS", async () => {
  const r = await runCli([
    "create",
    "C:",
    "--context",
    "client-accessible",
    "--backup-type",
    "full",
    "--provider",
    "{B5946137-7B9F-4925-AF80-51ABD60B20D5}",
    "--json",
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    callsOf(r.report, "IVssBackupComponents::SetContext")[0].args.lContext,
    VSS_SNAPSHOT_CONTEXT.VSS_CTX_CLIENT_ACCESSIBLE,
  );
  assertEquals(
    callsOf(r.report, "IVssBackupComponents::SetBackupState")[0].args.backupType,
    VSS_BACKUP_TYPE.VSS_BT_FULL,
  );
  assertEquals(
    callsOf(r.report, "IVssBackupComponents::AddToSnapshotSet")[0].args.ProviderId,
    "b5946137-7b9f-4925-af80-51abd60b20d5",
  );
  const unknown = await runCli([
    "create",
    "C:",
    "--provider",
    "11111111-2222-3333-4444-555555555555",
    "--json",
  ]);
  assertEquals(unknown.code, 8);
  assertEquals((unknown.json().error as { code: string }).code, "VSS_E_PROVIDER_NOT_REGISTERED");
});

Deno.test("--include-writer and --exclude-writer select writers and components", async () => {
  const excluded = await runCli(["create", "C:", "--exclude-writer", "SQL Sim", "--json"], {
    setup: { writers: WRITERS },
  });
  assertEquals(excluded.code, 0, excluded.stderr);
  assertEquals(
    callsOf(excluded.report, "IVssBackupComponents::DisableWriterInstances")[0].args
      .rgWriterInstanceId,
    ["b0000000-0000-0000-0000-000000000001"],
  );
  const byId = await runCli([
    "create",
    "C:",
    "--include-writer",
    "a0000000-0000-0000-0000-000000000002",
    "--json",
  ], { setup: { writers: WRITERS } });
  assertEquals(byId.code, 0, byId.stderr);
  assertEquals(
    callsOf(byId.report, "IVssBackupComponents::DisableWriterInstances")[0].args.rgWriterInstanceId,
    ["b0000000-0000-0000-0000-000000000001"],
  );
  const component = await runCli([
    "create",
    "C:",
    "--include-writer",
    "name:SQL Sim;component:Instance\\db1",
    "--backup-type",
    "full",
    "--json",
  ], { setup: { writers: WRITERS } });
  assertEquals(component.code, 0, component.stderr);
  const added = callsOf(component.report, "IVssBackupComponents::AddComponent");
  assertEquals(added.map((c) => [c.args.wszLogicalPath, c.args.wszComponentName]), [[
    "Instance",
    "db1",
  ]]);
  const both = await runCli(["create", "C:", "--no-writers", "--include-writer", "x"]);
  assertEquals(both.code, 1);
  const badSelector = await runCli(["create", "C:", "--include-writer", "class:nope"]);
  assertEquals(badSelector.code, 1);
});

Deno.test("--previous-stamp gives an incremental backup the previous stamp of a component", async () => {
  const r = await runCli([
    "create",
    "C:",
    "--include-writer",
    "component:Instance\\db1",
    "--backup-type",
    "incremental",
    "--previous-stamp",
    "a0000000-0000-0000-0000-000000000001:Instance\\db1=stamp-42",
    "--json",
  ], { setup: { writers: WRITERS } });
  assertEquals(r.code, 0, r.stderr);
  const calls = callsOf(r.report, "IVssBackupComponents::SetPreviousBackupStamp");
  assertEquals(calls.map((c) => c.args.wszPreviousBackupStamp), ["stamp-42"]);
  const bad = await runCli(["create", "C:", "--previous-stamp", "no-equals-sign"]);
  assertEquals(bad.code, 1);
});

Deno.test("--save-document writes the backup components document", async () => {
  await using dir = await workDir();
  const file = dir.file("bc.xml");
  const r = await runCli(["create", "C:", "--persistent", "--save-document", file, "--json"], {
    setup: { writers: WRITERS },
  });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.json().document, file);
  assertMatch(
    await Deno.readTextFile(file),
    /snapshotSetId="00000001-0000-0000-0000-000000000001"/,
  );
  const bad = await runCli(["create", "C:", "--save-document", dir.file("no/such/dir/bc.xml")]);
  assertEquals(bad.code, 1);
  assertMatch(bad.stderr, /--save-document .* cannot be written/);
  assertEquals(bad.report!.snapshots.length, 0);
});

Deno.test("--exec runs while the shadow copies exist, with their ids and devices", {
  ignore: sh,
}, async () => {
  await using dir = await workDir();
  const out = dir.file("env.txt");
  const r = await runCli([
    "create",
    "C:",
    "D:",
    "--exec",
    `env | grep '^SHADOW_' | sort > '${out}'; echo from-exec`,
    "--json",
  ], { setup: { volumes: [{ name: "D:\\" }] } });
  assertEquals(r.code, 0, r.stderr);
  const result = r.json();
  assertEquals((result.exec as { exitCode: number }).exitCode, 0);
  assert(r.stderr.includes("from-exec"), "the command's stdout goes to stderr with --json");
  const env = Object.fromEntries(
    (await Deno.readTextFile(out)).trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  const snaps = result.snapshots as Snapshot[];
  assertEquals(env.SHADOW_SET_ID, result.setId);
  assertEquals(env.SHADOW_COUNT, "2");
  assertEquals(env.SHADOW_ID_1, snaps[0].id);
  assertEquals(env.SHADOW_DEVICE_2, snaps[1].devicePath);
  assertEquals(env.SHADOW_VOLUME_2, "D:\\");
  assertEquals(r.report!.snapshots.length, 0);
});

Deno.test("a failing --exec command reports the backup as failed and exits with 9", {
  ignore: sh,
}, async () => {
  const r = await runCli([
    "create",
    "C:",
    "--include-writer",
    "component:Instance\\db1",
    "--exec",
    "exit 3",
    "--json",
  ], {
    setup: { writers: WRITERS },
  });
  assertEquals(r.code, 9);
  const error = r.json().error as { details: { exec: { exitCode: number } } };
  assertEquals(error.details.exec.exitCode, 3);
  const succeeded = callsOf(r.report, "IVssBackupComponents::SetBackupSucceeded");
  assertEquals(succeeded.map((c) => c.args.bSucceded), [false]);
  assertEquals(r.report!.snapshots.length, 0);
});

Deno.test("injected failures map to documented exit codes with hints", async () => {
  const denied = await runCli(["create", "C:", "--json"], {
    setup: {
      fail: [{ method: "IVssBackupComponents::AddToSnapshotSet", hr: HRESULT.E_ACCESSDENIED }],
    },
  });
  assertEquals(denied.code, 3);
  const e3 = denied.json().error as Record<string, string>;
  assertEquals(e3.name, "NotElevatedError");
  assertMatch(e3.hint, /administrator/i);
  assertEquals(e3.code, "E_ACCESSDENIED");
  assertEquals(denied.report!.snapshots.length, 0);

  const unsupported = await runCli(["create", "E:"], {
    setup: { volumes: [{ name: "E:\\", supported: false }] },
  });
  assertEquals(unsupported.code, 5);
  assertMatch(unsupported.stderr, /^error: no shadow copy provider supports volume E:\\\nhint: /);

  const storage = await runCli(["create", "C:"], {
    setup: {
      failAsync: [{
        method: "IVssBackupComponents::DoSnapshotSet",
        hr: HRESULT.VSS_E_INSUFFICIENT_STORAGE,
      }],
    },
  });
  assertEquals(storage.code, 5);
  assertEquals(storage.report!.snapshots.length, 0);

  // Another set in progress: retried (1 s, then 2 s, ...) until --in-progress-timeout.
  const busy = await runCli(["create", "C:", "--in-progress-timeout", "2s", "--json"], {
    setup: {
      fail: [{
        method: "IVssBackupComponents::StartSnapshotSet",
        hr: HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS,
        times: -1,
      }],
    },
  });
  assertEquals(busy.code, 6);
  const e5 = busy.json().error as { name: string; message: string };
  assertEquals(e5.name, "SnapshotSetInProgressError");
  assertMatch(e5.message, /StartSnapshotSet gave up after 2 attempt\(s\)/);
  assertEquals(callsOf(busy.report, "IVssBackupComponents::StartSnapshotSet").length, 2);

  const writer = await runCli(["create", "C:", "--include-writer", "SQL Sim", "--json"], {
    setup: {
      writers: [{
        ...WRITERS![0],
        status: {
          state: VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_BACKUP,
          failure: HRESULT.VSS_E_WRITERERROR_RETRYABLE,
        },
      }],
    },
  });
  assertEquals(writer.code, 4);
  const e4 = writer.json().error as { name: string; details: { writers: { name: string }[] } };
  assertEquals(e4.name, "WriterFailureError");
  assertEquals(e4.details.writers.map((w) => w.name), ["SQL Sim"]);
  assert(methods(writer.report).includes("IVssBackupComponents::AbortBackup"));
  assertEquals(writer.report!.snapshots.length, 0);

  const other = await runCli(["create", "C:"], {
    setup: {
      fail: [{ method: "IVssBackupComponents::PrepareForBackup", hr: HRESULT.VSS_E_BAD_STATE }],
    },
  });
  assertEquals(other.code, 8);
  assertMatch(other.stderr, /VSS_E_BAD_STATE/);
});

Deno.test("--retries and --retry-delay: transient DoSnapshotSet failures make the set again", async () => {
  const setup = {
    failAsync: [{
      method: "IVssBackupComponents::DoSnapshotSet",
      hr: HRESULT.VSS_E_FLUSH_WRITES_TIMEOUT,
    }],
  };
  const snapshots = (r: Awaited<ReturnType<typeof runCli>>) =>
    callsOf(r.report, "IVssBackupComponents::DoSnapshotSet").length;
  const twice = await runCli(
    ["create", "C:", "--retries", "2", "--retry-delay", "10ms", "--verbose", "--json"],
    { setup },
  );
  assertEquals(twice.code, 7, twice.stderr);
  assertEquals((twice.json().error as { code: string }).code, "VSS_E_FLUSH_WRITES_TIMEOUT");
  assertEquals(snapshots(twice), 3, "the first attempt and two retries");
  assertMatch(twice.stderr, /retry 2 of 2/);
  assertEquals(twice.report!.snapshots.length, 0);
  const none = await runCli(["create", "C:", "--retries", "0", "--json"], { setup });
  assertEquals(none.code, 7);
  assertEquals(snapshots(none), 1);
  for (
    const args of [
      ["--retries", "-1"],
      ["--retries", "two"],
      ["--retry-delay", "soon"],
      ["--in-progress-timeout", "30d"],
    ]
  ) {
    const bad = await runCli(["create", "C:", ...args, "--json"]);
    assertEquals(bad.code, 1, args.join(" "));
    assertMatch((bad.json().error as { message: string }).message, new RegExp(args[0]));
  }
});

Deno.test("a phase deadline cancels the operation and exits with 7", async () => {
  const r = await runCli(["create", "C:", "--timeout-snapshot", "300ms", "--json"], {
    setup: { asyncDelay: [{ method: "IVssBackupComponents::DoSnapshotSet", ms: -1 }] },
  });
  assertEquals(r.code, 7);
  const error = r.json().error as {
    message: string;
    hint: string;
    details: { reason: string; phase: string };
  };
  // The message no longer carries the milliseconds (the deadline is a signal now); which
  // deadline passed is in the error's fields, and the hint names the option to raise.
  assertMatch(error.message, /DoSnapshotSet timed out during snapshot/);
  assertEquals(error.details.reason, "deadline");
  assertEquals(error.details.phase, "snapshot");
  assertMatch(error.hint, /--timeout-snapshot/);
  const all = methods(r.report);
  assert(all.includes("IVssAsync::Cancel"));
  assert(all.includes("IVssBackupComponents::AbortBackup"));
  assertEquals(r.report!.snapshots.length, 0);
  assertEquals(r.report!.live.objects, 0);
  const bad = await runCli(["create", "C:", "--timeout", "soon"]);
  assertEquals(bad.code, 1);
});

Deno.test("a deadline no timer can wait for is a usage error naming the option", async () => {
  // 600 hours and 30 days exceed the 2^31-1 ms a timer can wait: refused up front
  // (before, `--timeout 600h` fired at once and a 30-day deadline failed after 23 ms).
  for (const args of [["--timeout", "600h"], ["--timeout-snapshot", "2592000"]]) {
    const r = await runCli(["create", "C:", ...args, "--json"]);
    assertEquals(r.code, 1, r.stdout);
    const error = r.json().error as { name: string; message: string; hint: string };
    assertEquals(error.name, "UsageError");
    assertMatch(error.message, new RegExp(`^${args[0]} ${args[1]} is out of range`));
    assertMatch(error.hint, /at most 24 days/);
    assertEquals(methods(r.report).filter((m) => m.startsWith("IVssBackupComponents::")), []);
  }
  const zero = await runCli(["create", "C:", "--timeout-prepare", "0.1ms"]);
  assertEquals(zero.code, 1);
  assertMatch(zero.stderr, /^error: --timeout-prepare 0\.1ms is out of range/);
  const longest = await runCli(["create", "C:", "--timeout", "596h", "--json"]);
  assertEquals(longest.code, 0, longest.stdout);
});

Deno.test("no VSS to load exits with 2 and says what to do", async () => {
  const windows = Deno.build.os === "windows";
  const missing = windows ? "C:\\nonexistent\\vss_sim.dll" : "/nonexistent/libvss.so";
  const runs = [await runCli(["create", "C:", "--json", `--simulator=${missing}`], { bare: true })];
  // Outside Windows the environment variable still chooses the library, as in the library.
  if (!windows) {
    runs.push(
      await runCli(["create", "C:", "--json"], {
        bare: true,
        env: { VSS_LIBRARY_PATH: missing },
      }),
    );
  }
  for (const r of runs) {
    assertEquals(r.code, 2, r.stderr);
    const error = r.json().error as { name: string; message: string; hint: string };
    assertEquals(error.name, "VssUnavailableError");
    assert(error.message.includes(missing), error.message);
    assert(error.hint.length > 0);
  }
});
