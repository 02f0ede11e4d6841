/**
 * Directory volumes: the copy runs off the JavaScript thread and a cancel
 * acts at once and leaves nothing; the copy keeps permission bits and hard
 * links; a failed state write undoes the shadow copy.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createShadowCopySet, OperationAbortedError, VssError } from "../../mod.ts";
import { openSimulator } from "../../simulator/control.ts";
import { cleanup, isolatedScratch, scratch, snapshotFolders, windows } from "./helpers.ts";

const { runtime, sim } = openSimulator();

function bigTree(volume: string, files: number, bytes: number) {
  const chunk = new Uint8Array(bytes).fill(7);
  for (let d = 0; d < files / 500; d++) {
    const dir = join(volume, `d${d}`);
    Deno.mkdirSync(dir);
    for (let i = 0; i < 500; i++) Deno.writeFileSync(join(dir, `f${i}`), chunk);
  }
}

Deno.test("the event loop keeps ticking during the copy, and a cancel acts within 100 ms, leaving nothing", async () => {
  using t = isolatedScratch(sim, 1);
  // Under Wine each file costs ~10 ms to create and ~1 ms to copy: fewer files still
  // keep the copy running well past the abort.
  bigTree(t.volume, windows ? 1000 : 10000, 4096);
  // The first shadow copy of a process pays one-time costs (compiling the binding's
  // code, binding symbols) on the JavaScript thread; they are not the copy's.
  const warm = join(t.base, "warm");
  Deno.mkdirSync(warm);
  await (await createShadowCopySet([warm], { runtime, writers: false })).complete();
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(performance.now()), 5);
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 50);
  let rejectedAt = 0;
  await assert.rejects(
    createShadowCopySet([t.volume], { runtime, writers: false, signal: controller.signal })
      .finally(() => {
        rejectedAt = performance.now();
      }),
    OperationAbortedError,
  );
  clearInterval(timer);
  // A copy on the JavaScript thread would allow no tick until it ended (and no abort).
  const times = [started, ...ticks, rejectedAt];
  const stall = Math.max(...times.slice(1).map((x, i) => x - times[i]));
  assert.ok(ticks.length >= 3, `only ${ticks.length} timer ticks`);
  assert.ok(stall < 100, `the event loop stalled for ${stall} ms`);
  assert.ok(rejectedAt - started < 50 + 100 + 50, `rejected after ${rejectedAt - started} ms`);
  assert.deepEqual(snapshotFolders(t.snaps), []);
  assert.equal(sim.snapshotCount(), 0);
});

Deno.test({
  name: windows
    ? "the copy keeps permission bits exactly (skipped: POSIX modes; on Windows see the read-only test)"
    : "the copy keeps permission bits exactly (write bits cleared)",
  ignore: windows,
  fn: async () => {
    using t = isolatedScratch(sim, 1);
    const secret = join(t.volume, "secret"), tool = join(t.volume, "tool");
    Deno.writeTextFileSync(secret, "s");
    Deno.chmodSync(secret, 0o600);
    Deno.writeTextFileSync(tool, "#!/bin/sh");
    Deno.chmodSync(tool, 0o755);
    await using set = await createShadowCopySet([t.volume], { runtime, writers: false });
    assert.equal(Deno.statSync(set.mapPath(secret)).mode! & 0o777, 0o400);
    assert.equal(Deno.statSync(set.mapPath(tool)).mode! & 0o777, 0o555);
  },
});

Deno.test("hard links inside the volume stay linked in the copy", async () => {
  using t = isolatedScratch(sim, 1);
  const first = join(t.volume, "first"), second = join(t.volume, "sub", "second");
  const third = join(t.volume, "third"), lone = join(t.volume, "lone");
  Deno.writeTextFileSync(first, "linked");
  Deno.linkSync(first, second);
  Deno.linkSync(first, third);
  Deno.writeTextFileSync(lone, "linked");
  const same = (a: string, b: string) => {
    const x = Deno.statSync(a), y = Deno.statSync(b);
    return x.dev === y.dev && x.ino !== null && x.ino === y.ino;
  };
  assert.ok(same(first, second), "the system reports hard links by ino");
  await using set = await createShadowCopySet([t.volume], { runtime, writers: false });
  const [a, b, c] = [first, second, third].map((p) => set.mapPath(p));
  assert.ok(same(a, b) && same(a, c), "the three names are one file in the copy");
  assert.equal(Deno.statSync(a).nlink, 3);
  assert.ok(!same(a, set.mapPath(lone)), "a file with one name stays its own file");
  assert.equal(Deno.readTextFileSync(c), "linked");
});

Deno.test({
  name: windows
    ? "the copy is read-only, with the original's contents and modification times"
    : "the copy is read-only, with the original's contents and modification times (Windows attributes; on Linux see the permission-bits test)",
  ignore: !windows,
  fn: async () => {
    using t = isolatedScratch(sim, 2);
    const file = join(t.volume, "sub", "g1.txt");
    const when = new Date("2021-06-01T12:00:00Z");
    Deno.utimeSync(file, when, when);
    await using set = await createShadowCopySet([t.volume], { runtime, writers: false });
    const copy = set.mapPath(file);
    assert.equal(Deno.readTextFileSync(copy), "sub 1");
    assert.equal(Deno.statSync(copy).mtime?.getTime(), when.getTime());
    assert.equal(Deno.statSync(copy).mode! & 0o222, 0, "the copied file is read-only");
  },
});

Deno.test("a state write that fails fails the operation and leaves no snapshot folder", async () => {
  const t = scratch(3);
  Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", t.snaps);
  Deno.env.set("VSS_SIM_STATE_DIR", t.state);
  sim.reset();
  try {
    for (const step of ["create-intent", "create-commit"]) {
      sim.failStateWrite(step, 1);
      await assert.rejects(
        createShadowCopySet([t.volume], { runtime, writers: false, persistent: true }),
        (e) =>
          e instanceof VssError ||
          (e instanceof Error && /0x80042302|VSS_E_UNEXPECTED/.test(String(e))),
      );
      assert.deepEqual(snapshotFolders(t.snaps), []);
      assert.equal(sim.snapshotCount(), 0);
      assert.match(sim.stateError() ?? "", /cannot write the state file/);
    }
  } finally {
    Deno.env.delete("VSS_SIM_SNAPSHOT_ROOT");
    Deno.env.delete("VSS_SIM_STATE_DIR");
    sim.reset();
    cleanup(t.base);
  }
});
