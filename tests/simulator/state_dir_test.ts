/**
 * The state directory (VSS_SIM_STATE_DIR) as several processes share it:
 * serialised, atomic writes, ids unique across processes, corrupt files
 * refused, failed writes undone, and recovery after a process dies at any
 * step of create, delete and revert (simulator/src/persist.h).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cleanup, helper, scratch, snapshotFolders } from "./helpers.ts";

function envOf(t: { snaps: string; state: string }, extra: Record<string, string> = {}) {
  return { VSS_SIM_STATE_DIR: t.state, VSS_SIM_SNAPSHOT_ROOT: t.snaps, ...extra };
}

async function list(env: Record<string, string>): Promise<string[]> {
  const r = await helper(["list"], env);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.split(" ")[0]);
}

Deno.test("2 processes x 20 persistent creates, then 2 x 20 deletes: 40 distinct, then 0, no orphans", async () => {
  const t = scratch(10);
  const env = envOf(t);
  try {
    const made = await Promise.all([
      helper(["createn", t.volume, "20"], env),
      helper(["createn", t.volume, "20"], env),
    ]);
    for (const r of made) assert.equal(r.code, 0, r.stderr);
    const ids = made.map((r) => r.stdout.trim().split(/\s+/));
    const listed = await list(env);
    assert.equal(listed.length, 40);
    assert.equal(new Set(listed).size, 40);
    assert.deepEqual(new Set(listed), new Set(ids.flat()));
    assert.equal(snapshotFolders(t.snaps).length, 40);
    const deleted = await Promise.all(ids.map((mine) => helper(["delete", ...mine], env)));
    for (const r of deleted) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await list(env), []);
    assert.deepEqual(snapshotFolders(t.snaps), []);
  } finally {
    cleanup(t.base);
  }
});

Deno.test("a corrupt or truncated state file is an error naming it, and is never overwritten", async () => {
  const t = scratch(2);
  const env = envOf(t);
  try {
    assert.equal((await helper(["createn", t.volume, "1"], env)).code, 0);
    const file = join(t.state, "vss-sim-state.xml");
    const whole = Deno.readTextFileSync(file);
    const truncated = whole.slice(0, Math.floor(whole.length / 2));
    for (const broken of [truncated, "not xml at all", ""]) {
      Deno.writeTextFileSync(file, broken);
      const r = await helper(["createn", t.volume, "1"], env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /0x80042302/); // VSS_E_UNEXPECTED
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.match(r.stderr, /corrupt or truncated/);
      assert.equal(Deno.readTextFileSync(file), broken);
    }
  } finally {
    cleanup(t.base);
  }
});

const createPoints = [
  "create-intent",
  "create-started",
  "copy-half",
  "create-copied",
  "create-commit",
];

for (const point of createPoints) {
  Deno.test(
    `killed during create at ${point}: the next process lists nothing and sweeps the folder`,
    async () => {
      const t = scratch(30);
      const env = envOf(t);
      try {
        const r = await helper(["createn", t.volume, "1"], { ...env, VSS_SIM_CRASH_AT: point });
        assert.equal(r.code, 86, r.stderr);
        assert.deepEqual(await list(env), []);
        assert.deepEqual(snapshotFolders(t.snaps), []);
      } finally {
        cleanup(t.base);
      }
    },
  );
}

for (const point of ["delete-committed", "remove-file"]) {
  Deno.test(
    `killed during delete at ${point}: never listed again, folder swept`,
    async () => {
      const t = scratch(30);
      const env = envOf(t);
      try {
        const made = await helper(["createn", t.volume, "1"], env);
        const id = made.stdout.trim();
        const r = await helper(["delete", id], { ...env, VSS_SIM_CRASH_AT: point });
        assert.equal(r.code, 86, r.stderr);
        assert.deepEqual(await list(env), []);
        assert.deepEqual(snapshotFolders(t.snaps), []);
      } finally {
        cleanup(t.base);
      }
    },
  );
}

for (const point of ["revert-started", "revert-half"]) {
  Deno.test(
    `killed during revert at ${point}: the next process finishes the revert`,
    async () => {
      const t = scratch(30);
      const env = envOf(t);
      try {
        const id = (await helper(["createn", t.volume, "1"], env)).stdout.trim();
        Deno.writeTextFileSync(join(t.volume, "f1.txt"), "changed");
        Deno.removeSync(join(t.volume, "f2.txt"));
        Deno.writeTextFileSync(join(t.volume, "added.txt"), "new");
        const r = await helper(["revert", id], { ...env, VSS_SIM_CRASH_AT: point });
        assert.equal(r.code, 86, r.stderr);
        assert.deepEqual(await list(env), []); // the copy is consumed by the finished revert
        assert.equal(Deno.readTextFileSync(join(t.volume, "f1.txt")), "file 1");
        assert.equal(Deno.readTextFileSync(join(t.volume, "f2.txt")), "file 2");
        assert.throws(() => Deno.statSync(join(t.volume, "added.txt")));
        assert.equal([...Deno.readDirSync(t.volume)].length, 31);
        assert.deepEqual(snapshotFolders(t.snaps), []);
      } finally {
        cleanup(t.base);
      }
    },
  );
}

Deno.test("revert: the volume holds exactly the snapshot's contents and the revert state clears", async () => {
  const t = scratch(5);
  const env = envOf(t);
  try {
    Deno.linkSync(join(t.volume, "f1.txt"), join(t.volume, "sub", "f1-link.txt"));
    const id = (await helper(["createn", t.volume, "1"], env)).stdout.trim();
    Deno.writeTextFileSync(join(t.volume, "f0.txt"), "changed");
    Deno.removeSync(join(t.volume, "sub"), { recursive: true });
    Deno.writeTextFileSync(join(t.volume, "added.txt"), "new");
    const r = await helper(["revert", id], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Deno.readTextFileSync(join(t.volume, "f0.txt")), "file 0");
    assert.equal(Deno.readTextFileSync(join(t.volume, "sub", "g4.txt")), "sub 4");
    assert.throws(() => Deno.statSync(join(t.volume, "added.txt")));
    // Hard links inside the volume are one file again after the revert.
    const [a, b] = [join(t.volume, "f1.txt"), join(t.volume, "sub", "f1-link.txt")].map((p) =>
      Deno.statSync(p)
    );
    assert.ok(
      a.ino !== null && a.ino === b.ino && a.nlink === 2,
      "f1.txt and its link are one file",
    );
    const xml = Deno.readTextFileSync(join(t.state, "vss-sim-state.xml"));
    assert.doesNotMatch(xml, /reverting="1"/);
    assert.deepEqual(await list(env), []);
  } finally {
    cleanup(t.base);
  }
});
