/**
 * The API reference: `deno doc --html` of the package's entry points, then
 * adjusted so it fits the site: the site header (with the one search box)
 * and footer (version, source link, licences) on every page, the package's
 * import specifiers instead of deno doc's module names, no deno doc search
 * (its index was 0.8 MB on every page), and the blocks from the ABI model
 * and the reference on every generated interface, method, enumeration,
 * structure and HRESULT.
 *
 * @module
 */

import { load as loadHtml } from "cheerio";
import type { PageSource } from "./chrome.ts";
import { runDeno } from "./run_deno.ts";
import { type EntryPoint, entryPoints, siteName } from "./config.ts";
import { decodeEntities, rootPrefix } from "./html.ts";
import {
  enumBlock,
  enumMemberBlock,
  hresultBlock,
  type HresultMeaning,
  methodBlock,
  structBlock,
} from "./model_blocks.ts";
import { type AbiModel, type ReferenceEntry, referenceHtml } from "./reference.ts";

/** One symbol page of the API reference, as the site's search index keeps it. */
export interface ApiNode {
  /** Dotted name: `IVssBackupComponents.prototype.AddToSnapshotSet`. */
  name: string;
  /** deno doc's kind: `Class`, `Method`, `Function`, `Property`, ... */
  kind: string;
  /** Site-relative address: `api/binding/~/IVssBackupComponents.html`. */
  url: string;
  /** The first sentence or so of the symbol's doc. */
  doc: string;
  /** The entry point whose page this is. */
  entry: EntryPoint;
}

/** One entry of deno doc's own search index. */
interface DenoSearchNode {
  name: string;
  /** The module's name as deno doc gives it: `.`, `binding`. */
  file: string;
  kind: { kind: string }[];
  /** The page, relative to the API root. */
  url: string;
  doc?: string;
}

const SEARCH_INDEX_PREFIX = /^\(function \(\) \{\s*window\.DENO_DOC_SEARCH_INDEX = /;
const SEARCH_INDEX_SUFFIX = /;\s*\}\)\(\)\s*$/;
/** deno doc's own search, replaced by the site search. */
const DENO_SEARCH_FILES = ["search_index.js", "fuse.js", "search.js", "darkmode_toggle.js"];

/** Runs `deno doc --html` for every entry point into `outDir` with the running Deno. */
export async function runDenoDoc(outDir: string): Promise<void> {
  await runDeno([
    "doc",
    "--html",
    `--name=${siteName}`,
    `--output=${outDir}`,
    ...entryPoints.map((e) => e.file),
  ]);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** `././~/X.html` → `~/X.html`. */
function normalizeRelative(url: string): string {
  return url.replace(/^(\.\/)+/, "");
}

function firstSentence(doc: string): string {
  const flat = doc.replace(/\s+/g, " ").trim();
  const end = flat.search(/[.:](\s|$)/);
  const sentence = end === -1 ? flat : flat.slice(0, end + 1);
  return sentence.length > 120 ? `${sentence.slice(0, 117)}...` : sentence;
}

/** The entry point whose pages live under `relative` (a path inside the API folder). */
export function entryOfPage(relative: string): EntryPoint {
  const sub = entryPoints.find((e) => e.folder && relative.startsWith(e.folder));
  return sub ?? entryPoints.find((e) => e.folder === "")!;
}

/**
 * Reads deno doc's search index, keeps the entries whose page deno doc wrote
 * (nested properties of plain objects have none), and removes deno doc's
 * search from the output: the site search replaces it.
 */
export async function readApiNodes(apiDir: string, apiFolder: string): Promise<ApiNode[]> {
  const file = `${apiDir}/search_index.js`;
  const text = await Deno.readTextFile(file);
  if (!SEARCH_INDEX_PREFIX.test(text) || !SEARCH_INDEX_SUFFIX.test(text)) {
    throw new Error(`${file}: unexpected format; update api_pages.ts for this deno doc`);
  }
  const index = JSON.parse(text.replace(SEARCH_INDEX_PREFIX, "").replace(SEARCH_INDEX_SUFFIX, ""));
  const kept: ApiNode[] = [];
  for (const node of index.nodes as DenoSearchNode[]) {
    const relative = normalizeRelative(node.url);
    if (!await exists(`${apiDir}/${relative}`)) continue;
    kept.push({
      name: node.name,
      kind: node.kind[0]?.kind ?? "Symbol",
      url: `${apiFolder}/${relative}`,
      doc: firstSentence(node.doc ?? ""),
      entry: entryOfPage(relative),
    });
  }
  for (const name of DENO_SEARCH_FILES) await Deno.remove(`${apiDir}/${name}`);
  return kept;
}

/** What every API page gets from the site, and what the enrichment reads. */
export interface ApiPageContext {
  /** Reference entries of the generated interfaces and methods. */
  entries: readonly ReferenceEntry[];
  /** The ABI model. */
  abi: AbiModel;
  /** The meaning of each HRESULT (see `model_blocks.ts`). */
  meanings: ReadonlyMap<string, HresultMeaning>;
  /** HRESULT name → site-relative address of the guide section that says what to do. */
  advice: ReadonlyMap<string, string>;
  /** Markup put first in `<head>`: the theme script, site stylesheets. */
  head(root: string): string;
  /** The site header (with the site search), put first in `<body>`. */
  header(root: string): string;
  /** The page footer: version, source link, licences. */
  footer(root: string, source: PageSource | null): string;
  /** Where a symbol of an entry point is declared (dotted name, as on the page). */
  locate(entry: EntryPoint, symbol: string): PageSource | null;
}

/** What {@linkcode adjustApiPages} changed. */
export interface ApiPagesReport {
  /** Pages adjusted (all of deno doc's). */
  pages: number;
  /** Blocks added from the reference and the model. */
  blocks: number;
}

async function* htmlFiles(dir: string, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) yield* htmlFiles(`${dir}/${entry.name}`, relative);
    else if (entry.name.endsWith(".html")) yield relative;
  }
}

const SOURCE_BUTTON = /<a\s+class="sourceButton"\s+href="file:[^"]*">[\s\S]*?<\/a>/g;
const DENO_SEARCH_SCRIPTS = new RegExp(
  `<script src="[^"]*(?:${DENO_SEARCH_FILES.map((f) => f.replace(".", "\\.")).join("|")})"[^>]*>` +
    `</script>`,
  "g",
);

/** Replaces deno doc's module names (`default`, `"."`, `"binding"`) by the package's specifiers. */
export function publicNames(html: string): string {
  let out = html;
  for (const entry of entryPoints) {
    const name = entry.folder === "" ? "default" : entry.denoDocName;
    const usage = entry.folder === "" ? "." : entry.denoDocName;
    out = out
      .replaceAll(`class="contextLink">${name}</a>`, `class="contextLink">${entry.specifier}</a>`)
      .replaceAll(`font-bold">${name}</a>`, `font-bold">${entry.specifier}</a>`)
      .replaceAll(` - ${name} - `, ` - ${entry.specifier} - `)
      .replaceAll(`from &quot;${usage}&quot;`, `from &quot;${entry.specifier}&quot;`)
      .replaceAll(`from &quot;./${entry.file}&quot;`, `from &quot;${entry.specifier}&quot;`);
  }
  return out;
}

/** The symbol a page documents: `binding/~/HRESULT.S_OK.html` → `HRESULT.S_OK`; null for indexes. */
export function pageSymbol(relative: string): string | null {
  const at = relative.indexOf("~/");
  return at === -1 ? null : decodeEntities(relative.slice(at + 2).replace(/\.html$/, ""));
}

/**
 * Adjusts every page deno doc wrote under `apiDir` (which sits at
 * `apiFolder/` in the site) and adds the blocks. Fails when a generated
 * interface or method has no page or no place for its block.
 */
export async function adjustApiPages(
  apiDir: string,
  apiFolder: string,
  context: ApiPageContext,
): Promise<ApiPagesReport> {
  const refs = new Map<string, ReferenceEntry[]>();
  for (const entry of context.entries) {
    const add = (symbol: string) => refs.set(symbol, [...(refs.get(symbol) ?? []), entry]);
    add(entry.interfaceName);
    if (entry.method) add(`${entry.interfaceName}.prototype.${entry.method}`);
  }
  const report: ApiPagesReport = { pages: 0, blocks: 0 };
  const found = new Set<string>();
  const problems: string[] = [];
  const files: string[] = [];
  for await (const file of htmlFiles(apiDir)) files.push(file);
  const existing = new Set(files);
  for (const file of files) {
    const root = rootPrefix(`${apiFolder}/${file}`);
    const entry = entryOfPage(file);
    const symbol = pageSymbol(file);
    let html = publicNames(await Deno.readTextFile(`${apiDir}/${file}`));
    html = html.replace(SOURCE_BUTTON, "").replace(DENO_SEARCH_SCRIPTS, "");
    if (!html.includes("<head>") || !html.includes("<body>") || !html.includes("</body>")) {
      problems.push(`${file}: no <head> or <body>`);
      continue;
    }
    html = html.replace("<head>", `<head>${context.head(root)}`)
      .replace("<body>", `<body class="vss-api">${context.header(root)}`)
      .replace(
        "</body>",
        `${context.footer(root, symbol ? context.locate(entry, symbol) : null)}</body>`,
      );
    const blocks = symbol
      ? pageBlocks(symbol, refs.get(symbol) ?? [], context, file, existing)
      : [];
    if (blocks.length > 0) {
      if (refs.has(symbol!)) found.add(symbol!);
      html = insertBlocks(file, html, blocks, problems);
      report.blocks += blocks.length;
    }
    await Deno.writeTextFile(`${apiDir}/${file}`, html);
    report.pages++;
  }
  const missing = [...refs.keys()].filter((s) => !found.has(s));
  if (missing.length > 0) problems.push(`deno doc wrote no page for: ${missing.join(", ")}`);
  if (problems.length > 0) {
    throw new Error(`the API reference could not be enriched:\n  ${problems.join("\n  ")}`);
  }
  return report;
}

/** A block and where it goes: under the page's own description, or into a method's entry. */
interface Block {
  html: string;
  /** Method name on a class page (the block goes at the end of its entry); null: the page's own. */
  method: string | null;
}

function pageBlocks(
  symbol: string,
  refs: readonly ReferenceEntry[],
  context: ApiPageContext,
  file: string,
  existing: ReadonlySet<string>,
): Block[] {
  const { abi } = context;
  const folder = file.slice(0, file.indexOf("~/") + 2);
  const root = rootPrefix(`api/${file}`);
  const links = {
    advice: new Map([...context.advice].map(([name, href]) => [name, `${root}${href}`])),
    page(documentedBy: string): string | null {
      const method = /^(\w+)::(\w+)$/.exec(documentedBy);
      const target = method ? `${method[1]}.prototype.${method[2]}` : documentedBy;
      return existing.has(`${folder}${target}.html`) ? `${target}.html` : null;
    },
  };
  const blocks: Block[] = [];
  const [first, ...rest] = symbol.split(".");
  const isMethodPage = rest[0] === "prototype" && rest.length === 2;
  for (const ref of refs) {
    const own = isMethodPage || ref.method === null;
    blocks.push({ html: referenceHtml(ref), method: own ? null : ref.method });
  }
  if (isMethodPage && abi.interfaces[first]) {
    const method = abi.interfaces[first].methods.find((m) => m.name === rest[1]);
    if (method) {
      blocks.push({ html: methodBlock(abi, first, method, refs[0], links), method: null });
    }
  } else if (rest.length === 0 && abi.enums[first]) {
    blocks.push({ html: enumBlock(first, abi.enums[first].members), method: null });
  } else if (rest.length === 1 && abi.enums[first]?.members[rest[0]] !== undefined) {
    blocks.push({
      html: enumMemberBlock(first, rest[0], abi.enums[first].members[rest[0]]),
      method: null,
    });
  } else if (rest.length === 0 && abi.structs[first]) {
    blocks.push({ html: structBlock(first, abi.structs[first]), method: null });
  } else if (first === "HRESULT" && rest.length === 1 && abi.hresults[rest[0]]) {
    blocks.push({
      html: hresultBlock(abi, rest[0], context.meanings.get(rest[0]), links),
      method: null,
    });
  }
  return blocks;
}

function insertBlocks(file: string, html: string, blocks: readonly Block[], problems: string[]) {
  const $ = loadHtml(html);
  const main = $("main").first();
  const own = blocks.filter((b) => b.method === null).map((b) => b.html).join("");
  if (own) {
    const doc = main.find(".markdown").first();
    if (doc.length > 0) doc.after(own);
    else {
      const title = main.find(".symbolTitle, h1").first();
      if (title.length === 0) problems.push(`${file}: no place for the model and reference blocks`);
      title.after(own);
    }
  }
  for (const block of blocks.filter((b) => b.method !== null)) {
    const item = main.find(`#method_${block.method!.toLowerCase()}_0`);
    const name = item.find(".docEntryHeader a.link").first().text().trim();
    if (item.length === 0 || name !== block.method) {
      problems.push(`${file}: no method entry for ${block.method} (found "${name}")`);
      continue;
    }
    item.append(block.html);
  }
  return $.html();
}
