/**
 * Coverage: every method page of every bound interface, and every exported
 * function's page, is in the model with a vtable slot or an export entry.
 */

import { assertEquals } from "../assert.ts";
import { readCorpus } from "../../docs-src/corpus.ts";
import { crawlCorpus } from "../../gen/pages/crawl.ts";
import type { AbiModel } from "../../gen/model.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);

Deno.test("every documented method of every bound interface has a slot in the model", async () => {
  const pages = crawlCorpus(await readCorpus());
  const missing: string[] = [];
  const perInterface = new Map<string, number>();
  for (const m of pages.methods) {
    const iface = abi.interfaces[m.interface];
    const bound = iface?.methods.find((x) => x.name === m.name);
    if (!bound || !Number.isInteger(bound.slot) || bound.doc !== m.doc) {
      missing.push(`${m.interface}::${m.name}`);
      continue;
    }
    perInterface.set(m.interface, (perInterface.get(m.interface) ?? 0) + 1);
  }
  assertEquals(missing, []);
  const documentedInterfaces = new Set(pages.interfaces.map((i) => i.name));
  assertEquals([...documentedInterfaces].filter((n) => !abi.interfaces[n]), []);
  const slots = Object.values(abi.interfaces).reduce((n, i) => n + i.methods.length, 0);
  console.log(
    `coverage: ${pages.methods.length} of ${pages.methods.length} method pages bound with a slot, ` +
      `${documentedInterfaces.size} interfaces (+ IUnknown), ${slots} slots declared in the model`,
  );
  for (const [name, n] of [...perInterface].sort()) console.log(`  ${name.padEnd(40)} ${n}`);
});

Deno.test("every exported requester function is bound with its page", () => {
  const wanted = [
    "CreateVssBackupComponentsInternal",
    "CreateVssExamineWriterMetadataInternal",
    "VssFreeSnapshotPropertiesInternal",
    "IsVolumeSnapshottedInternal",
    "ShouldBlockRevertInternal",
  ];
  assertEquals(Object.keys(abi.functions).sort(), [...wanted].sort());
  for (const name of wanted) {
    assertEquals(abi.functions[name].dll, "vssapi.dll");
    assertEquals(typeof abi.functions[name].doc, "string");
  }
});

Deno.test("writer-side and provider-side symbols are listed as not bound, with a reason", () => {
  const reasons = new Map(abi.notBound.map((n) => [n.name, n.reason]));
  for (
    const name of [
      "CVssWriter",
      "IVssCreateWriterMetadata",
      "IVssSoftwareSnapshotProvider",
      "IVssAdmin",
    ]
  ) {
    assertEquals(typeof reasons.get(name), "string", name);
  }
});
