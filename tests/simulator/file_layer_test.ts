/**
 * Directory volumes: the copy runs off the JavaScript thread and a cancel
 * acts at once and leaves nothing; the copy keeps permission bits and hard
 * links; a failed state write undoes the shadow copy.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createShadowCopySet, OperationAbortedError, VssError } from "../../mod.ts";
import { openSimulator } from "../../simulator/control.ts";
import { cleanup, scratch, snapshotFolders, windows } from "./helpers.ts";

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
  const t = scratch(1);
  Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", t.snaps);
  sim.reset();
  try {
    bigTree(t.volume, 10000, 4096);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
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
    assert.ok(ticks >= 5, `only ${ticks} timer ticks`);
    assert.ok(rejectedAt - started < 50 + 100 + 50, `rejected after ${rejectedAt - started} ms`);
    assert.deepEqual(snapshotFolders(t.snaps), []);
    assert.equal(sim.snapshotCount(), 0);
  } finally {
    Deno.env.delete("VSS_SIM_SNAPSHOT_ROOT");
    sim.reset();
    cleanup(t.base);
  }
});

Deno.test({
  name: "the copy keeps permission bits exactly (write bits cleared) and hard links",
  ignore: windows,
  fn: async () => {
    const t = scratch(1);
    Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", t.snaps);
    sim.reset();
    try {
      const secret = join(t.volume, "secret"),
        tool = join(t.volume, "tool"),
        link = join(t.volume, "link");
      Deno.writeTextFileSync(secret, "s");
      Deno.chmodSync(secret, 0o600);
      Deno.writeTextFileSync(tool, "#!/bin/sh");
      Deno.chmodSync(tool, 0o755);
      Deno.linkSync(tool, link);
      await using set = await createShadowCopySet([t.volume], { runtime, writers: false });
      assert.equal(Deno.statSync(set.mapPath(secret)).mode! & 0o777, 0o400);
      assert.equal(Deno.statSync(set.mapPath(tool)).mode! & 0o777, 0o555);
      assert.equal(Deno.statSync(set.mapPath(tool)).ino, Deno.statSync(set.mapPath(link)).ino);
    } finally {
      Deno.env.delete("VSS_SIM_SNAPSHOT_ROOT");
      sim.reset();
      cleanup(t.base);
    }
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
