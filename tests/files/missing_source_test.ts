/**
 * A source that is missing — before the snapshot, or only inside the shadow
 * copy (created after the snapshot moment) — is a ShadowFileError naming
 * the path, never a raw Deno or node error; nothing is left behind.
 */

import { removeTree } from "./cleanup.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { copyFromShadowCopy, ShadowFileError } from "../../requester/files/mod.ts";

const windows = Deno.build.os === "windows";
const sep = windows ? "\\" : "/";
const { runtime, sim } = openSimulator();

function clean(): void {
  assertEquals(sim.snapshotCount(), 0, "no shadow copy left");
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 }, "nothing leaked");
}

Deno.test("a source that does not exist is a ShadowFileError (notFound), before any snapshot", async () => {
  sim.reset();
  const work = await Deno.makeTempDir({ prefix: "vss-files-missing-" });
  try {
    const missing = `${work}${sep}nothing${sep}here`;
    const error = await assertRejects(
      () => copyFromShadowCopy([missing], `${work}${sep}dest`, { shadowCopy: { runtime } }),
      ShadowFileError,
    );
    assert(error.notFound, `${error.code}`);
    assertEquals(error.path, missing);
    assertEquals(error.hint, "Check the source path: it must exist when the shadow copy is made.");
    assertEquals(sim.calls().filter((c) => c.method === "StartSnapshotSet").length, 0);
    clean();
  } finally {
    await removeTree(work);
  }
});

Deno.test("a source missing only inside the shadow copy is a ShadowFileError; the set is released", async () => {
  sim.reset();
  const work = await Deno.makeTempDir({ prefix: "vss-files-missing-" });
  try {
    const volume = `${work}${sep}volume`;
    await Deno.mkdir(volume, { recursive: true });
    const gone = `${volume}${sep}gone`;
    await Deno.writeTextFile(gone, "here when checked");
    // The source vanishes between the check and the snapshot moment.
    const error = await assertRejects(
      () =>
        copyFromShadowCopy([gone], `${work}${sep}dest`, {
          shadowCopy: { runtime },
          volumeOf: () => (Deno.removeSync(gone), volume),
        }),
      ShadowFileError,
    );
    assert(error.notFound, `${error.code}`);
    assert(error.path.endsWith("gone"), error.path);
    assert(error.path !== gone, `the path inside the shadow copy: ${error.path}`);
    assert(
      sim.calls().some((c) => c.method === "AbortBackup"),
      "the backup was reported as failed",
    );
    clean();
  } finally {
    await removeTree(work);
  }
});
