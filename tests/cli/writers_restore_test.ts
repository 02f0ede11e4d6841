/**
 * `vss writers metadata|status` and `vss restore` against the simulator's
 * writers.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VSS_FILE_RESTORE_STATUS, VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";
import { callsOf, methods, runCli, workDir, WRITERS } from "./helpers.ts";

type Writer = Record<string, unknown> & { name: string };
const unix = Deno.build.os !== "windows";
if (!unix) {
  console.log(
    "writers_restore_test: the restore --exec test runs a POSIX shell command; skipped on Windows",
  );
}

Deno.test("writers metadata: identity, components and files as JSON and text", async () => {
  const r = await runCli(["writers", "metadata", "--json"], { setup: { writers: WRITERS } });
  assertEquals(r.code, 0, r.stderr);
  const writers = r.json().writers as Writer[];
  assertEquals(writers.map((w) => w.name), ["SQL Sim", "Files Sim"]);
  const sql = writers[0] as Writer & {
    components: { name: string; databases: { filespec: string }[] }[];
  };
  assertEquals(sql.writerId, "a0000000-0000-0000-0000-000000000001");
  assertEquals(sql.components[0].name, "db1");
  assertEquals(sql.components[0].databases[0].filespec, "db1.mdf");

  const one = await runCli([
    "writers",
    "metadata",
    "--writer",
    "b0000000-0000-0000-0000-000000000002",
    "--json",
  ], {
    setup: { writers: WRITERS },
  });
  assertEquals((one.json().writers as Writer[]).map((w) => w.name), ["Files Sim"]);
  const byComponent = await runCli([
    "writers",
    "metadata",
    "--writer",
    "component:Instance\\db1",
    "--json",
  ], {
    setup: { writers: WRITERS },
  });
  assertEquals((byComponent.json().writers as Writer[]).map((w) => w.name), ["SQL Sim"]);

  const text = await runCli(["writers", "metadata"], { setup: { writers: WRITERS } });
  assertMatch(text.stdout, /^Writer SQL Sim\n/);
  assertMatch(text.stdout, /Instance\\db1 \[database\]/);
  assertMatch(text.stdout, /database C:\\sql\\db1\.mdf/);
  const none = await runCli(["writers", "metadata"]);
  assertEquals(none.stdout, "No writers.\n");
});

Deno.test("writers status: states, and --check exits with 4 on a failed writer", async () => {
  const ok = await runCli(["writers", "status", "--check", "--json"], {
    setup: { writers: WRITERS },
  });
  assertEquals(ok.code, 0, ok.stderr);
  const status = ok.json().writers as { name: string; stateName: string; failed: boolean }[];
  assertEquals(status.map((s) => [s.name, s.stateName, s.failed]), [
    ["SQL Sim", "VSS_WS_STABLE", false],
    ["Files Sim", "VSS_WS_STABLE", false],
  ]);
  const failing = {
    writers: [WRITERS![0], {
      ...WRITERS![1],
      status: {
        state: VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_BACKUP,
        failure: HRESULT.VSS_E_WRITERERROR_RETRYABLE,
        message: "disk busy",
      },
    }],
  };
  const checked = await runCli(["writers", "status", "--check"], { setup: failing });
  assertEquals(checked.code, 4);
  assertMatch(checked.stdout, /Files Sim +failed_at_prepare_backup +VSS_E_WRITERERROR_RETRYABLE/);
  assertMatch(checked.stdout, /Files Sim: disk busy/);
  const unchecked = await runCli(["writers", "status"], { setup: failing });
  assertEquals(unchecked.code, 0);
  const slow = await runCli(["writers", "status", "--timeout", "200ms", "--json"], {
    setup: {
      writers: WRITERS,
      asyncDelay: [{ method: "IVssBackupComponents::GatherWriterMetadata", ms: -1 }],
    },
  });
  assertEquals(slow.code, 7);
});

async function savedBackup(dir: { file(name: string): string }): Promise<string> {
  const file = dir.file("bc.xml");
  const r = await runCli([
    "create",
    "C:",
    "--include-writer",
    "component:Instance\\db1",
    "--backup-type",
    "full",
    "--save-document",
    file,
  ], { setup: { writers: WRITERS } });
  assertEquals(r.code, 0, r.stderr);
  return file;
}

Deno.test("restore --list shows the document's components", async () => {
  await using dir = await workDir();
  const file = await savedBackup(dir);
  const r = await runCli(["restore", file, "--list", "--json"], { setup: { writers: WRITERS } });
  assertEquals(r.code, 0, r.stderr);
  const components = r.json().components as { path: string; writerId: string }[];
  assertEquals(components.map((c) => [c.path, c.writerId]), [[
    "Instance\\db1",
    "a0000000-0000-0000-0000-000000000001",
  ]]);
  const text = await runCli(["restore", file, "--list"]);
  assertMatch(text.stdout, /^COMPONENT +TYPE +BACKED UP +WRITER\nInstance\\db1 +database/);
  const mixed = await runCli(["restore", file, "--list", "--simulate"]);
  assertEquals(mixed.code, 1);
});

Deno.test("restore --simulate runs the sequence, copies nothing and prints the plan", async () => {
  await using dir = await workDir();
  const file = await savedBackup(dir);
  const r = await runCli(
    ["restore", file, "--component", "Instance\\db1", "--simulate", "--json"],
    {
      setup: { writers: WRITERS },
    },
  );
  assertEquals(r.code, 0, r.stderr);
  const out = r.json();
  assertEquals(out.simulate, true);
  const plan = out.plan as {
    path: string;
    writerName: string;
    files: { kind: string; filespec: string }[];
  }[];
  assertEquals(plan.map((c) => [c.path, c.writerName]), [["Instance\\db1", "SQL Sim"]]);
  assertEquals(plan[0].files.map((f) => `${f.kind}:${f.filespec}`), [
    "database:db1.mdf",
    "log:db1.ldf",
  ]);
  assertEquals(out.results, { "Instance\\db1": "none" });
  const order = methods(r.report).filter((m) =>
    /::(PreRestore|PostRestore|SetFileRestoreStatus|SetSelectedForRestore(Ex)?)$/.test(m)
  );
  assertEquals(order.map((m) => m.split("::")[1]), [
    "SetSelectedForRestoreEx",
    "PreRestore",
    "SetFileRestoreStatus",
    "PostRestore",
  ]);
  const status = callsOf(r.report, "IVssBackupComponents::SetFileRestoreStatus")[0];
  assertEquals(status.args.status, VSS_FILE_RESTORE_STATUS.VSS_RS_NONE);

  const verbose = await runCli(["restore", file, "--all-components", "--simulate", "-v"], {
    setup: { writers: WRITERS },
  });
  const phases = verbose.stderr.trim().split("\n").map((l) => l.replace(/^\[ *[\d.]+s\] /, ""));
  // The restore runs in the requester's one session object now, which reports opening the
  // session ("initialize") for a restore as it always did for a backup.
  assertEquals(phases.filter((p) => p.endsWith(" start")), [
    "initialize start",
    "gather-metadata start",
    "pre-restore start",
    "copy start",
    "post-restore start",
  ]);

  const all = await runCli(["restore", file, "--all-components", "--simulate"], {
    setup: { writers: WRITERS },
  });
  assertEquals(all.code, 0, all.stderr);
  assertMatch(
    all.stdout,
    /^Restore rehearsed \(nothing copied\):\n {2}Instance\\db1 {2}\(SQL Sim, to original location\)/,
  );

  const unknown = await runCli(["restore", file, "--component", "Nope\\x", "--simulate"], {
    setup: { writers: WRITERS },
  });
  assertEquals(unknown.code, 1);
  assertMatch(unknown.stderr, /no component Nope\\x/);
  const neither = await runCli(["restore", file, "--component", "Instance\\db1"]);
  assertEquals(neither.code, 1);
  const both = await runCli(["restore", file, "--all-components", "--simulate", "--exec", "true"]);
  assertEquals(both.code, 1);
});

Deno.test("restore --exec copies with the user's command; its failure is reported and exits 9", {
  ignore: !unix,
}, async () => {
  await using dir = await workDir();
  const file = await savedBackup(dir);
  const seen = dir.file("seen.txt");
  const r = await runCli([
    "restore",
    file,
    "--component",
    "a0000000-0000-0000-0000-000000000001:Instance\\db1",
    "--exec",
    `echo "$RESTORE_COMPONENT_COUNT $RESTORE_COMPONENT_1 $RESTORE_WRITER_NAME_1" > '${seen}'; cat "$RESTORE_PLAN" >> '${seen}'`,
    "--json",
  ], { setup: { writers: WRITERS } });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.json().results, { "Instance\\db1": "all" });
  const [first, ...rest] = (await Deno.readTextFile(seen)).split("\n");
  assertEquals(first, "1 Instance\\db1 SQL Sim");
  assertEquals(JSON.parse(rest.join("\n")).components[0].path, "Instance\\db1");
  assertEquals(
    callsOf(r.report, "IVssBackupComponents::SetFileRestoreStatus")[0].args.status,
    VSS_FILE_RESTORE_STATUS.VSS_RS_ALL,
  );

  const failed = await runCli(["restore", file, "--all-components", "--exec", "exit 2", "--json"], {
    setup: { writers: WRITERS },
  });
  assertEquals(failed.code, 9);
  assertEquals(
    callsOf(failed.report, "IVssBackupComponents::SetFileRestoreStatus")[0].args.status,
    VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED,
  );
  assert(methods(failed.report).includes("IVssBackupComponents::PostRestore"));
});

Deno.test("restore: a writer failing PreRestore exits with 4", async () => {
  await using dir = await workDir();
  const file = await savedBackup(dir);
  const r = await runCli(["restore", file, "--all-components", "--simulate", "--json"], {
    setup: {
      writers: [{
        ...WRITERS![0],
        status: {
          state: VSS_WRITER_STATE.VSS_WS_FAILED_AT_PRE_RESTORE,
          failure: HRESULT.VSS_E_WRITERERROR_NONRETRYABLE,
        },
      }],
    },
  });
  assertEquals(r.code, 4);
  assertEquals((r.json().error as { name: string }).name, "WriterFailureError");
  const missing = await runCli(["restore", dir.file("none.xml"), "--list"]);
  assertEquals(missing.code, 1);
});
