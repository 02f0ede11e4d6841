import { assertEquals, assertThrows } from "../assert.ts";
import {
  DisagreementLog,
  ExplanationsError,
  parseExplanations,
} from "../../gen/abi/disagreements.ts";

Deno.test("explanations are one `id :: reason` line each", () => {
  const parsed = parseExplanations("# comment\n\nbase:IX :: because\n");
  assertEquals([...parsed], [["base:IX", "because"]]);
  assertThrows(
    () => parseExplanations("base:IX because\n"),
    ExplanationsError,
    ':1: expected "id :: reason"',
  );
  assertThrows(() => parseExplanations("a :: x\na :: y\n"), ExplanationsError, "explained twice");
});

Deno.test("unexplained and stale entries are reported", () => {
  const log = new DisagreementLog(new Map([["base:IX", "reviewed"], ["gone:IY", "old"]]));
  log.add("base", "IX", ["IUnknown"], null, "header used");
  log.add("param-name", "IZ::M#0", "a", "b", "header name used");
  assertEquals(log.unexplained().map((d) => d.id), ["param-name:IZ::M#0"]);
  assertEquals(log.stale(), ["gone:IY"]);
  assertEquals(log.entries().find((d) => d.id === "base:IX")?.reason, "reviewed");
});

Deno.test("the builder records a page/header difference and applies the header rule", async () => {
  const { readCorpus } = await import("../../docs-src/corpus.ts");
  const { crawlCorpus } = await import("../../gen/pages/crawl.ts");
  const { readHeaders } = await import("../../gen/headers/mod.ts");
  const { buildAbi } = await import("../../gen/abi/build.ts");
  const pages = crawlCorpus(await readCorpus());
  const headers = await readHeaders();
  const backupType = headers.enums.find((e) => e.name === "VSS_BACKUP_TYPE")!;
  backupType.members[0] = { ...backupType.members[0], value: 7 };
  const method = pages.methods.find((m) => m.name === "AddToSnapshotSet")!;
  method.params[2] = { ...method.params[2], name: "pidRenamed" };
  const { abi, log } = buildAbi(pages, headers, new Map());
  const ids = log.unexplained().map((d) => d.id);
  assertEquals(ids.includes("enum-value:VSS_BACKUP_TYPE.VSS_BT_UNDEFINED"), true);
  assertEquals(ids.includes("param-name:IVssBackupComponents::AddToSnapshotSet#2"), true);
  assertEquals(abi.enums.VSS_BACKUP_TYPE.members.VSS_BT_UNDEFINED, 7);
});
