/**
 * Tests for the SDK header reader (`gen/headers/`): the real mingw-w64 headers
 * plus small malformed inputs.
 *
 * Run: deno test --allow-read --allow-env tests/gen/headers_test.ts
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { HeaderInterface, HeaderModel } from "../../gen/model.ts";
import {
  checkVtblInheritance,
  ConstExprError,
  evaluateConstExpr,
  HeaderParseError,
  HeaderSourceError,
  parseHeaderText,
  readHeaders,
} from "../../gen/headers/mod.ts";

let cached: Promise<HeaderModel> | null = null;
function model(): Promise<HeaderModel> {
  cached ??= readHeaders();
  return cached;
}

async function iface(name: string): Promise<HeaderInterface> {
  const found = (await model()).interfaces.find((i) => i.name === name);
  assert.ok(found, `interface ${name} not found`);
  return found;
}

function slot(i: HeaderInterface, name: string): number {
  const m = i.vtbl.find((v) => v.name === name);
  assert.ok(m, `${i.name}.${name} not found`);
  return m.slot;
}

async function enumValue(name: string): Promise<number> {
  for (const e of (await model()).enums) {
    const member = e.members.find((x) => x.name === name);
    if (member) return member.value;
  }
  throw new Error(`enumerator ${name} not found`);
}

async function hresult(name: string): Promise<number> {
  const h = (await model()).hresults.find((x) => x.name === name);
  assert.ok(h, `HRESULT ${name} not found`);
  return h.value;
}

// ------------------------------------------------------------ real headers

Deno.test("readHeaders: IVssBackupComponents slots and vtbl length", async () => {
  const i = await iface("IVssBackupComponents");
  assert.equal(i.header, "vsbackup.h");
  assert.equal(i.base, "IUnknown");
  assert.equal(i.iid, "665c1d5f-c218-414d-a05d-7fef5f9d5c86");
  assert.equal(slot(i, "QueryInterface"), 0);
  assert.equal(slot(i, "AddRef"), 1);
  assert.equal(slot(i, "Release"), 2);
  assert.equal(slot(i, "GetWriterComponentsCount"), 3);
  assert.equal(i.vtbl.length, 51);
  i.vtbl.forEach((m, k) => assert.equal(m.slot, k));
  assert.equal(i.vtbl.at(-1)!.name, "QueryRevertStatus");
});

Deno.test("readHeaders: AddToSnapshotSet parameter types", async () => {
  const i = await iface("IVssBackupComponents");
  const m = i.vtbl.find((v) => v.name === "AddToSnapshotSet")!;
  assert.equal(m.returns, "HRESULT");
  assert.deepEqual(m.params, [
    { name: "pwszVolumeName", type: "VSS_PWSZ" },
    { name: "ProviderId", type: "VSS_ID" },
    { name: "pidSnapshot", type: "VSS_ID *" },
  ]);
  const q = i.vtbl.find((v) => v.name === "QueryInterface")!;
  assert.deepEqual(q.params, [
    { name: "riid", type: "REFIID" },
    { name: "ppvObject", type: "void **" },
  ]);
  const d = i.vtbl.find((v) => v.name === "DoSnapshotSet")!;
  assert.deepEqual(d.params, [{ name: "ppAsync", type: "IVssAsync **" }]);
  const s = i.vtbl.find((v) => v.name === "SetBackupState")!;
  assert.deepEqual(s.params.map((p) => p.type), [
    "boolean",
    "boolean",
    "VSS_BACKUP_TYPE",
    "boolean",
  ]);
});

Deno.test("readHeaders: IVssWriterComponents has no base and no IUnknown slots", async () => {
  const i = await iface("IVssWriterComponents");
  assert.equal(i.header, "vswriter.h");
  assert.equal(i.base, null);
  assert.equal(i.iid, null);
  assert.equal(i.vtbl[0].name, "GetComponentCount");
  assert.equal(i.vtbl[0].slot, 0);
  assert.deepEqual(i.vtbl.map((m) => m.name), [
    "GetComponentCount",
    "GetWriterInfo",
    "GetComponent",
  ]);
});

Deno.test("readHeaders: IVssWriterComponentsExt derives from IVssWriterComponents", async () => {
  const i = await iface("IVssWriterComponentsExt");
  assert.equal(i.header, "vsbackup.h");
  assert.equal(i.base, "IVssWriterComponents");
  assert.deepEqual(i.vtbl.map((m) => m.name), [
    "GetComponentCount",
    "GetWriterInfo",
    "GetComponent",
  ]);
});

Deno.test("readHeaders: IIDs", async () => {
  assert.equal((await iface("IVssAsync")).iid, "507c37b4-cf5b-4e95-b0af-14eb9767467e");
  assert.equal((await iface("IVssAsync")).header, "vss.h");
  assert.equal((await iface("IVssWMFiledesc")).iid, null);
  assert.equal(
    (await iface("IVssBackupComponentsEx4")).iid,
    "f434c2fd-b553-4961-a9f9-a8e90b673e53",
  );
  assert.equal((await iface("IVssBackupComponentsEx4")).base, "IVssBackupComponentsEx3");
});

Deno.test("readHeaders: every Vtbl begins with its base's Vtbl", async () => {
  assert.deepEqual(checkVtblInheritance(await model()), []);
});

Deno.test("readHeaders: IVssWriterImpl aggregate return is the C Vtbl form", async () => {
  const m = (await iface("IVssWriterImpl")).vtbl.find((v) => v.name === "GetCurrentSnapshotSetId")!;
  assert.equal(m.returns, "VSS_ID *");
  assert.deepEqual(m.params, [{ name: "__ret", type: "VSS_ID *" }]);
});

Deno.test("readHeaders: guids", async () => {
  const guids = (await model()).guids;
  assert.deepEqual(guids.find((g) => g.name === "CLSID_VssSnapshotMgmt"), {
    name: "CLSID_VssSnapshotMgmt",
    value: "0b5a2c52-3eb9-470a-96e2-6c6d4570e40f",
    header: "vsmgmt.h",
  });
  assert.equal(
    guids.find((g) => g.name === "LIBID_VSMGMT")?.value,
    "84015c41-291d-49e6-bf7f-dd40ae93632b",
  );
  assert.ok(guids.every((g) => !g.name.startsWith("IID_")));
});

Deno.test("readHeaders: enum values", async () => {
  assert.equal(await enumValue("VSS_CTX_NAS_ROLLBACK"), 0x19);
  assert.equal(await enumValue("VSS_CTX_ALL"), 4294967295);
  assert.equal(await enumValue("VSS_APP_AUTO"), -1);
  assert.equal(await enumValue("VSS_SM_ALL_FLAGS"), 4294967295);
  const ctx = (await model()).enums.find((e) => e.name === "VSS_SNAPSHOT_CONTEXT")!;
  assert.equal(ctx.tag, "_VSS_SNAPSHOT_CONTEXT");
  assert.equal(ctx.header, "vss.h");
  assert.equal(
    ctx.members.find((m) => m.name === "VSS_CTX_NAS_ROLLBACK")!.expression,
    "(VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE) | VSS_VOLSNAP_ATTR_NO_WRITERS",
  );
  const usage = (await model()).enums.find((e) => e.name === "VSS_USAGE_TYPE")!;
  assert.equal(usage.tag, "VSS_USAGE_TYPE");
  assert.equal(usage.header, "vswriter.h");
});

Deno.test("readHeaders: VSS_SNAPSHOT_PROP fields in order", async () => {
  const s = (await model()).structs.find((x) => x.name === "VSS_SNAPSHOT_PROP")!;
  assert.equal(s.kind, "struct");
  assert.equal(s.tag, "_VSS_SNAPSHOT_PROP");
  assert.deepEqual(s.fields, [
    { name: "m_SnapshotId", type: "VSS_ID" },
    { name: "m_SnapshotSetId", type: "VSS_ID" },
    { name: "m_lSnapshotsCount", type: "LONG" },
    { name: "m_pwszSnapshotDeviceObject", type: "VSS_PWSZ" },
    { name: "m_pwszOriginalVolumeName", type: "VSS_PWSZ" },
    { name: "m_pwszOriginatingMachine", type: "VSS_PWSZ" },
    { name: "m_pwszServiceMachine", type: "VSS_PWSZ" },
    { name: "m_pwszExposedName", type: "VSS_PWSZ" },
    { name: "m_pwszExposedPath", type: "VSS_PWSZ" },
    { name: "m_ProviderId", type: "VSS_ID" },
    { name: "m_lSnapshotAttributes", type: "LONG" },
    { name: "m_tsCreationTimestamp", type: "VSS_TIMESTAMP" },
    { name: "m_eStatus", type: "VSS_SNAPSHOT_STATE" },
  ]);
});

Deno.test("readHeaders: VSS_OBJECT_UNION union", async () => {
  const u = (await model()).structs.find((x) => x.name === "VSS_OBJECT_UNION")!;
  assert.equal(u.kind, "union");
  assert.equal(u.header, "vss.h");
  assert.match(u.tag ?? "", /^__WIDL_vss_generated_name_/);
  assert.deepEqual(u.fields, [
    { name: "Snap", type: "VSS_SNAPSHOT_PROP" },
    { name: "Prov", type: "VSS_PROVIDER_PROP" },
  ]);
  const ci = (await model()).structs.find((x) => x.name === "VSS_COMPONENTINFO")!;
  assert.equal(ci.fields.find((f) => f.name === "pbIcon")!.type, "BYTE *");
});

Deno.test("readHeaders: typedefs", async () => {
  const t = new Map((await model()).typedefs.map((x) => [x.name, x.type]));
  assert.equal(t.get("VSS_PWSZ"), "WCHAR *");
  assert.equal(t.get("VSS_TIMESTAMP"), "LONGLONG");
  assert.equal(t.get("VSS_ID"), "GUID");
  assert.equal(t.get("PVSS_OBJECT_TYPE"), "enum _VSS_OBJECT_TYPE *");
  assert.equal(t.get("PVSS_SNAPSHOT_PROP"), "struct _VSS_SNAPSHOT_PROP *");
  assert.equal(t.get("PVSSCOMPONENTINFO"), "const VSS_COMPONENTINFO *");
  // Forward declarations (`typedef interface X X;`) are not typedefs.
  assert.equal(t.has("IVssAsync"), false);
});

Deno.test("readHeaders: HRESULTs from vsserror.h and winerror.h", async () => {
  assert.equal(await hresult("VSS_E_UNEXPECTED"), 0x80042302);
  assert.equal(await hresult("VSS_S_ASYNC_FINISHED"), 0x0004230a);
  assert.equal(await hresult("E_ACCESSDENIED"), 0x80070005);
  assert.equal(await hresult("S_OK"), 0);
  assert.equal(await hresult("S_FALSE"), 1);
  assert.equal(await hresult("E_NOT_SUFFICIENT_BUFFER"), 0x8007007a);
  const m = await model();
  assert.equal(m.hresults.find((h) => h.name === "VSS_E_UNEXPECTED")!.header, "vsserror.h");
  assert.equal(m.hresults.find((h) => h.name === "E_ACCESSDENIED")!.header, "winerror.h");
  assert.equal(new Set(m.hresults.map((h) => h.name)).size, m.hresults.length);
  assert.ok(
    m.hresults.every((h) => Number.isInteger(h.value) && h.value >= 0 && h.value < 2 ** 32),
  );
});

Deno.test("readHeaders: constants", async () => {
  const c = new Map((await model()).constants.map((x) => [x.name, x.value]));
  assert.equal(c.get("VSS_SW_BOOTABLE_STATE"), 1);
  assert.equal(c.get("VSS_ASSOC_NO_MAX_SPACE"), -1);
  assert.equal(c.get("VSS_ASSOC_REMOVE"), 0);
  assert.equal(c.has("__REQUIRED_RPCNDR_H_VERSION__"), false);
});

Deno.test("readHeaders: the six Internal functions and their inline forwarders", async () => {
  const fns = (await model()).functions;
  const names = [
    "CreateVssBackupComponents",
    "CreateVssExamineWriterMetadata",
    "IsVolumeSnapshotted",
    "VssFreeSnapshotProperties",
    "GetProviderMgmtInterface",
    "ShouldBlockRevert",
  ];
  assert.equal(fns.length, 12);
  for (const name of names) {
    const exported = fns.find((f) => f.name === `${name}Internal`);
    const inline = fns.find((f) => f.name === name);
    assert.ok(exported && inline, name);
    assert.equal(exported.inline, false);
    assert.equal(exported.forwardsTo, null);
    assert.equal(inline.inline, true);
    assert.equal(inline.forwardsTo, `${name}Internal`);
    assert.deepEqual(inline.params, exported.params);
    assert.equal(inline.returns, exported.returns);
    assert.equal(exported.header, "vsbackup.h");
  }
  const create = fns.find((f) => f.name === "CreateVssBackupComponentsInternal")!;
  assert.equal(create.returns, "HRESULT");
  assert.deepEqual(create.params, [{ name: "ppBackup", type: "IVssBackupComponents **" }]);
  const free = fns.find((f) => f.name === "VssFreeSnapshotPropertiesInternal")!;
  assert.equal(free.returns, "void");
  assert.deepEqual(free.params, [{ name: "pProp", type: "VSS_SNAPSHOT_PROP *" }]);
  assert.ok(!fns.some((f) => f.name.startsWith("BSTR_User")));
});

Deno.test("readHeaders: counts", async () => {
  const m = await model();
  assert.equal(m.interfaces.length, 29);
  assert.equal(m.interfaces.reduce((n, i) => n + i.vtbl.length, 0), 645);
  assert.equal(m.enums.length, 30);
  assert.equal(m.structs.length, 11);
  assert.equal(m.typedefs.length, 32);
  assert.equal(m.guids.length, 2);
  assert.equal(m.constants.length, 3);
});

Deno.test("readHeaders: runs well under 150 ms", async () => {
  await readHeaders(); // warm file cache
  const t0 = performance.now();
  await readHeaders();
  const ms = performance.now() - t0;
  assert.ok(ms < 150, `readHeaders took ${ms.toFixed(1)} ms`);
});

// ---------------------------------------------------------------- sources

Deno.test("readHeaders: missing directory throws HeaderSourceError with the hint", async () => {
  const dir = "/nonexistent/vss-sdk-include";
  await assert.rejects(readHeaders({ dir }), (e: unknown) => {
    assert.ok(e instanceof HeaderSourceError);
    assert.equal(e.path, dir);
    assert.match(e.message, /\/nonexistent\/vss-sdk-include/);
    assert.match(e.message, /apt-get install mingw-w64-x86-64-dev/);
    assert.match(e.message, /VSS_SDK_INCLUDE/);
    return true;
  });
});

Deno.test("readHeaders: missing header file throws HeaderSourceError naming it", async () => {
  // An existing directory without the headers: this test's own directory.
  const dir = fileURLToPath(new URL(".", import.meta.url));
  await assert.rejects(readHeaders({ dir }), (e: unknown) => {
    assert.ok(e instanceof HeaderSourceError);
    assert.match(e.message, /SDK header not found: .*\/vss\.h;/);
    assert.match(e.message, /apt-get install mingw-w64-x86-64-dev/);
    return true;
  });
});

// --------------------------------------------------------------- synthetic

const IFOO = `
DEFINE_GUID(IID_IFoo, 0x12345678, 0x9abc, 0xdef0, 0x01,0x23, 0x45,0x67,0x89,0xab,0xcd,0xef);
#if defined(__cplusplus) && !defined(CINTERFACE)
MIDL_INTERFACE("12345678-9abc-def0-0123-456789abcdef")
IFoo : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE Bar(
        const WCHAR *name,
        WCHAR buffer[260]) = 0;
};
#else
typedef struct IFooVtbl {
    BEGIN_INTERFACE
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(
        IFoo *This,
        REFIID riid,
        void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(
        IFoo *This);
    ULONG (STDMETHODCALLTYPE *Release)(
        IFoo *This);
    HRESULT (STDMETHODCALLTYPE *Bar)(
        IFoo *This,
        const WCHAR *name,
        WCHAR buffer[260]);
    END_INTERFACE
} IFooVtbl;
interface IFoo {
    CONST_VTBL IFooVtbl* lpVtbl;
};
#ifdef COBJMACROS
#define IFoo_Bar(This,a,b) (This)->lpVtbl->Bar(This,a,b)
static FORCEINLINE HRESULT IFoo_Bar(IFoo* This,const WCHAR *a,WCHAR b[260]) {
    return This->lpVtbl->Bar(This,a,b);
}
#endif
#endif
`;

function parseError(text: string): HeaderParseError {
  try {
    parseHeaderText("fake.h", text);
  } catch (e) {
    assert.ok(e instanceof HeaderParseError, `expected HeaderParseError, got ${e}`);
    return e;
  }
  assert.fail("expected HeaderParseError");
}

Deno.test("parseHeaderText: a well-formed synthetic interface", () => {
  const m = parseHeaderText("fake.h", IFOO);
  assert.equal(m.interfaces.length, 1);
  const i = m.interfaces[0];
  assert.equal(i.iid, "12345678-9abc-def0-0123-456789abcdef");
  assert.equal(i.base, "IUnknown");
  assert.deepEqual(i.vtbl[3], {
    name: "Bar",
    slot: 3,
    returns: "HRESULT",
    params: [
      { name: "name", type: "const WCHAR *" },
      { name: "buffer", type: "WCHAR [260]" },
    ],
  });
  assert.equal(m.functions.length, 0); // FORCEINLINE wrappers are ignored
});

Deno.test("parseHeaderText: enums follow C rules for implicit values", () => {
  const m = parseHeaderText(
    "fake.h",
    `#define BASE (1 << 4)
typedef enum _E { A, B, C = BASE | 0x1, D, E = -1, F, G = ~0U, H = (LONG)0xffffffff, } E;
typedef enum _E *PE;`,
  );
  assert.deepEqual(
    m.enums[0].members.map((x) => [x.name, x.value, x.expression]),
    [
      ["A", 0, ""],
      ["B", 1, ""],
      ["C", 17, "BASE | 0x1"],
      ["D", 18, ""],
      ["E", -1, "-1"],
      ["F", 0, ""],
      ["G", -1, "~0U"],
      ["H", -1, "(LONG)0xffffffff"],
    ],
  );
  assert.deepEqual(m.typedefs, [{ name: "PE", type: "enum _E *", header: "fake.h" }]);
  assert.deepEqual(m.constants, [{ name: "BASE", value: 16, header: "fake.h" }]);
});

Deno.test("parseHeaderText: struct arrays, multiple declarators and HRESULT defines", () => {
  const m = parseHeaderText(
    "fake.h",
    `typedef struct _S {
    WCHAR name[260];
    LONG a, *b;
} S, *PS;
#define MY_E_FAIL ((HRESULT)0x80040001L)
#define MY_E_TOO _HRESULT_TYPEDEF_(0x80040002L)
#define NOT_A_NUMBER some_function_name
`,
  );
  assert.deepEqual(m.structs[0].fields, [
    { name: "name", type: "WCHAR [260]" },
    { name: "a", type: "LONG" },
    { name: "b", type: "LONG *" },
  ]);
  assert.deepEqual(m.typedefs, [{ name: "PS", type: "struct _S *", header: "fake.h" }]);
  assert.deepEqual(m.hresults.map((h) => [h.name, h.value]), [
    ["MY_E_FAIL", 0x80040001],
    ["MY_E_TOO", 0x80040002],
  ]);
  assert.deepEqual(m.constants, []);
});

Deno.test("parseHeaderText: missing closing brace of a Vtbl struct", () => {
  const text = IFOO.replace("    END_INTERFACE\n} IFooVtbl;", "    END_INTERFACE\nIFooVtbl;");
  const e = parseError(text);
  const line = text.split("\n").findIndex((l) => l.startsWith("IFooVtbl;")) + 1;
  assert.equal(e.header, "fake.h");
  assert.equal(e.line, line);
  assert.match(e.message, new RegExp(`^fake\\.h:${line}: missing \`\\}\``));
  assert.match(e.message, /IFooVtbl;/);
});

Deno.test("parseHeaderText: unterminated struct at end of file", () => {
  const e = parseError(
    "typedef WCHAR *VSS_PWSZ;\ntypedef struct IFooVtbl {\n    BEGIN_INTERFACE\n",
  );
  assert.equal(e.line, 2);
  assert.match(e.message, /^fake\.h:2: unterminated `\{`/);
  assert.match(e.message, /typedef struct IFooVtbl \{/);
});

Deno.test("parseHeaderText: bad enum expression names the line", () => {
  const text = "typedef enum _E {\n    A = 1,\n    B = 2 +,\n    C\n} E;\n";
  const e = parseError(text);
  assert.equal(e.line, 3);
  assert.match(e.message, /^fake\.h:3: /);
  assert.match(e.message, /B = 2 \+,/);
  assert.ok(e.cause instanceof ConstExprError);
});

Deno.test("parseHeaderText: unknown name in an enum expression", () => {
  const e = parseError("typedef enum _E {\n    A = NOT_DEFINED | 1\n} E;\n");
  assert.equal(e.line, 2);
  assert.match(e.message, /unknown name `NOT_DEFINED`/);
});

Deno.test("parseHeaderText: unbalanced parentheses in an enum", () => {
  const e = parseError("typedef enum _E {\n    A = (1 << 2,\n    B\n} E;\n");
  assert.match(e.message, /unbalanced brackets: `\(` opened at line 2/);
  assert.equal(e.line, 4);
});

Deno.test("parseHeaderText: a Vtbl member line that does not parse", () => {
  const text = IFOO.replace(
    "    HRESULT (STDMETHODCALLTYPE *Bar)(",
    "    HRESULT (STDMETHODCALLTYPE Bar)(",
  );
  const e = parseError(text);
  const line = text.split("\n").findIndex((l) => l.includes("STDMETHODCALLTYPE Bar)")) + 1;
  assert.equal(e.line, line);
  assert.match(e.message, new RegExp(`^fake\\.h:${line}: cannot parse Vtbl member`));
  assert.match(e.message, /HRESULT \(STDMETHODCALLTYPE Bar\)\(/);
});

Deno.test("parseHeaderText: unbalanced parentheses in a Vtbl member", () => {
  const addRef = "    ULONG (STDMETHODCALLTYPE *AddRef)(\n        IFoo *This);";
  const text = IFOO.replace(addRef, addRef.replace("This);", "This;"));
  const e = parseError(text);
  const line = text.split("\n").findIndex((l) => l.includes("*AddRef)(")) + 1;
  assert.match(e.message, new RegExp(`unbalanced brackets: \`\\(\` opened at line ${line}`));
});

Deno.test("parseHeaderText: Vtbl member without This", () => {
  const e = parseError(
    IFOO.replace(
      "        IFoo *This);\n    ULONG (STDMETHODCALLTYPE *Release)",
      "        void);\n    ULONG (STDMETHODCALLTYPE *Release)",
    ),
  );
  assert.match(e.message, /first parameter must be `IFoo \*This`/);
});

Deno.test("parseHeaderText: line numbers stay right after a skipped COBJMACROS block", () => {
  const text = IFOO + "typedef enum _E {\n    A = 1 +\n} E;\n";
  const e = parseError(text);
  assert.equal(e.line, text.split("\n").findIndex((l) => l.includes("A = 1 +")) + 1);
});

Deno.test("parseHeaderText: IID and MIDL_INTERFACE uuid must agree", () => {
  const e = parseError(IFOO.replace("0x12345678, 0x9abc", "0x12345679, 0x9abc"));
  assert.match(e.message, /differs from MIDL_INTERFACE uuid/);
});

Deno.test("parseHeaderText: an unknown top-level construct is an error", () => {
  const e = parseError("typedef LONG X;\nsome garbage here\n");
  assert.equal(e.line, 2);
});

// ------------------------------------------------------------- const_expr

Deno.test("evaluateConstExpr", () => {
  const names = new Map([["A", 1n], ["B", 8n]]);
  const ev = (s: string) => evaluateConstExpr(s, { lookup: (n) => names.get(n) });
  assert.equal(ev("0xffffffff"), 4294967295n);
  assert.equal(ev("-1"), -1n);
  assert.equal(ev("(A | B) | 0x10"), 25n);
  assert.equal(ev("1 << 31"), 2147483648n);
  assert.equal(ev("(HRESULT)0x80042302"), -2147212542n);
  assert.equal(ev("(DWORD)-1"), 4294967295n);
  assert.equal(ev("~0"), -1n);
  assert.equal(ev("0x10UL + 010 - 2"), 22n);
  assert.equal(ev("A + B * 2 ^ 3 & 0xff"), 17n ^ 3n);
  assert.equal(ev("((A))"), 1n);
  assert.throws(() => ev("1 +"), ConstExprError);
  assert.throws(() => ev("(1"), ConstExprError);
  assert.throws(() => ev("1)"), ConstExprError);
  assert.throws(() => ev("C"), /unknown name `C`/);
  assert.throws(() => ev("0x"), ConstExprError);
  assert.throws(() => ev("1 / 0"), /division by zero/);
});
