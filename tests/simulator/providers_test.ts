/**
 * Providers: with only the system provider, what only a hardware provider
 * supports (transportable sets, ImportSnapshots, BreakSnapshotSet) fails with
 * the documented codes; with the simulated hardware provider registered
 * (control call, or VSS_SIM_HARDWARE_PROVIDER=1, saved in the state
 * directory) the whole transportable flow works through the requester API.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  breakShadowCopySet,
  createShadowCopySet,
  deleteShadowCopies,
  importShadowCopies,
  listProviders,
  listShadowCopies,
  RequesterError,
  SYSTEM_PROVIDER_ID,
  VolumeNotSupportedError,
} from "../../mod.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { HARDWARE_PROVIDER_ID, openSimulator } from "../../simulator/control.ts";
import { baseEnv, cliArgs } from "../cli/helpers.ts";
import { cleanup, hrOf, isolatedScratch, scratch, sep } from "./helpers.ts";

const { runtime, sim } = openSimulator();

function clean() {
  assert.deepEqual(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
}

Deno.test("system provider only: transportable, break and import fail with the documented codes", async () => {
  sim.reset();
  const providers = await listProviders({ runtime });
  assert.deepEqual(providers.map((p) => [p.id, p.type]), [[SYSTEM_PROVIDER_ID, "system"]]);

  // AddToSnapshotSet page: GUID_NULL and no provider supports the volume in that context.
  await createShadowCopySet(["C:\\"], { runtime, writers: false, transportable: true }).then(
    () => assert.fail("a transportable set with the system provider"),
    (e) => {
      assert.ok(e instanceof VolumeNotSupportedError);
      assert.equal(hrOf(e), HRESULT.VSS_E_VOLUME_NOT_SUPPORTED);
    },
  );
  // Named provider: VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER.
  await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    transportable: true,
    providerId: SYSTEM_PROVIDER_ID,
  }).then(
    () => assert.fail("a transportable set with the system provider"),
    (e) => {
      assert.ok(e instanceof VolumeNotSupportedError);
      assert.equal(hrOf(e), HRESULT.VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER);
    },
  );
  // The hardware provider is not registered: its id is unknown.
  await createShadowCopySet(["C:\\"], { runtime, writers: false, providerId: HARDWARE_PROVIDER_ID })
    .then(
      () => assert.fail("an unregistered provider"),
      (e) => assert.equal(hrOf(e), HRESULT.VSS_E_PROVIDER_NOT_REGISTERED),
    );

  const set = await createShadowCopySet(["C:\\"], { runtime, writers: false, persistent: true });
  const document = set.saveBackupDocument();
  await set.complete();
  // BreakSnapshotSet(Ex) pages: a software provider's copies cannot be broken.
  for (const flags of [undefined, 2]) {
    await breakShadowCopySet(set.id, { runtime, flags }).then(
      () => assert.fail("broke a system provider set"),
      (e) => {
        assert.equal(hrOf(e), HRESULT.VSS_E_PROVIDER_VETO);
        // Not the transient veto of DoSnapshotSet: the hint names the hardware provider.
        assert.ok(e instanceof RequesterError && !e.retryable, String(e));
        assert.match(e.hint, /hardware provider/);
        // The simulator is in use, so the hint says how it gets one.
        assert.match(e.hint, /On the simulator, VSS_SIM_HARDWARE_PROVIDER=1/);
      },
    );
  }
  assert.equal((await listShadowCopies({ runtime, setId: set.id })).length, 1, "nothing broken");
  // ImportSnapshots page: hardware providers only; this document has no transportable copy.
  await importShadowCopies(document, { runtime }).then(
    () => assert.fail("imported a system provider set"),
    (e) => assert.equal(hrOf(e), HRESULT.VSS_E_BAD_STATE),
  );
  await deleteShadowCopies({ all: true }, { runtime });
  clean();
});

Deno.test("hardware provider: a transportable set is made, imported and broken end to end", async () => {
  using t = isolatedScratch(sim, 3);
  sim.hardwareProvider(true);
  const providers = await listProviders({ runtime });
  assert.deepEqual(providers.map((p) => [p.id, p.type]), [
    [SYSTEM_PROVIDER_ID, "system"],
    [HARDWARE_PROVIDER_ID, "hardware"],
  ]);
  const volume = t.volume + sep;
  const set = await createShadowCopySet([volume, "C:\\"], {
    runtime,
    writers: false,
    persistent: true,
    transportable: true,
  });
  for (const s of set.snapshots) {
    assert.equal(s.providerId, HARDWARE_PROVIDER_ID);
    assert.equal(s.devicePath, "", "not surfaced on the creating machine");
    for (const a of ["transportable", "hardware_assisted", "not_surfaced", "plex"]) {
      assert.ok(s.attributeNames.includes(a), `${a} in ${s.attributeNames}`);
    }
  }
  assert.throws(() => set.mapPath(join(t.volume, "f0.txt")), RangeError);
  const document = set.saveBackupDocument();
  await set.complete();
  Deno.writeTextFileSync(join(t.volume, "f0.txt"), "changed after the snapshot");

  const imported = await importShadowCopies(document, { runtime });
  assert.deepEqual(
    imported.map((s) => s.id).sort(),
    set.snapshots.map((s) => s.id).sort(),
    "the set surfaces",
  );
  const dir = imported.find((s) => s.originalVolumeName === volume);
  assert.ok(dir, `no imported copy of ${volume}: ${imported.map((s) => s.originalVolumeName)}`);
  for (const s of imported) {
    assert.ok(s.attributeNames.includes("imported"));
    assert.ok(!s.attributeNames.includes("not_surfaced"));
    assert.notEqual(s.devicePath, "");
  }
  assert.equal(Deno.readTextFileSync(join(dir.devicePath, "f0.txt")), "file 0");
  // Imported once: a second import brings nothing new.
  assert.deepEqual(await importShadowCopies(document, { runtime }), []);

  await breakShadowCopySet(set.id, { runtime, flags: 2 });
  assert.deepEqual(
    await listShadowCopies({ runtime, setId: set.id }),
    [],
    "a broken set leaves VSS",
  );
  assert.equal(
    Deno.readTextFileSync(join(dir.devicePath, "f0.txt")),
    "file 0",
    "the broken copy stays",
  );
  Deno.removeSync(dir.devicePath, { recursive: true });

  // The system provider still answers when asked by id, also with the hardware one there.
  const plain = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    providerId: SYSTEM_PROVIDER_ID,
  });
  assert.equal(plain.snapshots[0].providerId, SYSTEM_PROVIDER_ID);
  assert.ok(plain.snapshots[0].attributeNames.includes("differential"));
  await plain.complete();
  // An import whose provider is not registered here fails in the wait.
  const again = await createShadowCopySet(["C:\\"], {
    runtime,
    writers: false,
    persistent: true,
    transportable: true,
  });
  const moved = again.saveBackupDocument();
  await again.complete();
  sim.hardwareProvider(false);
  await importShadowCopies(moved, { runtime }).then(
    () => assert.fail("imported without the provider"),
    (e) => assert.equal(hrOf(e), HRESULT.VSS_E_PROVIDER_NOT_REGISTERED),
  );
  await deleteShadowCopies({ all: true }, { runtime });
  clean();
});

/** `vss providers --simulator --json` in a new process with this environment. */
async function providersOf(env: Record<string, string>): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(["providers", "--simulator", "--json"], true),
    env: { ...baseEnv(), ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const parsed = JSON.parse(text);
  const list = (Array.isArray(parsed) ? parsed : parsed.providers) as { type: string }[];
  return list.map((p) => p.type);
}

Deno.test("VSS_SIM_HARDWARE_PROVIDER registers it; the registration is saved with the state directory", async () => {
  const t = scratch(1);
  try {
    assert.deepEqual(await providersOf({}), ["system"]);
    assert.deepEqual(await providersOf({ VSS_SIM_HARDWARE_PROVIDER: "1" }), ["system", "hardware"]);
    const state = { VSS_SIM_STATE_DIR: t.state, VSS_SIM_SNAPSHOT_ROOT: t.snaps };
    assert.deepEqual(await providersOf({ ...state, VSS_SIM_HARDWARE_PROVIDER: "1" }), [
      "system",
      "hardware",
    ]);
    assert.deepEqual(await providersOf(state), ["system", "hardware"], "a later process sees it");
    assert.deepEqual(await providersOf({ ...state, VSS_SIM_HARDWARE_PROVIDER: "0" }), ["system"]);
    assert.deepEqual(await providersOf(state), ["system"], "and its removal");
  } finally {
    cleanup(t.base);
  }
});
