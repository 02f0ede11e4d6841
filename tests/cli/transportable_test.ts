/**
 * Transportable shadow copy sets from the command line (simulator/README.md
 * "Providers"; importing-transportable-shadow-copied-volumes.md): `vss create
 * --transportable --save-document` on one machine, `vss import` and `vss
 * break` on another, each command its own process, with the simulated
 * hardware provider registered by VSS_SIM_HARDWARE_PROVIDER=1 and each
 * machine kept in its own VSS_SIM_STATE_DIR. With the system provider only,
 * the request fails with the typed error, exit 5 and advice that names the
 * hardware provider (and how to register the simulated one).
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  runCli,
  type RunOptions,
  simulatorHasDirectoryVolumes,
  simulatorHasStateDir,
} from "./helpers.ts";

type Listed = Record<string, unknown> & {
  id: string;
  setId: string;
  devicePath: string;
  originalVolumeName: string;
  attributeNames: string[];
  providerId: string;
};

const HARDWARE_PROVIDER_ID = "5a1d0000-0000-4000-8000-4857c0de0001";
const SYSTEM_PROVIDER_ID = "b5946137-7b9f-4925-af80-51abd60b20d5";
const HARDWARE = { VSS_SIM_HARDWARE_PROVIDER: "1" };
const ready = simulatorHasStateDir && simulatorHasDirectoryVolumes;
if (!ready) {
  console.log("transportable_test: this simulator build has no state folder or directory volumes");
}

/** A machine that outlives processes: a state folder, a snapshot root and a data volume. */
async function machine(name: string) {
  const base = await Deno.makeTempDir({ prefix: `vss-cli-${name}-` });
  const env = {
    VSS_SIM_STATE_DIR: `${base}/state`,
    VSS_SIM_SNAPSHOT_ROOT: `${base}/snapshots`,
  };
  const volume = `${base}/volume`;
  await Deno.mkdir(volume);
  await Deno.writeTextFile(`${volume}/data.txt`, "at the snapshot");
  return {
    base,
    volume,
    run: (args: string[], options: RunOptions = {}) =>
      runCli(args, { ...options, env: { ...env, ...options.env } }),
    async [Symbol.asyncDispose]() {
      await Deno.remove(base, { recursive: true }).catch(() => {});
    },
  };
}

const strip = (path: string) => path.replace(/[\\/]$/, "");

Deno.test({
  name: "create --transportable, then import and break on another machine (hardware provider)",
  ignore: !ready,
  async fn() {
    await using source = await machine("source");
    await using target = await machine("target");
    const doc = `${source.base}/set.xml`;
    const made = await source.run(
      [
        "create",
        source.volume,
        "--transportable",
        "--persistent",
        "--save-document",
        doc,
        "--json",
      ],
      { env: HARDWARE },
    );
    assertEquals(made.code, 0, made.stderr);
    const set = made.json();
    assertEquals([set.transportable, set.persistent], [true, true]);
    const [copy] = set.snapshots as Listed[];
    assertEquals(copy.providerId, HARDWARE_PROVIDER_ID);
    assertEquals(copy.devicePath, "", "not surfaced where it was made");
    for (const a of ["transportable", "not_surfaced", "hardware_assisted"]) {
      assert(copy.attributeNames.includes(a), `${a} in ${copy.attributeNames}`);
    }
    assertMatch(await Deno.readTextFile(doc), /<\w/);
    // The source lists nothing: Query does not list a set that is not surfaced.
    assertEquals((await source.run(["list", "--json"])).json(), { shadowCopies: [] });
    await Deno.writeTextFile(`${source.volume}/data.txt`, "changed later");

    // Another machine without the provider cannot import it.
    const refused = await target.run(["import", doc, "--json"]);
    assertEquals(refused.code, 8, refused.stderr);
    const error = refused.json().error as Record<string, string>;
    assertEquals(error.code, "VSS_E_PROVIDER_NOT_REGISTERED");
    assertMatch(error.message, /hardware provider that made the set is not registered here/);
    assertMatch(error.hint, /VSS_SIM_HARDWARE_PROVIDER=1/);

    const imported = await target.run(["import", doc, "--json"], { env: HARDWARE });
    assertEquals(imported.code, 0, imported.stderr);
    const [surfaced] = imported.json().imported as Listed[];
    assertEquals((imported.json().imported as Listed[]).length, 1);
    assertEquals([surfaced.id, surfaced.setId], [copy.id, set.setId]);
    assert(surfaced.attributeNames.includes("imported"), `${surfaced.attributeNames}`);
    assert(!surfaced.attributeNames.includes("not_surfaced"));
    assertEquals(
      await Deno.readTextFile(`${strip(surfaced.devicePath)}/data.txt`),
      "at the snapshot",
    );
    const listed = await target.run(["list", "--json"]);
    assertEquals((listed.json().shadowCopies as Listed[]).map((s) => s.id), [copy.id]);
    const again = await target.run(["import", doc, "--json"]);
    assertEquals(again.code, 0, again.stderr);
    assertEquals(again.json().imported, [], "a set is imported once");

    // The provider's registration was saved with the target machine: no variable needed.
    const broken = await target.run(["break", set.setId as string, "--json"]);
    assertEquals(broken.code, 0, broken.stderr);
    assertEquals(broken.json(), { setId: set.setId, extended: false, flags: null });
    assertEquals((await target.run(["list", "--json"])).json(), { shadowCopies: [] });
    assertEquals(
      await Deno.readTextFile(`${strip(surfaced.devicePath)}/data.txt`),
      "at the snapshot",
      "a broken shadow copy stays, as an ordinary volume",
    );
  },
});

Deno.test({
  name:
    "create --transportable with the system provider only: VolumeNotSupportedError, exit 5, hardware hint",
  ignore: !ready,
  async fn() {
    await using m = await machine("system");
    const doc = `${m.base}/set.xml`;
    const args = ["create", m.volume, "--transportable", "--persistent", "--save-document", doc];
    // A library named only by VSS_LIBRARY_PATH is "custom": it may be the simulator. (On
    // Windows no variable loads it: the hook's run below covers the hint there.)
    if (Deno.build.os !== "windows") {
      const text = await m.run(args, { bare: true });
      assertEquals(text.code, 5, text.stderr);
      assertMatch(
        text.stderr,
        /^error: no shadow copy provider supports transportable shadow copies of volume .*volume\n/,
      );
      assertMatch(text.stderr, /\nhint: Transportable shadow copies need a hardware provider/);
      assertMatch(text.stderr, /`vss providers` lists them\./);
      assertMatch(
        text.stderr,
        /If the VSS in use is the simulator, register its hardware provider: VSS_SIM_HARDWARE_PROVIDER=1/,
      );
    }
    const json = await m.run([...args, "--json"]); // the test hook loads it as the simulator
    assertEquals(json.code, 5);
    const error = json.json().error as Record<string, unknown>;
    assertEquals(error.name, "VolumeNotSupportedError");
    assertEquals(error.code, "VSS_E_VOLUME_NOT_SUPPORTED");
    assertEquals(error.details, { volume: m.volume, providerId: null, transportable: true });
    assertMatch(error.hint as string, /On the simulator, register its hardware provider/);

    const named = await m.run([...args, "--provider", SYSTEM_PROVIDER_ID, "--json"]);
    assertEquals(named.code, 5);
    const byProvider = named.json().error as Record<string, unknown>;
    assertEquals(byProvider.code, "VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER");
    assertMatch(
      byProvider.message as string,
      /^transportable shadow copies of volume .* are not supported by the shadow copy provider/,
    );

    // Nothing was made, and the document was not left behind.
    assertEquals((await m.run(["list", "--json"])).json(), { shadowCopies: [] });
    await Deno.stat(doc).then(() => assert(false, "no document"), () => {});
    // An ordinary set's document cannot be imported: the error says what an importable one is.
    const plain = await m.run(["create", m.volume, "--persistent", "--save-document", doc]);
    assertEquals(plain.code, 0, plain.stderr);
    const imported = await m.run(["import", doc, "--json"]);
    assertEquals(imported.code, 8);
    const refusal = imported.json().error as Record<string, string>;
    assertEquals(refusal.code, "VSS_E_BAD_STATE");
    assertMatch(refusal.message, /describes no transportable shadow copy set$/);
    assertMatch(refusal.hint, /--transportable/);
  },
});

Deno.test("create --transportable needs --save-document and --persistent", async () => {
  const noDocument = await runCli(["create", "C:", "--transportable", "--persistent"]);
  assertEquals(noDocument.code, 1);
  assertMatch(noDocument.stderr, /^error: --transportable needs --save-document FILE\n/);
  const released = await runCli(["create", "C:", "--transportable", "--save-document", "x.xml"]);
  assertEquals(released.code, 1);
  assertMatch(
    released.stderr,
    /^error: --transportable needs --persistent \(or a persistent --context\)\n/,
  );
  assertEquals(released.report?.calls ?? [], [], "VSS was not called");
  // A persistent context is enough (the system provider then refuses it: exit 5, not 1).
  const rollback = await runCli(
    ["create", "C:", "--transportable", "--context", "app-rollback", "--save-document", "x.xml"],
  );
  assertEquals(rollback.code, 5, rollback.stderr);
});
