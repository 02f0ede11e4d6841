/**
 * A transportable request the system provider cannot serve (simulator/README.md
 * "Providers"; `vss/ne-vss-vss_volume_snapshot_attributes.md`): the
 * VolumeNotSupportedError says it was a transportable request and that a
 * hardware provider is needed; an ordinary unsupported volume keeps the
 * ordinary advice.
 */

import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { VssError } from "../../ffi/errors.ts";
import {
  createShadowCopySet,
  explain,
  SYSTEM_PROVIDER_ID,
  VolumeNotSupportedError,
} from "../../requester/mod.ts";
import { HARDWARE_PROVIDER_ID, openSimulator } from "../../simulator/control.ts";

const { runtime, sim } = openSimulator();

Deno.test("explain: a transportable request's unsupported volume asks for a hardware provider", () => {
  const low = new VssError(
    HRESULT.VSS_E_VOLUME_NOT_SUPPORTED,
    "IVssBackupComponents",
    "AddToSnapshotSet",
    null,
  );
  const plain = explain(low, { volume: "C:\\" }) as VolumeNotSupportedError;
  assert(plain instanceof VolumeNotSupportedError);
  assertEquals(plain.transportable, false);
  assertEquals(plain.message, "no shadow copy provider supports volume C:\\");
  assert(!plain.hint.includes("hardware"), plain.hint);

  const moved = explain(low, { volume: "C:\\", transportable: true }) as VolumeNotSupportedError;
  assertEquals(moved.transportable, true);
  assertEquals(
    moved.message,
    "no shadow copy provider supports transportable shadow copies of volume C:\\",
  );
  assertMatch(moved.hint, /^Transportable shadow copies need a hardware provider/);
  assertEquals(moved.cause, low);
  assertEquals(moved.hresult, HRESULT.VSS_E_VOLUME_NOT_SUPPORTED);
});

Deno.test("createShadowCopySet({ transportable }) with the system provider only: the error says so", async () => {
  sim.reset();
  sim.hardwareProvider(false);
  const any = await assertRejects(
    () => createShadowCopySet(["C:\\"], { runtime, writers: false, transportable: true }),
    VolumeNotSupportedError,
  );
  assertEquals([any.volume, any.providerId, any.transportable], ["C:\\", null, true]);
  assertEquals(any.hresult, HRESULT.VSS_E_VOLUME_NOT_SUPPORTED);
  assertMatch(any.hint, /hardware provider/);

  const named = await assertRejects(
    () =>
      createShadowCopySet(["C:\\"], {
        runtime,
        writers: false,
        transportable: true,
        providerId: SYSTEM_PROVIDER_ID,
      }),
    VolumeNotSupportedError,
  );
  assertEquals(named.providerId, SYSTEM_PROVIDER_ID);
  assertEquals(named.hresult, HRESULT.VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER);
  assertMatch(named.message, /^transportable shadow copies of volume C:\\ are not supported by/);
  assertMatch(named.hint, /hardware provider/);
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });

  // The same request works once the simulated hardware provider is registered.
  sim.hardwareProvider(true);
  try {
    const set = await createShadowCopySet(["C:\\"], {
      runtime,
      writers: false,
      persistent: true,
      transportable: true,
    });
    assertEquals(set.snapshots[0].providerId, HARDWARE_PROVIDER_ID);
    await set.delete();
  } finally {
    sim.hardwareProvider(false);
    sim.reset();
  }
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
});
