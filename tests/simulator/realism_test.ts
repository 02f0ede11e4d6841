/**
 * Realism by default: creation times from the real clock (a fixed clock
 * only on request), the host's machine name, and the "windows-server" writer
 * profile, which persists with the state directory like the volumes.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { createShadowCopySet, getWriters, listShadowCopies } from "../../mod.ts";
import { openSimulator } from "../../simulator/control.ts";
import { createBackupComponents } from "../../ffi/mod.ts";
import { VSS_WRITER_STATE } from "../../ffi/generated/enums.ts";
import { baseEnv, cliArgs } from "../cli/helpers.ts";
import { cleanup, scratch } from "./helpers.ts";

const { runtime, sim } = openSimulator();

/** 2024-01-01T00:00:00Z as FILETIME: the fixed clock's start. */
const FIXED_START = 133485408000000000n;
const SECOND = 10_000_000n;

const shortName = (name: string | null) => (name ?? "").split(".")[0].toLowerCase();

Deno.test("creation times come from the real clock; the machine is the host", async () => {
  sim.reset();
  const before = Date.now();
  const set = await createShadowCopySet(["C:\\"], { runtime, writers: false, persistent: true });
  const after = Date.now();
  await set.complete();
  const made = set.snapshots[0].createdAt.getTime();
  assert.ok(made >= before && made <= after, `created at ${made}, not in ${before}..${after}`);
  const [listed] = await listShadowCopies({ runtime });
  assert.equal(listed.createdAtTicks, set.snapshots[0].createdAtTicks);

  using backup = createBackupComponents(runtime);
  backup.InitializeForBackup(null);
  const { pProp } = backup.GetSnapshotProperties(listed.id);
  assert.equal(shortName(pProp.m_pwszOriginatingMachine), shortName(hostname()));
  assert.equal(pProp.m_pwszServiceMachine, pProp.m_pwszOriginatingMachine);
});

Deno.test("a fixed clock on request: 2024-01-01 plus N seconds for the Nth shadow copy", async () => {
  sim.reset();
  sim.fixedClock(true);
  try {
    const first = await createShadowCopySet(["C:\\"], { runtime, writers: false });
    const second = await createShadowCopySet(["C:\\"], { runtime, writers: false });
    assert.equal(first.snapshots[0].createdAtTicks, FIXED_START + SECOND);
    assert.equal(second.snapshots[0].createdAtTicks, FIXED_START + 2n * SECOND);
    assert.equal(first.snapshots[0].createdAt.toISOString(), "2024-01-01T00:00:01.000Z");
    await first.complete();
    await second.complete();
  } finally {
    sim.fixedClock(false);
  }
  const later = await createShadowCopySet(["C:\\"], { runtime, writers: false });
  assert.ok(
    later.snapshots[0].createdAtTicks > FIXED_START + 1000n * SECOND,
    "back to the real clock",
  );
  await later.complete();
});

/** Runs `vss ARGS --simulator --json` in a new process with this environment. */
async function cli(args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs([...args, "--simulator", "--json"], true),
    env: { ...baseEnv(), ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("VSS_SIM_FIXED_CLOCK=1 fixes the clock of a new process", async () => {
  const made = await cli(["create", "C:"], { VSS_SIM_FIXED_CLOCK: "1" });
  const [s] = made.snapshots as { createdAt: string; createdAtTicks: string }[];
  assert.equal(s.createdAt, "2024-01-01T00:00:01.000Z");
  assert.equal(s.createdAtTicks, (FIXED_START + SECOND).toString());
});

const PROFILE = [
  ["System Writer", "e8132975-6f93-4464-a53e-1050253ae220", "VSS_UT_BOOTABLESYSTEMSTATE"],
  ["Registry Writer", "afbab4a2-367d-4d15-a586-71dbb18f8485", "VSS_UT_BOOTABLESYSTEMSTATE"],
  ["COM+ REGDB Writer", "542da469-d3e1-473c-9f4f-7847f01fc64f", "VSS_UT_BOOTABLESYSTEMSTATE"],
  ["WMI Writer", "a6ad56c2-b509-4e6c-bb19-49d8f43532f0", "VSS_UT_SYSTEMSERVICE"],
  ["SqlServerWriter", "a65faa63-5ea8-4ebc-9dbd-a0c4db26912a", "VSS_UT_USERDATA"],
];

Deno.test("the windows-server writer profile: system state writers and a database writer", async () => {
  sim.reset();
  const mine = sim.addWriter({ name: "My Writer" });
  sim.addComponent(mine, { name: "data" });
  sim.writerProfile("windows-server");
  assert.equal(sim.currentWriterProfile(), "windows-server");
  const { metadata, status } = await getWriters({ runtime });
  assert.deepEqual(metadata.map((w) => w.name), ["My Writer", ...PROFILE.map(([n]) => n)]);
  for (const [name, id, usage] of PROFILE) {
    const w = metadata.find((w) => w.name === name);
    assert.equal(w?.writerId, id);
    assert.equal(w?.usage, usage);
  }
  assert.ok(
    status.every((s) => s.state === VSS_WRITER_STATE.VSS_WS_STABLE),
    JSON.stringify(status.map((s) => s.state)),
  );
  const sql = metadata.find((w) => w.name === "SqlServerWriter")!;
  assert.equal(sql.source, "VSS_ST_TRANSACTEDDB");
  assert.equal(sql.usage, "VSS_UT_USERDATA");
  const host = hostname().split(".")[0].toUpperCase();
  assert.deepEqual(sql.components.map((c) => `${c.logicalPath}\\${c.name}`), [
    `${host}\\master`,
    `${host}\\model`,
    `${host}\\msdb`,
    `${host}\\SalesDb`,
  ]);
  for (const c of sql.components) {
    assert.equal(c.type, "database");
    assert.ok(c.selectable);
    assert.ok(c.databases.length > 0 && c.logs.length > 0, `${c.name} has database and log files`);
  }
  const registry = metadata.find((w) => w.name === "Registry Writer")!;
  assert.deepEqual(registry.components[0].files.map((f) => f.filespec), [
    "SAM",
    "SECURITY",
    "SOFTWARE",
    "SYSTEM",
  ]);
  // A backup of C: with every writer goes through.
  const set = await createShadowCopySet(["C:\\"], { runtime });
  assert.equal(set.writers.length, PROFILE.length + 1);
  await set.complete({ succeeded: true });

  sim.writerProfile("none");
  assert.deepEqual((await getWriters({ runtime })).metadata.map((w) => w.name), ["My Writer"]);
  assert.throws(() => sim.writerProfile("windows-desktop" as "none"), RangeError);
});

Deno.test("VSS_SIM_WRITER_PROFILE sets the profile; it is saved with the state directory", async () => {
  const t = scratch(1);
  const names = async (env: Record<string, string>) =>
    ((await cli(["writers", "metadata"], env)).writers as { name: string }[]).map((w) => w.name);
  try {
    assert.deepEqual(await names({}), []);
    assert.deepEqual(
      await names({ VSS_SIM_WRITER_PROFILE: "windows-server" }),
      PROFILE.map(([n]) => n),
    );
    const state = { VSS_SIM_STATE_DIR: t.state, VSS_SIM_SNAPSHOT_ROOT: t.snaps };
    await names({ ...state, VSS_SIM_WRITER_PROFILE: "windows-server" });
    assert.deepEqual(
      await names(state),
      PROFILE.map(([n]) => n),
      "a later process without the variable",
    );
    assert.deepEqual(await names({ ...state, VSS_SIM_WRITER_PROFILE: "none" }), []);
    assert.deepEqual(await names(state), [], "and the switch back");
  } finally {
    cleanup(t.base);
  }
});
