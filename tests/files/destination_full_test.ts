/**
 * A copy whose destination runs out of space (a real ENOSPC from a 256 KiB
 * tmpfs, which needs root on Linux) fails with a ShadowFileError naming the
 * file being written, releases the shadow copy and leaves no COM object
 * behind (Deno's resource sanitizer fails the test if a file stays open).
 */

import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { mountTiny, tinyTmpfsUnavailable, unmount } from "../support/tiny_tmpfs.ts";
import { copyFromShadowCopy, ShadowFileError } from "../../requester/files/mod.ts";

const cannot = tinyTmpfsUnavailable();
if (cannot !== null) console.log(`destination_full_test: skipped (${cannot})`);

Deno.test({
  name: `a destination that runs out of space is a ShadowFileError (ENOSPC); the set is released${
    cannot === null ? "" : ` (skipped: ${cannot})`
  }`,
  ignore: cannot !== null,
  fn: async () => {
    const { runtime, sim } = openSimulator();
    const work = await Deno.makeTempDir({ prefix: "vss-files-full-" });
    const volume = join(work, "volume");
    const dest = join(work, "dest");
    await Deno.mkdir(volume);
    await Deno.mkdir(dest);
    const chunk = new Uint8Array(64 * 1024).fill(7);
    for (let i = 0; i < 16; i++) await Deno.writeFile(join(volume, `big${i}.bin`), chunk);
    const failed = mountTiny(dest);
    if (failed !== null) throw new Error(failed);
    try {
      const error = await assertRejects(
        () => copyFromShadowCopy([volume], dest, { shadowCopy: { runtime, writers: false } }),
        ShadowFileError,
      );
      assertEquals([error.operation, error.code], ["write", "ENOSPC"]);
      assert(error.path.startsWith(join(dest, "volume")), error.path);
      assertEquals(sim.snapshotCount(), 0, "the shadow copy is released");
      assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
    } finally {
      unmount(dest);
      await Deno.remove(work, { recursive: true });
    }
  },
});
