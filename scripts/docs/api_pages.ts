/**
 * The API reference: `deno doc --html` of `mod.ts`, then adjusted so it fits
 * the site: a bar linking home and the guides on every page, no links to the
 * build machine's files, a search index without entries that have no page,
 * and the reference link and summary on every generated interface and method.
 *
 * @module
 */

import { load as loadHtml } from "cheerio";
import { runDeno } from "./run_deno.ts";
import { entryModule, projectRoot, siteName } from "./config.ts";
import { escapeHtml, rootPrefix } from "./html.ts";
import { type ReferenceEntry, referenceHtml } from "./reference.ts";

/** One symbol page of the API reference, as the site's search index keeps it. */
export interface ApiNode {
  /** Dotted name: `IVssBackupComponents.prototype.AddToSnapshotSet`. */
  name: string;
  /** deno doc's kind: `Class`, `Method`, `Function`, `Property`, ... */
  kind: string;
  /** Site-relative address: `api/~/IVssBackupComponents.html`. */
  url: string;
  /** The first sentence or so of the symbol's doc. */
  doc: string;
}

/** One entry of deno doc's own search index. */
export interface DenoSearchNode {
  /** Dotted symbol name. */
  name: string;
  /** The folder of the symbol's module relative to the API root (`.`). */
  file: string;
  /** Kinds of the symbol (a name can be a type and a value). */
  kind: { kind: string }[];
  /** The page, relative to the API root. */
  url: string;
  /** The symbol's doc as plain text. */
  doc?: string;
}

const SEARCH_INDEX_PREFIX = /^\(function \(\) \{\s*window\.DENO_DOC_SEARCH_INDEX = /;
const SEARCH_INDEX_SUFFIX = /;\s*\}\)\(\)\s*$/;

/** Runs `deno doc --html` for the entry module into `outDir` with the running Deno. */
export async function runDenoDoc(outDir: string): Promise<void> {
  const relativeEntry = entryModule.slice(projectRoot.length + 1);
  await runDeno(["doc", "--html", `--name=${siteName}`, `--output=${outDir}`, relativeEntry]);
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

/** deno doc's `search_index.js` as the object it assigns. */
function parseIndexObject(text: string, file: string): { nodes: DenoSearchNode[] } {
  if (!SEARCH_INDEX_PREFIX.test(text) || !SEARCH_INDEX_SUFFIX.test(text)) {
    throw new Error(`${file}: unexpected format; update api_pages.ts for this deno doc`);
  }
  return JSON.parse(text.replace(SEARCH_INDEX_PREFIX, "").replace(SEARCH_INDEX_SUFFIX, ""));
}

/** The nodes of a deno doc `search_index.js`. */
export function parseDenoSearchIndex(text: string, file = "search_index.js"): DenoSearchNode[] {
  return parseIndexObject(text, file).nodes;
}

/**
 * Reads deno doc's search index, drops the entries whose page deno doc did not
 * write (nested properties of plain objects, which its search would link to a
 * missing page), writes the index back, and returns the kept entries.
 */
export async function pruneSearchIndex(apiDir: string, apiFolder: string): Promise<ApiNode[]> {
  const file = `${apiDir}/search_index.js`;
  const index = parseIndexObject(await Deno.readTextFile(file), file);
  const kept: DenoSearchNode[] = [];
  for (const node of index.nodes as DenoSearchNode[]) {
    if (await exists(`${apiDir}/${normalizeRelative(node.url)}`)) kept.push(node);
  }
  index.nodes = kept;
  await Deno.writeTextFile(
    file,
    `(function () {\n  window.DENO_DOC_SEARCH_INDEX = ${JSON.stringify(index)};\n})()\n`,
  );
  return kept.map((node) => ({
    name: node.name,
    kind: node.kind[0]?.kind ?? "Symbol",
    url: `${apiFolder}/${normalizeRelative(node.url)}`,
    doc: firstSentence(node.doc ?? ""),
  }));
}

function firstSentence(doc: string): string {
  const flat = doc.replace(/\s+/g, " ").trim();
  const end = flat.search(/[.:](\s|$)/);
  const sentence = end === -1 ? flat : flat.slice(0, end + 1);
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}

/** The links every page of the site carries, relative to the site root. */
export interface SiteLinks {
  /** Site-relative address of the first guide. */
  firstGuide: string;
  /** Site-relative address of the HRESULT table. */
  hresults: string;
}

function siteBar(root: string, links: SiteLinks): string {
  return `<div class="vss-sitebar"><a class="vss-brand" href="${root}index.html">${
    escapeHtml(siteName)
  }</a><nav aria-label="Site"><a href="${root}index.html">Home</a><a href="${root}${links.firstGuide}">Guides</a>` +
    `<a href="${root}api/index.html">API reference</a><a href="${root}${links.hresults}">HRESULTs</a></nav></div>`;
}

/** What {@linkcode adjustApiPages} changed. */
export interface ApiPagesReport {
  /** Pages adjusted (all of deno doc's). */
  pages: number;
  /** Reference blocks added (on class pages and on method pages). */
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

/**
 * Adjusts every page deno doc wrote under `apiDir` (which sits at
 * `apiFolder/` in the site) and adds the reference blocks. Fails when a
 * generated interface or method has no page or no place for its block.
 */
export async function adjustApiPages(
  apiDir: string,
  apiFolder: string,
  entries: readonly ReferenceEntry[],
  links: SiteLinks,
): Promise<ApiPagesReport> {
  const byPage = new Map<string, ReferenceEntry[]>();
  for (const entry of entries) {
    const classPage = `~/${entry.interfaceName}.html`;
    byPage.set(classPage, [...(byPage.get(classPage) ?? []), entry]);
    if (entry.method) {
      const methodPage = `~/${entry.interfaceName}.prototype.${entry.method}.html`;
      byPage.set(methodPage, [...(byPage.get(methodPage) ?? []), entry]);
    }
  }
  const report: ApiPagesReport = { pages: 0, blocks: 0 };
  const missingPages = [...byPage.keys()];
  const problems: string[] = [];
  for await (const file of htmlFiles(apiDir)) {
    const root = rootPrefix(`${apiFolder}/${file}`);
    let html = await Deno.readTextFile(`${apiDir}/${file}`);
    html = html.replace(SOURCE_BUTTON, "");
    html = html.replace(
      "</head>",
      `<link rel="icon" href="${root}favicon.svg" type="image/svg+xml">` +
        `<link rel="stylesheet" href="${root}site-api.css"></head>`,
    );
    if (!html.includes("<body>")) problems.push(`${file}: no <body>`);
    html = html.replace("<body>", `<body>${siteBar(root, links)}`);
    const pageEntries = byPage.get(file);
    if (pageEntries) {
      missingPages.splice(missingPages.indexOf(file), 1);
      html = enrichPage(file, html, pageEntries, report, problems);
    }
    await Deno.writeTextFile(`${apiDir}/${file}`, html);
    report.pages++;
  }
  if (missingPages.length > 0) {
    problems.push(`deno doc wrote no page for: ${missingPages.join(", ")}`);
  }
  if (problems.length > 0) {
    throw new Error(`the API reference could not be enriched:\n  ${problems.join("\n  ")}`);
  }
  return report;
}

function enrichPage(
  file: string,
  html: string,
  entries: readonly ReferenceEntry[],
  report: ApiPagesReport,
  problems: string[],
): string {
  const $ = loadHtml(html);
  const main = $("main.symbolGroup").first();
  const isMethodPage = file.includes(".prototype.");
  for (const entry of entries) {
    const block = referenceHtml(entry);
    if (isMethodPage || entry.method === null) {
      // The symbol's own page: the block goes right under its description.
      const doc = main.find(".markdown").first();
      if (doc.length === 0) {
        problems.push(`${file}: no description to put the ${entry.label} block under`);
        continue;
      }
      doc.after(block);
      report.blocks++;
      continue;
    }
    // The class page lists the method: the block goes at the end of its entry.
    const item = main.find(`#method_${entry.method.toLowerCase()}_0`);
    const name = item.find(".docEntryHeader a.link").first().text().trim();
    if (item.length === 0 || name !== entry.method) {
      problems.push(`${file}: no method entry for ${entry.label} (found "${name}")`);
      continue;
    }
    item.append(block);
    report.blocks++;
  }
  return $.html();
}
