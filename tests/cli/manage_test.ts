/**
 * Managing existing shadow copies from the CLI: list, delete, expose,
 * unexpose, break, revert and import. The shadow copies are made by the
 * preload hook before the CLI starts (the simulator keeps them per process).
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VSS_OBJECT_TYPE } from "../../ffi/generated/enums.ts";
import { callsOf, runCli, type Setup, workDir } from "./helpers.ts";
import { createShadowCopySet } from "../../mod.ts";
import { openSimulator } from "../../simulator/control.ts";

type Listed = Record<string, unknown> & { id: string; setId: string };

const SET = (n: number) => `00000001-0000-0000-0000-00000000000${n}`;
const SNAP = (n: number) => `00000002-0000-0000-0000-00000000000${n}`;
/** Three persistent sets: two shadow copies of C:, one of C: and D: together. */
const THREE: Setup = {
  volumes: [{ name: "D:\\" }],
  sets: [{ volumes: ["C:\\"] }, { volumes: ["C:\\"] }, { volumes: ["C:\\", "D:\\"] }],
};

Deno.test("list: every shadow copy, one set, one id, one volume; JSON and text", async () => {
  const before = Date.now();
  const all = await runCli(["list", "--json"], { setup: THREE });
  const after = Date.now();
  assertEquals(all.code, 0, all.stderr);
  const copies = all.json().shadowCopies as Listed[];
  assertEquals(copies.map((s) => s.id), [SNAP(1), SNAP(2), SNAP(3), SNAP(4)]);
  assertEquals(copies[0].volumeDisplayName, "C:\\");
  assertEquals(copies[3].volumeDisplayName, "D:\\");
  // The real clock: made during the run; the ticks say the same to the millisecond.
  const made = Date.parse(copies[0].createdAt as string);
  assert(made >= before && made <= after, `created at ${copies[0].createdAt}, not in the run`);
  assertEquals(BigInt(copies[0].createdAtTicks as string) / 10000n - 11644473600000n, BigInt(made));

  const set = await runCli(["list", "--set", `{${SET(3).toUpperCase()}}`, "--json"], {
    setup: THREE,
  });
  assertEquals((set.json().shadowCopies as Listed[]).map((s) => s.id), [SNAP(3), SNAP(4)]);
  const one = await runCli(["list", "--id", SNAP(2), "--json"], { setup: THREE });
  assertEquals((one.json().shadowCopies as Listed[]).map((s) => s.id), [SNAP(2)]);
  const volume = await runCli(["list", "--volume", "d:", "--json"], { setup: THREE });
  assertEquals((volume.json().shadowCopies as Listed[]).map((s) => s.id), [SNAP(4)]);

  const text = await runCli(["list"], { setup: THREE });
  assertMatch(text.stdout, new RegExp(`^Shadow copy set ${SET(1)} \\(1 shadow copy\\)`));
  assertMatch(text.stdout, /4 shadow copies in 3 set\(s\)\.\n$/);
  const none = await runCli(["list"]);
  assertEquals(none.stdout, "No shadow copies.\n");
  const empty = await runCli(["list", "--json"]);
  assertEquals(empty.json(), { shadowCopies: [] });
});

Deno.test("delete --id, --set and --oldest", async () => {
  const byId = await runCli(["delete", "--id", SNAP(2), "--json"], { setup: THREE });
  assertEquals(byId.code, 0, byId.stderr);
  assertEquals(byId.json().deleted, 1);
  assertEquals(byId.report!.snapshots.length, 3);

  const bySet = await runCli(["delete", "--set", SET(3), "--json"], { setup: THREE });
  assertEquals(bySet.json(), { target: { setId: SET(3) }, deleted: 2 });
  assertEquals(bySet.report!.snapshots.length, 2);

  const oldest = await runCli(["delete", "--oldest", "C:", "--json"], { setup: THREE });
  assertEquals(oldest.json().deleted, 1);
  assertEquals(
    oldest.report!.snapshots.map((s) => s.id ?? s.snapshotId).includes(SNAP(1)),
    false,
    "the oldest shadow copy of C: is gone",
  );
  assertEquals(oldest.report!.snapshots.length, 3);

  const missing = await runCli(["delete", "--id", SNAP(9), "--json"], { setup: THREE });
  assertEquals(missing.code, 8);
  const error = missing.json().error as { code: string; hint: string };
  assertEquals(error.code, "VSS_E_OBJECT_NOT_FOUND");
  assertMatch(error.hint, /vss list/);

  const two = await runCli(["delete", "--id", SNAP(1), "--set", SET(1)]);
  assertEquals(two.code, 1);
  assertMatch(two.stderr, /cannot be used together/);
  const none = await runCli(["delete"]);
  assertEquals(none.code, 1);
});

Deno.test("delete --oldest is the requester's deleteShadowCopies({ oldest }): any name of the volume", async () => {
  const listedCopies = await runCli(["list", "--json"], { setup: THREE });
  const guidName = (listedCopies.json().shadowCopies as Listed[])[0].originalVolumeName as string;
  assertMatch(guidName, /^\\\\\?\\Volume\{/);
  for (const name of [guidName, guidName.toUpperCase().replace(/\\$/, ""), "c:", "C:\\"]) {
    const r = await runCli(["delete", "--oldest", name, "--json"], { setup: THREE });
    assertEquals(r.code, 0, r.stdout);
    assertEquals(r.json().deleted, 1, name);
    const calls = callsOf(r.report, "IVssBackupComponents::DeleteSnapshots");
    assertEquals(
      calls.map((c) => [c.args.SourceObjectId, c.args.eSourceObjectType]),
      [[SNAP(1), VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT]],
      `one DeleteSnapshots call for the oldest shadow copy of ${name}`,
    );
  }
  const onlyD = await runCli(["delete", "--oldest", "d:", "--json"], { setup: THREE });
  assertEquals(onlyD.json(), { target: { oldest: "D:\\" }, deleted: 1 });
  assertEquals(
    onlyD.report!.snapshots.map((s) => s.id ?? s.snapshotId).includes(SNAP(4)),
    false,
    "D:'s only shadow copy (the newest of all) is gone",
  );
  const none = await runCli(["delete", "--oldest", "E:"], { setup: THREE });
  assertEquals(none.code, 0, none.stderr);
  assertEquals(none.stdout, "E:\\ has no shadow copies; nothing was deleted.\n");
  assertEquals(callsOf(none.report, "IVssBackupComponents::DeleteSnapshots"), []);
  assertEquals(none.report!.snapshots.length, 4);
});

Deno.test("list --volume takes any name of the volume (the requester resolves it)", async () => {
  const byGuid = await runCli(
    ["list", "--volume", "\\\\?\\VOLUME{00000003-0000-0000-0000-000000000002}", "--json"],
    { setup: THREE },
  );
  assertEquals(byGuid.code, 0, byGuid.stderr);
  const copies = byGuid.json().shadowCopies as Listed[];
  assertEquals(copies.map((s) => s.id), [SNAP(4)]);
  assertEquals(copies[0].volumeDisplayName, "D:\\");
  const unknown = await runCli(["list", "--volume", "E:", "--json"], { setup: THREE });
  assertEquals(unknown.json(), { shadowCopies: [] });
});

Deno.test("delete --all asks first: no keeps everything (exit 7), yes or --yes deletes", async () => {
  const declined = await runCli(["delete", "--all"], { setup: THREE, stdin: "n\n" });
  assertEquals(declined.code, 7);
  assertMatch(declined.stderr, /Delete all 4 shadow copies on this system\? \[y\/N\]/);
  assertEquals(declined.report!.snapshots.length, 4);

  const eof = await runCli(["delete", "--all"], { setup: THREE });
  assertEquals(eof.code, 7, "no answer counts as no");
  assertEquals(eof.report!.snapshots.length, 4);

  const accepted = await runCli(["delete", "--all", "--json"], { setup: THREE, stdin: "y\n" });
  assertEquals(accepted.code, 0, accepted.stderr);
  assertEquals(accepted.json().deleted, 4);
  assertEquals(accepted.report!.snapshots.length, 0);

  const forced = await runCli(["delete", "--all", "-y"], { setup: THREE });
  assertEquals(forced.code, 0);
  assertEquals(forced.stdout, "Deleted 4 shadow copies.\n");

  const nothing = await runCli(["delete", "--all", "--json"]);
  assertEquals(nothing.json(), { target: { all: true }, deleted: 0 });
});

Deno.test("expose locally and as a share, then unexpose", async () => {
  const local = await runCli(["expose", SNAP(1), "X:", "--json"], { setup: THREE });
  assertEquals(local.code, 0, local.stderr);
  assertEquals(local.json().exposedName, "X:");
  const call = callsOf(local.report, "IVssBackupComponentsEx2::ExposeSnapshot")[0] ??
    callsOf(local.report, "IVssBackupComponents::ExposeSnapshot")[0];
  assertEquals(call.args.wszExpose, "X:");

  const share = await runCli([
    "expose",
    SNAP(1),
    "--remote",
    "--path-from-root",
    "\\data",
    "--json",
  ], {
    setup: THREE,
  });
  assertEquals(share.code, 0, share.stderr);
  assertEquals(share.json().exposedName, "ShadowCopy1");

  const noTarget = await runCli(["expose", SNAP(1)], { setup: THREE });
  assertEquals(noTarget.code, 1);
  const pathLocal = await runCli(["expose", SNAP(1), "X:", "--path-from-root", "\\x"]);
  assertEquals(pathLocal.code, 1);

  const exposed: Setup = { ...THREE, exposed: [{ id: SNAP(1), at: "X:" }] };
  const listed = await runCli(["list", "--id", SNAP(1), "--json"], { setup: exposed });
  assertEquals((listed.json().shadowCopies as Listed[])[0].exposedName, "X:");
  const un = await runCli(["unexpose", SNAP(1), "--json"], { setup: exposed });
  assertEquals(un.code, 0, un.stderr);
  assertEquals(un.json(), { id: SNAP(1), unexposed: true });
  assert(callsOf(un.report, "IVssBackupComponentsEx2::UnexposeSnapshot").length === 1);
  assertEquals(un.report!.snapshots[0].exposedName ?? null, null);
  const notExposed = await runCli(["unexpose", SNAP(1)], { setup: THREE });
  assertEquals(notExposed.code, 8);
});

// Only a hardware provider's sets can be broken or imported (BreakSnapshotSet, ImportSnapshots pages).
const HARDWARE = { VSS_SIM_HARDWARE_PROVIDER: "1" };

Deno.test("break: plain and extended", async () => {
  const refused = await runCli(["break", "--set", SET(3), "--json"], { setup: THREE });
  assert(refused.code !== 0, "the system provider's set is not broken");
  assertMatch(refused.stdout + refused.stderr, /VSS_E_PROVIDER_VETO/);
  const plain = await runCli(["break", "--set", SET(3), "--json"], { setup: THREE, env: HARDWARE });
  assertEquals(plain.code, 0, plain.stderr);
  assertEquals(plain.json(), { setId: SET(3), extended: false, flags: null });
  assertEquals(callsOf(plain.report, "IVssBackupComponents::BreakSnapshotSet").length, 1);
  assertEquals(plain.report!.snapshots.length, 2);

  const extended = await runCli([
    "break",
    SET(3),
    "--make-read-write",
    "--revert-identity",
    "all",
    "--json",
  ], {
    setup: THREE,
    env: HARDWARE,
  });
  assertEquals(extended.code, 0, extended.stderr);
  assertEquals(extended.json().flags, 2 | 4);
  const ex = callsOf(extended.report, "IVssBackupComponentsEx2::BreakSnapshotSetEx");
  assertEquals(ex.map((c) => c.args.dwBreakFlags), [6]);

  const twice = await runCli(["break", SET(1), "--set", SET(1)]);
  assertEquals(twice.code, 1);
  const none = await runCli(["break"]);
  assertEquals(none.code, 1);
});

Deno.test("revert asks first; --yes reverts; failures have exit codes", async () => {
  const rollback: Setup = { sets: [{ volumes: ["C:\\"], context: "app-rollback" }] };
  const declined = await runCli(["revert", SNAP(1)], { setup: rollback, stdin: "no\n" });
  assertEquals(declined.code, 7);
  assertEquals(callsOf(declined.report, "IVssBackupComponents::RevertToSnapshot").length, 0);

  const done = await runCli(["revert", SNAP(1), "--yes", "--force-dismount", "--json"], {
    setup: rollback,
  });
  assertEquals(done.code, 0, done.stderr);
  assertEquals(done.json(), { id: SNAP(1), reverted: true, forceDismount: true });
  const call = callsOf(done.report, "IVssBackupComponents::RevertToSnapshot")[0];
  assertEquals(call.args.bForceDismount, true);

  const denied = await runCli(["revert", SNAP(1), "--yes"], {
    setup: {
      ...rollback,
      fail: [{
        method: "IVssBackupComponents::RevertToSnapshot",
        hr: HRESULT.VSS_E_REVERT_IN_PROGRESS,
      }],
    },
  });
  assertEquals(denied.code, 6);
});

Deno.test("import: the shadow copies of a saved document appear", async () => {
  await using dir = await workDir();
  const file = dir.file("set.xml");
  // A transportable set, made on "another machine" (this process's simulator).
  const { runtime, sim } = openSimulator();
  sim.hardwareProvider(true);
  const made = await createShadowCopySet(["C:\\"], {
    runtime,
    persistent: true,
    transportable: true,
    writers: false,
  });
  await Deno.writeTextFile(file, made.saveBackupDocument());
  await made.complete();
  sim.reset();
  const refused = await runCli(["import", file, "--json"]);
  assert(refused.code !== 0, "no hardware provider here: nothing to import it with");
  const r = await runCli(["import", file, "--json"], { env: HARDWARE });
  assertEquals(r.code, 0, r.stderr);
  const imported = r.json().imported as Listed[];
  assertEquals(imported.map((s) => s.id), [SNAP(1)]);
  assert((imported[0].attributeNames as string[]).includes("imported"));
  assertEquals(callsOf(r.report, "IVssBackupComponents::ImportSnapshots").length, 1);

  const missing = await runCli(["import", dir.file("missing.xml")]);
  assertEquals(missing.code, 1);
  assertMatch(missing.stderr, /cannot read/);
  await Deno.writeTextFile(dir.file("junk.xml"), "not xml");
  const junk = await runCli(["import", dir.file("junk.xml"), "--json"]);
  assert(junk.code === 8 || junk.code === 1, `exit ${junk.code}: ${junk.stdout}`);
});
