/**
 * The CLI across processes, the way it is used: one command creates, the next
 * lists, exposes, deletes... This needs the simulator to keep its machine in
 * `VSS_SIM_STATE_DIR`; directory volumes (a host directory as a volume, copied
 * read-only by DoSnapshotSet) let `--exec` read real files from a shadow copy.
 * The tests are skipped when the simulator build lacks those features.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  runCli,
  type RunOptions,
  simulatorHasDirectoryVolumes,
  simulatorHasGenerators,
  simulatorHasStateDir,
} from "./helpers.ts";

type Listed = Record<string, unknown> & { id: string; setId: string; devicePath: string };
const unix = Deno.build.os !== "windows";
if (!simulatorHasStateDir) {
  console.log("state_test: this simulator build has no VSS_SIM_STATE_DIR; skipped");
}

/** Registers the simulated hardware provider (saved in the machine's state folder). */
const HARDWARE = { VSS_SIM_HARDWARE_PROVIDER: "1" };

/** A machine that outlives processes: a state folder and a snapshot-folder root of its own. */
async function machine() {
  const base = await Deno.makeTempDir({ prefix: "vss-cli-machine-" });
  const env = {
    VSS_SIM_STATE_DIR: `${base}/state`,
    VSS_SIM_SNAPSHOT_ROOT: `${base}/snapshots`,
  };
  return {
    base,
    run: (args: string[], options: RunOptions = {}) =>
      runCli(args, { ...options, env: { ...env, ...options.env } }),
    async [Symbol.asyncDispose]() {
      await Deno.remove(base, { recursive: true }).catch(() => {});
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "create, list, expose, unexpose, delete: one command per process",
  ignore: !simulatorHasStateDir,
  async fn() {
    await using m = await machine();
    const made = await m.run(["create", "C:", "--persistent", "--json"]);
    assertEquals(made.code, 0, made.stderr);
    const { setId } = made.json() as { setId: string };
    const id = (made.json().snapshots as Listed[])[0].id;

    const listed = await m.run(["list", "--json"]);
    assertEquals((listed.json().shadowCopies as Listed[]).map((s) => s.id), [id]);
    const support = await m.run(["volume-support", "C:", "--json"]);
    assertEquals(support.json().snapshotted, true);

    assertEquals((await m.run(["expose", id, "X:"])).code, 0);
    const exposed = await m.run(["list", "--id", id, "--json"]);
    assertEquals((exposed.json().shadowCopies as Listed[])[0].exposedName, "X:");
    assertEquals((await m.run(["unexpose", id])).code, 0);
    const plain = await m.run(["list", "--id", id, "--json"]);
    assertEquals((plain.json().shadowCopies as Listed[])[0].exposedName, null);

    const second = await m.run(["create", "C:", "--persistent", "--no-writers", "--json"]);
    assertEquals(second.code, 0, second.stderr);
    const oldest = await m.run(["delete", "--oldest", "C:", "--json"]);
    assertEquals(oldest.json().deleted, 1);
    const left = await m.run(["list", "--json"]);
    assertEquals((left.json().shadowCopies as Listed[]).map((s) => s.setId), [second.json().setId]);
    assertEquals((await m.run(["delete", "--set", setId])).code, 8, "that set is gone already");
    assertEquals((await m.run(["delete", "--all", "--yes", "--json"])).json().deleted, 1);
    assertEquals((await m.run(["list", "--json"])).json(), { shadowCopies: [] });
  },
});

Deno.test({
  name: "break and revert act on shadow copies made by an earlier process",
  ignore: !simulatorHasStateDir,
  async fn() {
    await using m = await machine();
    // Only a hardware provider's sets can be broken; its registration outlives the process.
    const a = (await m.run(["create", "C:", "--persistent", "--json"], { env: HARDWARE })).json();
    const b = (await m.run(["create", "C:", "--context", "app-rollback", "--json"])).json();
    const broken = await m.run(["break", "--set", a.setId as string, "--json"]);
    assertEquals(broken.code, 0, broken.stderr);
    const revertId = (b.snapshots as Listed[])[0].id;
    const reverted = await m.run(["revert", revertId, "--yes", "--json"]);
    assertEquals(reverted.code, 0, reverted.stderr);
    assertEquals((await m.run(["list", "--json"])).json(), { shadowCopies: [] });
    // A volume without a directory reverts at once (the revert state clears, as on Windows when
    // RevertToSnapshot returns and QueryRevertStatus finishes), so C: can be reverted again by the
    // next process; before, the simulator left C: "reverting" for ever (VSS_E_REVERT_IN_PROGRESS).
    // VSS_E_REVERT_IN_PROGRESS itself maps to exit 6 (manage_test: "revert asks first").
    const again = await m.run(["create", "C:", "--persistent", "--json"]);
    assertEquals(again.code, 0, again.stderr);
    const secondId = (again.json().snapshots as Listed[])[0].id;
    const second = await m.run(["revert", secondId, "--yes", "--json"]);
    assertEquals(second.code, 0, `C: is no longer reverting: ${second.stderr}`);
    assertEquals(second.json(), { id: secondId, reverted: true, forceDismount: false });
    assertEquals((await m.run(["list", "--json"])).json(), { shadowCopies: [] });
    const gone = await m.run(["revert", secondId, "--yes", "--json"]);
    assertEquals(gone.code, 8, "the reverted shadow copy is gone, not busy");
    assertEquals((gone.json().error as { code: string }).code, "VSS_E_OBJECT_NOT_FOUND");
  },
});

Deno.test({
  name: "diff areas and protection levels persist between commands",
  ignore: !simulatorHasStateDir,
  async fn() {
    await using m = await machine();
    assertEquals((await m.run(["diff-areas", "add", "C:", "C:", "--max", "2GB"])).code, 0);
    assertEquals((await m.run(["diff-areas", "resize", "C:", "C:", "--max", "3GB"])).code, 0);
    const listed = await m.run(["diff-areas", "list", "C:", "--json"]);
    assertEquals(
      (listed.json().diffAreas as { maximumBytes: string }[])[0].maximumBytes,
      String(3 * 2 ** 30),
    );
    assertEquals((await m.run(["diff-areas", "protection", "C:", "--set", "snapshot"])).code, 0);
    assertEquals(
      (await m.run(["diff-areas", "protection", "C:", "--json"])).json().level,
      "snapshot",
    );
  },
});

Deno.test({
  name: "--exec reads a directory volume's shadow copy while the original changes",
  ignore: !simulatorHasDirectoryVolumes || !unix,
  async fn() {
    await using m = await machine();
    const volume = `${m.base}/volume`;
    await Deno.mkdir(`${volume}/sub`, { recursive: true });
    await Deno.writeTextFile(`${volume}/sub/hello.txt`, "before\n");
    const seen = `${m.base}/seen.txt`;
    const script = [
      `cat "$SHADOW_DEVICE_1/sub/hello.txt" > '${seen}'`,
      `echo after > '${volume}/sub/hello.txt'`,
      `cat "$SHADOW_DEVICE_1/sub/hello.txt" >> '${seen}'`,
      `echo "$SHADOW_DEVICE_1" >> '${seen}'`,
    ].join("; ");
    const r = await m.run(["create", volume, "--exec", script, "--json"]);
    assertEquals(r.code, 0, r.stderr);
    const [first, second, device] = (await Deno.readTextFile(seen)).trim().split("\n");
    assertEquals([first, second], ["before", "before"], "the shadow copy does not change");
    assertEquals(
      (r.json().snapshots as Listed[])[0].devicePath.replace(/[\\/]$/, ""),
      device.replace(/[\\/]$/, ""),
    );
    assertEquals(await Deno.readTextFile(`${volume}/sub/hello.txt`), "after\n");
    assert(!(await exists(device)), "a non-persistent shadow copy's folder is removed");
    if (Deno.uid() !== 0) {
      const write = await m.run(["create", volume, "--exec", `touch "$SHADOW_DEVICE_1/new"`]);
      assertEquals(write.code, 9, "the shadow copy is read-only");
    }
  },
});

Deno.test({
  name: "a persistent shadow copy of a directory volume stays readable until deleted",
  ignore: !simulatorHasDirectoryVolumes || !simulatorHasStateDir,
  async fn() {
    await using m = await machine();
    const volume = `${m.base}/data`;
    await Deno.mkdir(volume);
    await Deno.writeTextFile(`${volume}/a.txt`, "one");
    const made = await m.run(["create", volume, "--persistent", "--json"]);
    assertEquals(made.code, 0, made.stderr);
    const copy = (made.json().snapshots as Listed[])[0];
    await Deno.writeTextFile(`${volume}/a.txt`, "two");
    assertEquals(await Deno.readTextFile(`${copy.devicePath.replace(/[\\/]$/, "")}/a.txt`), "one");
    const listed = await m.run(["list", "--volume", volume, "--json"]);
    assertEquals((listed.json().shadowCopies as Listed[]).map((s) => s.id), [copy.id]);
    assertEquals((await m.run(["delete", "--id", copy.id])).code, 0);
    assert(!(await exists(copy.devicePath)), "deleting removes the folder");
  },
});

Deno.test({
  name: "many shadow copies: list pages through all of them, delete --all removes them",
  ignore: !simulatorHasGenerators,
  async fn() {
    const setup = { generate: [{ count: 1500, volume: "C:\\" }] };
    const listed = await runCli(["list", "--json"], { setup });
    assertEquals(listed.code, 0, listed.stderr);
    assertEquals((listed.json().shadowCopies as unknown[]).length, 1500);
    const text = await runCli(["list"], { setup });
    assertMatch(text.stdout, /1500 shadow copies in 1500 set\(s\)\.\n$/);
    const deleted = await runCli(["delete", "--all", "--yes", "--json"], { setup });
    assertEquals(deleted.json().deleted, 1500);
    assertEquals(deleted.report!.snapshots.length, 0);
  },
});
