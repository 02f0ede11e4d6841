import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { readCorpus } from "../../docs-src/corpus.ts";
import { crawlCorpus } from "../../gen/pages/crawl.ts";
import { PageFormatError, splitPage } from "../../gen/pages/markdown_page.ts";
import {
  parseDataTypesPage,
  parseEnumPage,
  parseInterfacePage,
  parseMethodPage,
  parseStructPage,
} from "../../gen/pages/symbol_pages.ts";
import { parseReturnCodes } from "../../gen/pages/return_codes.ts";

const corpus = await readCorpus();
const SDK = "sdk-api/sdk-api-src/content";
const page = (path: string) => splitPage(path, corpus.get(path)!);

Deno.test("a method page gives parameters, directions and the return-code table", () => {
  const m = parseMethodPage(
    page(`${SDK}/vsbackup/nf-vsbackup-ivssbackupcomponents-addtosnapshotset.md`),
  );
  assertEquals(m.interface, "IVssBackupComponents");
  assertEquals(m.name, "AddToSnapshotSet");
  assertEquals(m.params.map(({ name, direction }) => ({ name, direction })), [
    { name: "pwszVolumeName", direction: "in" },
    { name: "ProviderId", direction: "in" },
    { name: "pidSnapshot", direction: "out" },
  ]);
  const codes = new Map(m.returnCodes.map((c) => [c.name, c.value]));
  assertEquals(codes.get("S_OK"), 0);
  assertEquals(codes.get("VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED"), 0x80042312);
  assertEquals(codes.get("VSS_E_UNEXPECTED"), null, "the page gives this row no value");
  assertEquals(m.returnCodes.length, 16);
  assertEquals(
    m.doc,
    "https://learn.microsoft.com/windows/win32/api/vsbackup/nf-vsbackup-ivssbackupcomponents-addtosnapshotset",
  );
  assertEquals(m.requirements.minClient, "Windows XP [desktop apps only]");
});

Deno.test("an [in, out] parameter keeps both directions", () => {
  const m = parseMethodPage(page(`${SDK}/vss/nf-vss-ivssenumobject-clone.md`));
  assertEquals(m.params, [{ name: "ppenum", direction: "in, out", mentions: [] }]);
});

Deno.test("a method page gives its ownership statements and which parameters they name", () => {
  const next = parseMethodPage(page(`${SDK}/vss/nf-vss-ivssenumobject-next.md`));
  assertEquals(next.params.find((p) => p.name === "rgelt")?.mentions, ["celt"]);
  assertEquals(next.params.find((p) => p.name === "pceltFetched")?.mentions, ["rgelt"]);
  assertEquals(next.frees[0], { freeWith: "CoTaskMemFree", params: [] });
  const info = parseMethodPage(
    page(`${SDK}/vsbackup/nf-vsbackup-ivsswmcomponent-getcomponentinfo.md`),
  );
  assertEquals(info.frees, [{ freeWith: "FreeComponentInfo", params: [] }]);
  const expose = parseMethodPage(
    page(`${SDK}/vsbackup/nf-vsbackup-ivssbackupcomponents-exposesnapshot.md`),
  );
  assertEquals(expose.frees, [{ freeWith: "CoTaskMemFree", params: ["pwszExposed"] }]);
});

Deno.test("a return section written as a sentence still yields its codes", () => {
  const m = parseMethodPage(
    page(`${SDK}/vsbackup/nf-vsbackup-ivssbackupcomponentsex3-getsessionid.md`),
  );
  assertEquals(m.returnCodes, [{ name: "S_OK", value: null }]);
});

Deno.test("interface pages give bases in order and whether the type is a C++ class", () => {
  const ext = parseInterfacePage(page(`${SDK}/vsbackup/nl-vsbackup-ivsswritercomponentsext.md`));
  assertEquals(ext.bases, ["IVssWriterComponents", "IUnknown"]);
  assert(ext.cppOnly);
  const async = parseInterfacePage(page(`${SDK}/vss/nn-vss-ivssasync.md`));
  assertEquals(async.bases, ["IUnknown"]);
  assert(!async.cppOnly);
  const ex3 = parseInterfacePage(page(`${SDK}/vsbackup/nl-vsbackup-ivssbackupcomponentsex3.md`));
  assertEquals(ex3.bases, [
    "IVssBackupComponentsEx2",
    "IVssBackupComponentsEx",
    "IVssBackupComponents",
  ]);
});

Deno.test("enum members keep the values the page gives and no others", () => {
  const e = parseEnumPage(page(`${SDK}/vss/ne-vss-vss_snapshot_context.md`));
  assertEquals(e.name, "VSS_SNAPSHOT_CONTEXT");
  assertEquals(e.members[0], { name: "VSS_CTX_BACKUP", value: 0 });
  assertEquals(e.members[1], { name: "VSS_CTX_FILE_SHARE_BACKUP", value: null });
  assertEquals(e.members.at(-1), { name: "VSS_CTX_ALL", value: 0xffffffff });
  const app = parseEnumPage(page(`${SDK}/vss/ne-vss-vss_application_level.md`));
  assertEquals(app.members.at(-1), { name: "VSS_APP_AUTO", value: -1 });
});

Deno.test("struct pages list fields in order", () => {
  const s = parseStructPage(page(`${SDK}/vss/ns-vss-vss_snapshot_prop.md`));
  assertEquals(s.name, "VSS_SNAPSHOT_PROP");
  assertEquals(s.fields[0], "m_SnapshotId");
  assertEquals(s.fields.at(-1), "m_eStatus");
  assertEquals(s.fields.length, 13);
});

Deno.test("the data types page gives VSS_ID, VSS_PWSZ and VSS_TIMESTAMP", () => {
  const types = parseDataTypesPage(
    page("win32/desktop-src/VSS/volume-shadow-copy-api-data-types.md"),
  );
  assertEquals(types.map((t) => t.name), ["VSS_ID", "VSS_PWSZ", "VSS_TIMESTAMP"]);
  assertEquals(types[2].declaration, "typedef LONGLONG VSS_TIMESTAMP;");
});

const FRONT = "---\nUID: NE:vss._X\ntitle: X (vss.h)\n---\n\n# X enumeration\n\n";

Deno.test("a page without its required section is a clear error", () => {
  const broken = splitPage("made-up/ne-x.md", FRONT + "## -description\n\nText.\n");
  const error = assertThrows(() => parseEnumPage(broken), PageFormatError);
  assertMatch(error.message, /made-up\/ne-x\.md: missing the "## -enum-fields" section/);
});

Deno.test("a broken return-code table is a clear error", () => {
  const oneCell =
    "<table><tr><th>Value</th></tr><tr><td><dl><dt><b>S_OK</b></dt></dl></td></tr></table>";
  assertThrows(() => parseReturnCodes("x.md", oneCell), PageFormatError, "row 1 has 1 cell(s)");
  const noName = "<table><tr><td>this is prose</td><td>x</td></tr></table>";
  assertThrows(() => parseReturnCodes("x.md", noName), PageFormatError, "names no code");
  const badValue =
    "<table><tr><td><dl><dt><b>S_OK</b></dt><dt>zero</dt></dl></td><td>x</td></tr></table>";
  assertThrows(
    () => parseReturnCodes("x.md", badValue),
    PageFormatError,
    'unreadable value "zero"',
  );
});

Deno.test("unreadable headings and missing front matter are clear errors", () => {
  const method = splitPage(
    `${SDK}/vss/nf-vss-ix-m.md`,
    "---\nUID: NF:vss.IX.M\n---\n# M\n## -description\nx\n## -parameters\n### -param a b c [sideways]\n",
  );
  assertThrows(
    () => parseMethodPage(method),
    PageFormatError,
    'unreadable parameter heading "a b c [sideways]"',
  );
  assertThrows(
    () => splitPage("n.md", "# no front matter\n"),
    PageFormatError,
    "no front matter block",
  );
  const badMember = splitPage(
    `${SDK}/vss/ne-vss-x.md`,
    FRONT + "## -enum-fields\n### -field lower case:1\n",
  );
  assertThrows(() => parseEnumPage(badMember), PageFormatError, "unreadable enumeration member");
});

Deno.test("the crawl reaches every requester page from the root and records what it leaves out", () => {
  const model = crawlCorpus(corpus);
  assertEquals(model.interfaces.length, 24);
  assertEquals(model.methods.length, 171);
  assertEquals(model.enums.length, 30);
  assertEquals(model.structs.length, 11);
  const functions = model.functions.map((f) => f.name);
  for (
    const f of [
      "CreateVssBackupComponentsInternal",
      "CreateVssExamineWriterMetadataInternal",
      "IsVolumeSnapshottedInternal",
      "VssFreeSnapshotPropertiesInternal",
    ]
  ) {
    assert(functions.includes(f), f);
  }
  const reasons = new Map(model.unbound.map((u) => [u.name, u.reason]));
  assertMatch(reasons.get("CVssWriter")!, /writer-side/);
  assertMatch(reasons.get("IVssHardwareSnapshotProvider")!, /provider-side/);
  assertMatch(reasons.get("VSS_OBJECT_UNION")!, /protocol specification/);
  console.log(
    `crawl: ${model.pagesRead.length} pages read, ${model.interfaces.length} interfaces, ` +
      `${model.methods.length} method pages, ${model.unbound.length} links not bound`,
  );
});
