/**
 * Ownership in the model: every out parameter of ffi/generated/abi.json says
 * how its value is freed and where that rule comes from, and every array out
 * parameter names the parameters that give its length.
 */

import { assert, assertEquals } from "../assert.ts";
import type { AbiModel, AbiParam } from "../../gen/model.ts";
import { readCorpus } from "../../docs-src/corpus.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);
const corpus = await readCorpus();

const FREE_WITH = new Set([
  "SysFreeString",
  "CoTaskMemFree",
  "VssFreeSnapshotProperties",
  "FreeComponentInfo",
  "FreeWriterStatus",
  "Release",
  "none",
]);

interface Site {
  where: string;
  param: AbiParam;
  params: AbiParam[];
}

function outParams(): Site[] {
  const sites: Site[] = [];
  for (const [iface, i] of Object.entries(abi.interfaces)) {
    for (const m of i.methods) {
      for (const param of m.params) {
        if (param.direction !== "in") {
          sites.push({ where: `${iface}::${m.name}.${param.name}`, param, params: m.params });
        }
      }
    }
  }
  for (const [name, f] of Object.entries(abi.functions)) {
    for (const param of f.params) {
      if (param.direction !== "in") {
        sites.push({ where: `${name}.${param.name}`, param, params: f.params });
      }
    }
  }
  return sites;
}

/** True when the source is a page of the corpus, or says it is a header fact or a convention. */
function validSource(source: string | undefined): boolean {
  if (source === undefined) return false;
  if (/^(?:header|convention): \S/.test(source)) return true;
  return corpus.has(source);
}

Deno.test("every out parameter has an owner rule with its source", () => {
  const sites = outParams();
  assert(sites.length >= 170, `only ${sites.length} out parameters found`);
  const problems = sites.flatMap(({ where, param }) => {
    if (!param.freeWith || !FREE_WITH.has(param.freeWith)) {
      return [`${where}: freeWith ${param.freeWith}`];
    }
    if (!validSource(param.ownerSource)) return [`${where}: ownerSource ${param.ownerSource}`];
    return [];
  });
  assertEquals(problems, []);
});

Deno.test("a page given as the source of a rule names the freeing function", () => {
  const pageNames: Record<string, RegExp> = {
    SysFreeString: /SysFreeString/,
    CoTaskMemFree: /CoTaskMemFree/,
    VssFreeSnapshotProperties: /VssFreeSnapshotProperties/,
    FreeComponentInfo: /FreeComponentInfo/,
    Release: /Release/,
  };
  const problems = outParams().flatMap(({ where, param }) => {
    const text = corpus.get(param.ownerSource ?? "");
    if (text === undefined) return [];
    return pageNames[param.freeWith!]?.test(text) ? [] : [`${where}: ${param.ownerSource}`];
  });
  assertEquals(problems, []);
});

Deno.test("every array out parameter names a real parameter for its length", () => {
  // Arrays: what the model marks as one, every byte buffer handed out, and
  // every struct an enumerator's Next fills (COM enumerators return arrays).
  const arrays = outParams().filter(({ where, param }) =>
    param.capacityParam !== undefined || param.countParam !== undefined ||
    /^BYTE \*\*$/.test(param.type) ||
    (/::Next\./.test(where) && /^VSS_\w+ \*$/.test(param.type))
  );
  assert(arrays.length >= 3, `only ${arrays.length} array out parameters found`);
  const problems = arrays.flatMap(({ where, param, params }) => {
    const names = new Set(params.map((p) => p.name));
    const out: string[] = [];
    if (!param.countParam || !names.has(param.countParam)) {
      out.push(`${where}: countParam ${param.countParam}`);
    }
    const count = params.find((p) => p.name === param.countParam);
    if (count && count.direction === "in") {
      out.push(`${where}: count ${count.name} is not an out parameter`);
    }
    if (param.capacityParam !== undefined) {
      const capacity = params.find((p) => p.name === param.capacityParam);
      if (!capacity || capacity.direction !== "in") {
        out.push(`${where}: capacityParam ${param.capacityParam}`);
      }
    }
    if (!validSource(param.countSource)) out.push(`${where}: countSource ${param.countSource}`);
    return out;
  });
  assertEquals(problems, []);
});

Deno.test("owner rules and counts of the results the requester relies on", () => {
  const param = (iface: string, method: string, name: string) =>
    abi.interfaces[iface].methods.find((m) => m.name === method)!.params.find((p) =>
      p.name === name
    )!;
  const pick = (p: AbiParam) => ({
    freeWith: p.freeWith,
    countParam: p.countParam,
    capacityParam: p.capacityParam,
  });
  assertEquals(pick(param("IVssBackupComponents", "GetSnapshotProperties", "pProp")), {
    freeWith: "VssFreeSnapshotProperties",
    countParam: undefined,
    capacityParam: undefined,
  });
  assertEquals(pick(param("IVssEnumObject", "Next", "rgelt")), {
    freeWith: "CoTaskMemFree",
    countParam: "pceltFetched",
    capacityParam: "celt",
  });
  assertEquals(pick(param("IVssEnumMgmtObject", "Next", "rgelt")), {
    freeWith: "CoTaskMemFree",
    countParam: "pceltFetched",
    capacityParam: "celt",
  });
  assertEquals(pick(param("IVssWMComponent", "GetComponentInfo", "ppInfo")), {
    freeWith: "FreeComponentInfo",
    countParam: undefined,
    capacityParam: undefined,
  });
  assertEquals(
    pick(param("IVssDifferentialSoftwareSnapshotMgmt3", "QuerySnapshotDeltaBitmap", "ppbBitmap")),
    { freeWith: "CoTaskMemFree", countParam: "pcBitmapLength", capacityParam: undefined },
  );
  assertEquals(
    param("IVssBackupComponents", "ExposeSnapshot", "pwszExposed").freeWith,
    "CoTaskMemFree",
  );
  assertEquals(
    param("IVssBackupComponents", "StartSnapshotSet", "pSnapshotSetId").freeWith,
    "none",
  );
  assertEquals(param("IVssBackupComponents", "PrepareForBackup", "ppAsync").freeWith, "Release");
  assertEquals(abi.structs.VSS_SNAPSHOT_PROP.freeWith, "VssFreeSnapshotProperties");
});
