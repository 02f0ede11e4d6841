/**
 * Build-time enrichment of the API reference: for every generated interface
 * and method, its learn.microsoft.com page and the one-line summary from that
 * page's `description:` front matter, read from the verified corpus cache.
 * The summaries exist only in the built site, never in committed files.
 *
 * @module
 */

import { readCorpus } from "../../docs-src/corpus.ts";
import { frontString, splitPage } from "../../gen/pages/markdown_page.ts";
import { abiPath, ccByUrl } from "./config.ts";
import { decodeEntities, escapeHtml } from "./html.ts";

/** A parameter of a generated method or function, as the model records it. */
export interface AbiParam {
  /** The C name: `pwszVolumeName`. */
  name: string;
  /** The C type as the SDK headers write it: `VSS_PWSZ`, `VSS_ID *`. */
  type: string;
  /** `in`, `out` or `inout`. */
  direction: string;
}

/** A method of a generated interface. */
export interface AbiMethod {
  /** The method name. */
  name: string;
  /** Absolute vtable slot (IUnknown is 0..2). */
  slot: number;
  /** Parameters in order. */
  params: AbiParam[];
  /** The C return type: `HRESULT`, `ULONG`. */
  returns: string;
  /** HRESULT names the reference page lists as return values. */
  returnCodes?: string[];
  /** The learn.microsoft.com page. */
  doc: string | null;
}

/** The parts of `ffi/generated/abi.json` the site reads. */
export interface AbiModel {
  /** Interfaces by name. */
  interfaces: Record<string, AbiInterface>;
  /** Exported functions of vssapi.dll by name. */
  functions: Record<
    string,
    { doc: string | null; params: AbiParam[]; returnCodes?: string[]; helper?: string }
  >;
  /** Enumerations by name: members with their signed 32-bit values. */
  enums: Record<string, { header: string; doc: string | null; members: Record<string, number> }>;
  /** Structures and unions by name, with their Windows x64 layout. */
  structs: Record<string, AbiStruct>;
  /** HRESULTs by name: unsigned value and the reference pages that list them. */
  hresults: Record<string, { value: number; source: string; documentedBy: string[] }>;
}

/** A structure or union of the model, laid out for Windows x64. */
export interface AbiStruct {
  /** `struct` or `union`. */
  kind: string;
  /** Declaring header. */
  header: string;
  /** The learn.microsoft.com page. */
  doc: string | null;
  /** Size in bytes. */
  size: number;
  /** Alignment in bytes. */
  align: number;
  /** Fields with their offsets. */
  fields: { name: string; type: string; offset: number; size: number }[];
}

/** One interface of the ABI model. */
export interface AbiInterface {
  /** The learn.microsoft.com page. */
  doc: string | null;
  /** The base interface. */
  base: string | null;
  /** Own methods in vtable order. */
  methods: AbiMethod[];
}

/** A generated interface or method and what its reference page says about it. */
export interface ReferenceEntry {
  /** The interface name. */
  interfaceName: string;
  /** The method name; null for the interface itself. */
  method: string | null;
  /** `IVssBackupComponents` or `IVssBackupComponents::AddToSnapshotSet`. */
  label: string;
  /** The learn.microsoft.com page. */
  url: string;
  /** The page's one-line description, or null when the page is not in the corpus. */
  summary: string | null;
  /** Corpus path of the page the summary came from. */
  corpusPath: string | null;
  /** What the page's return-value table says about each code, by HRESULT name. */
  codeMeanings: ReadonlyMap<string, string>;
}

/** Reads the ABI model. */
export async function readAbi(): Promise<AbiModel> {
  return JSON.parse(await Deno.readTextFile(abiPath)) as AbiModel;
}

/** The methods of `name` and of its bases, nearest first. */
export function methodChain(abi: AbiModel, name: string): Set<string> {
  const out = new Set<string>();
  for (let at: string | null = name; at && abi.interfaces[at]; at = abi.interfaces[at].base) {
    for (const m of abi.interfaces[at].methods) out.add(m.name);
  }
  return out;
}

/** The file stem a learn.microsoft.com address ends with (`nf-vsbackup-...`). */
export function pageStem(url: string): string {
  return url.replace(/[?#].*$/, "").replace(/\/$/, "").split("/").pop()!.toLowerCase();
}

function cleanSummary(text: string): string {
  return decodeEntities(text.replace(/\\([_*`[\]\\])/g, "$1")).replace(/\s+/g, " ").trim();
}

const RETURN_ROW =
  /<dt><b>(\w+)<\/b><\/dt>\s*<dt>0x[0-9a-f]+L?<\/dt>\s*<\/dl>\s*<\/td>\s*<td[^>]*>([\s\S]*?)<\/td>/gi;

/**
 * The rows of a reference page's return-value table: HRESULT name → the
 * page's text for it, as plain text (build time only, never committed).
 */
export function returnCodeMeanings(page: string): Map<string, string> {
  const out = new Map<string, string>();
  const at = page.search(/^## -returns/m);
  if (at === -1) return out;
  const end = page.slice(at + 1).search(/^## -/m);
  const section = end === -1 ? page.slice(at) : page.slice(at, at + 1 + end);
  for (const [, name, cell] of section.matchAll(RETURN_ROW)) {
    const text = cleanSummary(cell.replace(/<[^>]*>/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"));
    if (text && !out.has(name)) out.set(name, text);
  }
  return out;
}

/**
 * Every generated interface and method with its reference page and summary.
 * Fills the corpus cache through `readCorpus()` when needed.
 */
export async function loadReferenceEntries(abi: AbiModel): Promise<ReferenceEntry[]> {
  const corpus = await readCorpus();
  const byStem = new Map<string, string>();
  for (const path of corpus.keys()) {
    const stem = path.split("/").pop()!.replace(/\.md$/, "").toLowerCase();
    if (!byStem.has(stem)) byStem.set(stem, path);
  }
  const summaryOf = (url: string): Omit<ReferenceEntry, "interfaceName" | "method" | "label"> => {
    const path = byStem.get(pageStem(url));
    if (!path) return { url, summary: null, corpusPath: null, codeMeanings: new Map() };
    const text = corpus.get(path)!;
    const description = frontString(splitPage(path, text), "description");
    return {
      url,
      summary: description ? cleanSummary(description) : null,
      corpusPath: path,
      codeMeanings: returnCodeMeanings(text),
    };
  };
  const entries: ReferenceEntry[] = [];
  for (const [name, iface] of Object.entries(abi.interfaces)) {
    if (iface.doc) {
      entries.push({
        interfaceName: name,
        method: null,
        label: name,
        ...summaryOf(iface.doc),
      });
    }
    for (const m of iface.methods) {
      if (!m.doc) continue;
      entries.push({
        interfaceName: name,
        method: m.name,
        label: `${name}::${m.name}`,
        ...summaryOf(m.doc),
      });
    }
  }
  return entries;
}

/**
 * The block added to an interface or method: a visible link to its
 * learn.microsoft.com page and, when the corpus has the page, its summary with
 * the attribution CC-BY-4.0 asks for.
 */
export function referenceHtml(entry: ReferenceEntry): string {
  const url = escapeHtml(entry.url);
  const label = escapeHtml(entry.label);
  const link = `<p class="vss-ref-link"><span class="vss-ref-label">Microsoft reference:</span> ` +
    `<a href="${url}">${label}</a> <span class="vss-ref-host">(learn.microsoft.com)</span></p>`;
  const summary = entry.summary === null
    ? ""
    : `<blockquote class="vss-ref-summary" cite="${url}">` +
      `<p>${escapeHtml(entry.summary)}</p></blockquote>` +
      `<p class="vss-ref-attribution">Summary from the <a href="${url}">Microsoft VSS documentation</a>, ` +
      `<a rel="license" href="${ccByUrl}">CC-BY-4.0</a></p>`;
  return `<div class="vss-ref" data-vss-ref="${label}">${link}${summary}</div>`;
}
