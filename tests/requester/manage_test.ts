/**
 * The management functions of the requester API, and simulated directory
 * volumes, end to end on the simulator.
 */

import { assert, assertEquals, assertRejects } from "../assert.ts";
import { Simulator, simulatorPath } from "../support/simulator.ts";
import { VssRuntime } from "../../ffi/runtime.ts";
import {
  breakShadowCopySet,
  createShadowCopySet,
  deleteShadowCopies,
  diffAreaManagement,
  exposeShadowCopy,
  importShadowCopies,
  isVolumeSnapshotted,
  LimitReachedError,
  listShadowCopies,
  listVolumes,
  resolveVolume,
  revertToShadowCopy,
  SYSTEM_PROVIDER_ID,
  unexposeShadowCopy,
  VolumeNotFoundError,
} from "../../requester/mod.ts";

const sim = new Simulator();
const runtime = VssRuntime.load({
  libraryPath: simulatorPath,
  comRuntimePath: Deno.build.os === "windows" ? simulatorPath : undefined,
});
runtime.initializeCom();
const sep = Deno.build.os === "windows" ? "\\" : "/";

function nothingLeft() {
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
}

async function persistentSet(volume = "C:\\") {
  const set = await createShadowCopySet([volume], { runtime, persistent: true, writers: false });
  await set.complete();
  return set;
}

Deno.test("a directory volume: the shadow copy keeps the content it had; the original moves on", async () => {
  sim.reset();
  const volume = await Deno.makeTempDir({ prefix: "vss-dirvol-" });
  const file = `${volume}${sep}data.txt`;
  await Deno.writeTextFile(file, "before");
  try {
    const set = await createShadowCopySet([volume], { runtime, writers: false });
    const inside = set.mapPath(file);
    await Deno.writeTextFile(file, "after");
    assertEquals(await Deno.readTextFile(inside), "before");
    assertEquals(await Deno.readTextFile(file), "after");
    const mode = (await Deno.stat(inside)).mode;
    if (mode !== null) assertEquals(mode & 0o222, 0, "the copy is read-only");
    await set.complete();
    await assertRejects(() => Deno.stat(inside), Deno.errors.NotFound);
  } finally {
    await Deno.remove(volume, { recursive: true });
  }
  assertEquals(sim.snapshotCount(), 0);
  nothingLeft();
});

Deno.test("volumes resolve by display name; listShadowCopies carries it", async () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  const volumes = listVolumes({ runtime });
  assertEquals(volumes.map((v) => v.displayName), ["C:\\", "D:\\"]);
  assertEquals(resolveVolume("c:", { runtime })?.guidName, sim.volumeGuidName("C:\\"));
  assertEquals(resolveVolume("Z:\\", { runtime }), null);
  const set = await persistentSet();
  const [listed] = await listShadowCopies({ runtime });
  assertEquals(listed.volumeDisplayName, "C:\\");
  assertEquals(isVolumeSnapshotted("C:\\", { runtime }).snapshotsPresent, true);
  assertEquals(await deleteShadowCopies({ setId: set.id }, { runtime }), 1);
  nothingLeft();
});

Deno.test("delete by id, by set, oldest of a volume, and all", async () => {
  sim.reset();
  const a = await persistentSet();
  const b = await persistentSet();
  const c = await persistentSet();
  assertEquals(await deleteShadowCopies({ oldest: "C:" }, { runtime }), 1);
  assertEquals((await listShadowCopies({ runtime })).map((s) => s.id), [
    b.snapshots[0].id,
    c.snapshots[0].id,
  ]);
  assertEquals(await deleteShadowCopies({ id: b.snapshots[0].id }, { runtime }), 1);
  await persistentSet();
  assertEquals(await deleteShadowCopies({ all: true }, { runtime }), 2);
  assertEquals(sim.snapshotCount(), 0);
  void a;
  nothingLeft();
});

Deno.test("expose and unexpose, break, revert", async () => {
  sim.reset();
  const set = await persistentSet();
  const id = set.snapshots[0].id;
  assertEquals(await exposeShadowCopy(id, { as: "local", at: "X:" }, { runtime }), "X:");
  const exposed = (await listShadowCopies({ runtime, id }))[0];
  assertEquals(exposed.exposedName, "X:");
  assert(exposed.attributeNames.includes("exposed_locally"));
  await unexposeShadowCopy(id, { runtime });
  assertEquals((await listShadowCopies({ runtime, id }))[0].exposedName, null);
  await revertToShadowCopy(id, { runtime, forceDismount: true });
  sim.hardwareProvider(true); // only a hardware provider's sets can be broken
  const other = await persistentSet();
  await breakShadowCopySet(other.id, { runtime });
  assertEquals(
    (await listShadowCopies({ runtime, setId: other.id })).length,
    0,
    "a broken set leaves VSS",
  );
  await deleteShadowCopies({ all: true }, { runtime });
  nothingLeft();
});

Deno.test("diff areas: add, list, resize, protection level", () => {
  sim.reset();
  sim.addVolume("D:\\", true);
  diffAreaManagement.add("C:\\", "D:\\", 1n << 30n, { runtime });
  const [area] = diffAreaManagement.forVolume("C:\\", { runtime });
  assertEquals(area.maximumBytes, 1n << 30n);
  assertEquals(diffAreaManagement.onVolume("D:\\", { runtime }).length, 1);
  diffAreaManagement.changeMaximumSize("C:\\", "D:\\", 2n << 30n, {
    runtime,
    providerId: SYSTEM_PROVIDER_ID,
  });
  assertEquals(diffAreaManagement.forVolume("C:\\", { runtime })[0].maximumBytes, 2n << 30n);
  diffAreaManagement.setProtection("C:\\", "snapshot", { runtime });
  assertEquals(diffAreaManagement.protection("C:\\", { runtime }).level, "snapshot");
  nothingLeft();
});

Deno.test("import a saved set, and the errors of wrong volumes and full volumes", async () => {
  sim.reset();
  sim.hardwareProvider(true); // transportable sets and their import need a hardware provider
  const set = await createShadowCopySet(["C:\\"], {
    runtime,
    persistent: true,
    transportable: true,
    writers: false,
  });
  const document = set.saveBackupDocument();
  await set.delete();
  const imported = await importShadowCopies(document, { runtime });
  assertEquals(
    imported.map((s) => s.id),
    [set.snapshots[0].id],
    "the document's shadow copy comes back",
  );
  assert(imported[0].attributeNames.includes("imported"));
  await deleteShadowCopies({ all: true }, { runtime });
  await assertRejects(
    () => createShadowCopySet(["Q:\\"], { runtime, writers: false }),
    VolumeNotFoundError,
  );
  sim.maxSnapshotsPerVolume(1);
  await persistentSet();
  await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false }),
    LimitReachedError,
  );
  sim.maxSnapshotsPerVolume(-1);
  await deleteShadowCopies({ all: true }, { runtime });
  assertEquals(sim.snapshotCount(), 0);
  nothingLeft();
});
