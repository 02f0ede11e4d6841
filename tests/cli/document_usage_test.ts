/**
 * `vss create --save-document`: the document is written after completion (it
 * records what was backed up), a path that cannot be written is a usage error
 * before any VSS work, and a failed write after completion says what was
 * kept. A writer veto is exit 4 naming the writer. And for every command: bad option values are usage errors reported
 * before VSS is opened (no notice, no VSS call).
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";
import { methods, runCli, workDir, WRITERS } from "./helpers.ts";

const sh = Deno.build.os === "windows";
if (sh) {
  console.log("document_usage_test: the --exec cases run POSIX shell commands; skipped on Windows");
}

Deno.test("--save-document is written after completion: it records the components as backed up", async () => {
  await using dir = await workDir();
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
  assertMatch(r.stdout, /document \(after completion\) saved to /);
  const calls = methods(r.report);
  const saved = calls.lastIndexOf("IVssBackupComponents::SaveAsXML");
  assert(saved > calls.indexOf("IVssBackupComponents::BackupComplete"), calls.join(" "));
  assertMatch(await Deno.readTextFile(file), /name="db1"[^>]*backupSucceeded="1"/);
});

Deno.test(
  "--save-document with --exec: the command sees the live document, the final one replaces it",
  {
    ignore: sh,
  },
  async () => {
    await using dir = await workDir();
    const file = dir.file("bc.xml");
    const seen = dir.file("seen.xml");
    const r = await runCli([
      "create",
      "C:",
      "--include-writer",
      "component:Instance\\db1",
      "--save-document",
      file,
      "--exec",
      `cp "$SHADOW_DOCUMENT" '${seen}'`,
    ], { setup: { writers: WRITERS } });
    assertEquals(r.code, 0, r.stderr);
    assertMatch(await Deno.readTextFile(seen), /name="db1"[^>]*backupSucceeded="-1"/);
    assertMatch(await Deno.readTextFile(file), /name="db1"[^>]*backupSucceeded="1"/);
  },
);

Deno.test("--save-document that cannot be written: a usage error before any VSS work", async () => {
  await using dir = await workDir();
  const missing = dir.file("no/such/dir/bc.xml");
  const r = await runCli(["create", "C:", "--persistent", "--save-document", missing]);
  assertEquals(r.code, 1, r.stderr);
  assertMatch(r.stderr, /--save-document .* cannot be written/);
  assertMatch(r.stderr, /nothing was snapshotted/);
  assertEquals(r.notice, null, "no notice before a usage error");
  assertEquals(methods(r.report), [], "no VSS call");
  const fresh = dir.file("fresh.xml");
  const ok = await runCli(["create", "C:", "--save-document", fresh, "--timeout", "0"]);
  assertEquals(ok.code, 1, "the check made no file behind a later usage error");
  await Deno.lstat(fresh).then(
    () => assert(false, "the check left the file behind"),
    () => {},
  );
});

Deno.test(
  "a document that cannot be written after completion: exit 8, saying what was kept, the text in --json",
  {
    ignore: sh,
  },
  async () => {
    await using dir = await workDir();
    const file = dir.file("bc.xml");
    // The command turns the document's path into a folder, so the final write fails.
    const r = await runCli([
      "create",
      "C:",
      "--persistent",
      "--save-document",
      file,
      "--exec",
      `rm -f '${file}' && mkdir '${file}'`,
      "--json",
    ], { setup: { writers: WRITERS } });
    assertEquals(r.code, 8, r.stderr);
    const error = r.json().error as {
      message: string;
      hint: string;
      details: { setId: string; persistent: boolean; document: string };
    };
    assertMatch(error.message, /^cannot write the backup components document to /);
    assertMatch(error.hint, /completed and reported to the writers as succeeded/);
    assertMatch(error.hint, /persistent shadow copies of set .* are kept; delete them with/);
    assertMatch(error.hint, /not saved/);
    assertEquals(error.details.persistent, true);
    assertMatch(error.details.document, /VssSimBackupComponents/);
    assertEquals(r.report!.snapshots.length, 1, "the persistent shadow copy is kept, as said");
    assert(methods(r.report).includes("IVssBackupComponents::BackupComplete"));
  },
);

const BAD_VALUES: [string, string[], RegExp][] = [
  ["create", ["C:", "--timeout-snapshot", "600h"], /--timeout-snapshot 600h is out of range/],
  ["create", ["C:", "--timeout", "soon"], /--timeout needs a duration/],
  ["create", ["C:", "--retries", "-1"], /--retries needs a whole number/],
  ["create", ["C:", "--retry-delay", "1y"], /--retry-delay needs a duration/],
  ["create", ["C:", "--provider", "nope"], /--provider needs a GUID/],
  ["create", ["C:", "--include-writer", "class:x"], /class: needs a GUID/],
  ["create", ["C:", "--previous-stamp", "x"], /cannot read --previous-stamp/],
  ["create", ["C:", "C:\\"], /volume C:\\ is given twice/],
  [
    "copy",
    ["/tmp", "/tmp/x", "--concurrency", "0"],
    /--concurrency needs a whole number from 1 to 64/,
  ],
  ["list", ["--set", "123"], /--set needs a GUID/],
  ["delete", ["--id", "123"], /--id needs a GUID/],
  [
    "break",
    ["--set", "7a1f0000-0000-0000-0000-000000000000", "--flags", "x"],
    /--flags needs a whole number/,
  ],
  ["diff-areas", ["resize", "C:", "C:", "--max", "lots"], /--max needs a size/],
  ["writers", ["status", "--timeout", "0"], /--timeout 0 is out of range/],
  // Checks across options and of input files come before VSS too.
  ["delete", [], /one of --id, --set, --all, --oldest is required/],
  ["delete", ["--all", "--oldest", "C:"], /--all and --oldest cannot be used together/],
  ["restore", ["missing.xml", "--list"], /cannot read missing\.xml/],
  ["restore", ["missing.xml", "--list", "--simulate"], /--list cannot be combined with --simulate/],
  ["expose", ["7a1f0000-0000-0000-0000-000000000000"], /expose needs a TARGET/],
  ["break", [], /break needs --set ID/],
  ["diff-areas", ["resize", "C:", "C:"], /--max SIZE is required/],
  ["copy", ["missing-source", "dest"], /the source missing-source does not exist/],
];

Deno.test("bad option values are usage errors before VSS is opened: no notice, no VSS call", async () => {
  for (const [command, args, message] of BAD_VALUES) {
    const r = await runCli([...command.split(" "), ...args]);
    const what = `${command} ${args.join(" ")}`;
    assertEquals(r.code, 1, `${what}: ${r.stderr}`);
    assertMatch(r.stderr, message, what);
    assertEquals(r.notice, null, `${what}: the usage error comes before the notice`);
    assertEquals(methods(r.report), [], `${what}: no VSS call`);
  }
});

Deno.test("a writer veto of DoSnapshotSet: exit 4, the writer named with its state and code, retryable in --json", async () => {
  const [sql, files] = WRITERS!;
  const r = await runCli(["create", "C:", "--json"], {
    setup: {
      writers: [
        {
          ...sql,
          veto: {
            state: VSS_WRITER_STATE.VSS_WS_FAILED_AT_FREEZE,
            failure: HRESULT.VSS_E_WRITERERROR_TIMEOUT,
            message: "log busy",
          },
        },
        files,
      ],
    },
  });
  assertEquals(r.code, 4, r.stdout);
  const error = r.json().error as {
    name: string;
    message: string;
    code: string;
    details: { retryable: boolean; writers: { name: string; stateName: string }[] };
  };
  assertEquals(error.name, "WriterFailureError");
  assertMatch(error.message, /^DoSnapshotSet was vetoed by 1 writer/);
  assertEquals(error.code, "VSS_E_WRITERERROR_RETRYABLE");
  assertEquals(error.details.retryable, true);
  assertEquals(error.details.writers.map((w) => [w.name, w.stateName]), [
    ["SQL Sim", "VSS_WS_FAILED_AT_FREEZE"],
  ]);
  assertEquals(r.report!.snapshots.length, 0, "nothing left");
});

Deno.test("a writer that fails at Identify can be excluded by name or bare class GUID: it is disabled, the full backup goes on", async () => {
  const [sql, files] = WRITERS!;
  const setup = {
    writers: [
      {
        ...sql,
        veto: {
          state: VSS_WRITER_STATE.VSS_WS_FAILED_AT_IDENTIFY,
          failure: HRESULT.VSS_E_WRITERERROR_NONRETRYABLE,
        },
      },
      files,
    ],
  };
  for (const selector of [sql.name, sql.writerId!, `instance:${sql.instanceId}`]) {
    const args = ["create", "C:", "--backup-type", "full", "--exclude-writer", selector, "--json"];
    const r = await runCli(args, { setup });
    assertEquals(r.code, 0, `${selector}: ${r.stdout}`);
    assertEquals((r.json().writers as { name: string }[]).map((w) => w.name), [files.name]);
    assertEquals(r.json().degradedWriters, [], selector);
    const disabled = r.report!.calls.filter((c) => c.method.endsWith("DisableWriterInstances"));
    assertEquals(disabled.map((c) => c.args.rgWriterInstanceId), [[sql.instanceId]], selector);
  }
  // Included, it is needed: exit 4 naming it (before, a selector "matching nothing", exit 8).
  const included = await runCli(["create", "C:", "--include-writer", sql.name, "--json"], {
    setup,
  });
  assertEquals(included.code, 4, included.stdout);
  assertMatch(
    (included.json().error as { message: string }).message,
    /^GatherWriterMetadata was vetoed by 1 writer.*SQL Sim/,
  );
});
