/**
 * Every HRESULT of the model has a meaning, a hint and a retryable flag in
 * the one table, and VssError reads its hint and flag from it.
 */

import { assert, assertEquals } from "../assert.ts";
import { HRESULT, type HresultName } from "../../ffi/generated/hresults.ts";
import { isRetryableHresult, VssError } from "../../ffi/errors.ts";
import { hresultMeaning, meaningNames } from "../../ffi/hresult_meanings.ts";

Deno.test("every HRESULT in the model has a meaning, a hint and a retryable flag", () => {
  const names = Object.keys(HRESULT) as HresultName[];
  assert(names.length > 90, `${names.length} HRESULTs in the model`);
  assertEquals(meaningNames().sort(), [...names].sort());
  for (const name of names) {
    const m = hresultMeaning(HRESULT[name]);
    assert(m !== undefined, `${name} has a row`);
    assert(m.meaning.length >= 7 && !m.meaning.endsWith("."), `${name}: meaning "${m.meaning}"`);
    assert(m.hint.length > 8 && m.hint.endsWith("."), `${name}: hint "${m.hint}"`);
    assertEquals(typeof m.retryable, "boolean", name);
    assertEquals(isRetryableHresult(HRESULT[name]), m.retryable, `${name}: one table`);
  }
});

Deno.test("the codes the reference calls transient are retryable; final ones are not", () => {
  const retryable: HresultName[] = [
    "VSS_E_SNAPSHOT_SET_IN_PROGRESS",
    "VSS_E_FLUSH_WRITES_TIMEOUT",
    "VSS_E_HOLD_WRITES_TIMEOUT",
    "VSS_E_PROVIDER_VETO",
    "VSS_E_UNEXPECTED_PROVIDER_ERROR",
    "VSS_E_WRITERERROR_RETRYABLE",
    "VSS_E_WRITERERROR_TIMEOUT",
    "VSS_E_WRITERERROR_OUTOFRESOURCES",
    "VSS_E_WRITER_NOT_RESPONDING",
  ];
  const final: HresultName[] = [
    "VSS_E_WRITERERROR_NONRETRYABLE",
    "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT",
    "VSS_E_REBOOT_REQUIRED",
    "VSS_E_UNSUPPORTED_CONTEXT",
    "VSS_E_BAD_STATE",
    "E_ACCESSDENIED",
  ];
  for (const n of retryable) assert(hresultMeaning(n)!.retryable, `${n} retryable`);
  for (const n of final) assert(!hresultMeaning(n)!.retryable, `${n} final`);
});

Deno.test("a VssError carries the code's own hint, then its page, and the table's flag", () => {
  const e = new VssError(HRESULT.VSS_E_REBOOT_REQUIRED, "IVssAsync", "DoSnapshotSet", null);
  assertEquals(e.hint, hresultMeaning("VSS_E_REBOOT_REQUIRED")!.hint);
  assertEquals(e.retryable, false);
  assert(!e.message.includes(e.hint!), "the hint stays out of the message");
  const unknown = new VssError(0x80070002, "IVssAsync", "Wait", "https://example.org/x");
  assertEquals(unknown.hint, "See https://example.org/x");
  assertEquals(hresultMeaning(0x80070002), undefined);
  assertEquals(hresultMeaning(-2147212529)?.name, "VSS_E_UNEXPECTED_PROVIDER_ERROR"); // signed form
});
