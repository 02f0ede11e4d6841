/**
 * How errors become exit codes and messages: only the CLI's own usage errors
 * exit with 1, the hint is printed apart from the message, and errors are
 * recognised by class and fields.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { GuidFormatError } from "../../ffi/guid.ts";
import { OperationAbortedError, VssError } from "../../ffi/errors.ts";
import { explain, NotElevatedError, VolumeNotSupportedError } from "../../mod.ts";
import { classify, EXIT, InterruptedError, UsageError } from "../../cli/errors.ts";
import { runCli } from "./helpers.ts";

Deno.test("an argument error thrown by the library is not a usage error (exit 10, not 1)", () => {
  for (
    const error of [
      new RangeError("x out of range"),
      new TypeError("not a y"),
      new GuidFormatError("z"),
    ]
  ) {
    const failure = classify(error);
    assertEquals(failure.exitCode, EXIT.internal, error.name);
    assertEquals(failure.name, error.name);
    assertMatch(failure.hint!, /bug in the CLI/);
  }
  const usage = classify(new UsageError("--x needs a value", "Write --x 1."));
  assertEquals(usage, {
    exitCode: EXIT.usage,
    name: "UsageError",
    message: "--x needs a value",
    hint: "Write --x 1.",
    details: undefined,
  });
});

Deno.test("abort and deadline are told apart by the error's reason, not its text", () => {
  const deadline = classify(
    new OperationAbortedError("DoSnapshotSet", "deadline", { phase: "snapshot" }),
  );
  assertEquals(deadline.exitCode, EXIT.aborted);
  assertMatch(deadline.hint!, /--timeout-snapshot/);
  assertEquals(deadline.details, {
    reason: "deadline",
    operation: "DoSnapshotSet",
    phase: "snapshot",
  });
  const aborted = classify(new OperationAbortedError("DoSnapshotSet", "aborted"));
  assertEquals(aborted.exitCode, EXIT.aborted);
  assert(!/--timeout/.test(aborted.hint!), aborted.hint!);
  const interrupted = classify(
    new OperationAbortedError("DoSnapshotSet", "aborted", { cause: new InterruptedError() }),
  );
  assertMatch(interrupted.message, /^interrupted: DoSnapshotSet was aborted/);
});

Deno.test("message and hint come from the error's fields; the HRESULT from its cause", () => {
  const cause = new VssError(
    HRESULT.E_ACCESSDENIED,
    "IVssBackupComponents",
    "InitializeForBackup",
    null,
  );
  const failure = classify(
    new NotElevatedError("VSS refused access", { hint: "Run elevated.", cause }),
  );
  assertEquals(failure.exitCode, EXIT.notElevated);
  assertEquals(failure.message, "VSS refused access");
  assertEquals(failure.hint, "Run elevated.");
  assertEquals(failure.code, "E_ACCESSDENIED");
  assertEquals(failure.hresult, "0x80070005");
});

Deno.test("a transportable request's unsupported volume: hardware provider advice, simulator advice only there", () => {
  const low = new VssError(
    HRESULT.VSS_E_VOLUME_NOT_SUPPORTED,
    "IVssBackupComponents",
    "AddToSnapshotSet",
    null,
  );
  const error = explain(low, { volume: "E:\\", transportable: true });
  assert(error instanceof VolumeNotSupportedError);
  const hints = (["system", "simulator", "custom", undefined] as const).map((vss) => {
    const failure = classify(error, { vss });
    assertEquals(failure.exitCode, EXIT.storage);
    assertEquals(failure.code, "VSS_E_VOLUME_NOT_SUPPORTED");
    assertEquals(failure.details, { volume: "E:\\", providerId: null, transportable: true });
    assertMatch(
      failure.hint!,
      /^Transportable shadow copies need a hardware provider.*`vss providers` lists them\./,
    );
    return failure.hint!;
  });
  assert(!hints[0].includes("VSS_SIM_HARDWARE_PROVIDER"), hints[0]);
  assertMatch(
    hints[1],
    /On the simulator, register its hardware provider: VSS_SIM_HARDWARE_PROVIDER=1/,
  );
  assertMatch(hints[2], /If the VSS in use is the simulator, register/);
  assert(!hints[3].includes("VSS_SIM_HARDWARE_PROVIDER"), "VSS not opened: no simulator advice");

  const plain = classify(explain(low, { volume: "E:\\" }), { vss: "simulator" });
  assert(!plain.hint!.includes("hardware"), plain.hint!);
  assertMatch(plain.hint!, /`vss diff-areas list`/);
});

Deno.test("the hint is printed on its own line, not pasted into the message", async () => {
  const setup = {
    fail: [{ method: "IVssBackupComponents::InitializeForBackup", hr: HRESULT.E_ACCESSDENIED }],
  };
  const text = await runCli(["providers"], { setup });
  assertEquals(text.code, EXIT.notElevated);
  const [message, hint, ...rest] = text.stderr.trimEnd().split("\n");
  assertMatch(message, /^error: /);
  assertMatch(hint, /^hint: \S/);
  assertEquals(rest, []);
  assert(!message.includes(hint.slice("hint: ".length)), `the hint is in the message: ${message}`);
  const json = await runCli(["providers", "--json"], { setup });
  const error = json.json().error as { message: string; hint: string; code: string };
  assertEquals(`hint: ${error.hint}`, hint);
  assertEquals(`error: ${error.message}`, message);
  assert(!error.message.includes(error.hint));
  assertEquals(error.code, "E_ACCESSDENIED");
});
