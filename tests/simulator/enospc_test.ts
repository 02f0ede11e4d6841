/**
 * A directory-volume copy that runs out of space (a real ENOSPC from the file
 * system, not the simulated diff area limit) ends DoSnapshotSet with
 * VSS_E_INSUFFICIENT_STORAGE (DoSnapshotSet page), leaves no snapshot folder
 * and no shadow copy; the CLI exits with its storage code. The snapshot root
 * is put on a tiny tmpfs, which needs root on Linux.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createShadowCopySet, InsufficientStorageError, VssError } from "../../mod.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { openSimulator } from "../../simulator/control.ts";
import { baseEnv, cliArgs } from "../cli/helpers.ts";
import { mountTiny, tinyTmpfsUnavailable, unmount } from "../support/tiny_tmpfs.ts";
import { cleanup, scratch, snapshotFolders } from "./helpers.ts";

// Probed once: a test that cannot run says why in its name and on stdout.
const cannot = tinyTmpfsUnavailable();
if (cannot !== null) console.log(`enospc_test: skipped (${cannot})`);
const skipped = cannot === null ? "" : ` (skipped: ${cannot})`;

const { runtime, sim } = openSimulator();

/** A volume of 16 files of 64 KiB (1 MiB), a snapshot root on a 256 KiB tmpfs. */
function fullDisk() {
  const t = scratch(0);
  const chunk = new Uint8Array(64 * 1024).fill(1);
  for (let i = 0; i < 16; i++) Deno.writeFileSync(join(t.volume, `big${i}.bin`), chunk);
  Deno.mkdirSync(t.snaps, { recursive: true });
  const failed = mountTiny(t.snaps);
  if (failed !== null) throw new Error(failed);
  return t;
}

Deno.test({
  name:
    `a copy that runs out of space ends DoSnapshotSet with VSS_E_INSUFFICIENT_STORAGE${skipped}`,
  ignore: cannot !== null,
  fn: async () => {
    const t = fullDisk();
    Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", t.snaps);
    sim.reset();
    try {
      const error = await createShadowCopySet([t.volume], { runtime, writers: false }).then(
        () => assert.fail("the copy fit on a 256 KiB file system"),
        (e) => e,
      );
      assert.ok(error instanceof InsufficientStorageError, String(error));
      let hr: number | undefined;
      for (let e: unknown = error; e instanceof Error; e = e.cause) {
        if (e instanceof VssError) hr = e.code;
      }
      assert.equal(hr, HRESULT.VSS_E_INSUFFICIENT_STORAGE);
      const call = sim.calls().findLast((c) => c.method === "QueryStatus");
      assert.ok(call, "the failure came through IVssAsync::QueryStatus");
      assert.equal(sim.snapshotCount(), 0);
      assert.deepEqual(snapshotFolders(t.snaps), [], "the partial copy is removed");
      assert.deepEqual([...Deno.readDirSync(t.snaps)], [], "nothing left on the full disk");
      assert.deepEqual(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
    } finally {
      Deno.env.delete("VSS_SIM_SNAPSHOT_ROOT");
      sim.reset();
      unmount(t.snaps);
      cleanup(t.base);
    }
  },
});

Deno.test({
  name: `the CLI exits with its storage code (5) when the copy runs out of space${skipped}`,
  ignore: cannot !== null,
  fn: async () => {
    const t = fullDisk();
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: cliArgs(["create", t.volume, "--no-writers", "--simulator", "--json"], true),
        env: { ...baseEnv(), VSS_SIM_SNAPSHOT_ROOT: t.snaps },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 5, text + new TextDecoder().decode(out.stderr));
      assert.match(text, /VSS_E_INSUFFICIENT_STORAGE/);
      assert.deepEqual([...Deno.readDirSync(t.snaps)], []);
    } finally {
      unmount(t.snaps);
      cleanup(t.base);
    }
  },
});
