/**
 * Builds the docs site into `dist/docs/`:
 *
 * - `api/`: `deno doc --html` of every entry point of `deno.json` (the
 *   requester API, `./binding`, `./simulator`), adjusted by `api_pages.ts`:
 *   the site header and footer, the package's import specifiers, and the
 *   blocks from the ABI model and the reference (signature, slot,
 *   parameters and return codes of methods, enum values, struct layouts,
 *   HRESULT values and meanings, reference links and summaries);
 * - `index.html` and `guides/`: the markdown guides of `docs-src/guides/`
 *   rendered with a sidebar, a table of contents and highlighted code;
 * - `source/`: the source files the pages link to;
 * - `search-index.json`: API symbols, guide sections and HRESULT values for
 *   the site search, fetched on first use of the search box.
 *
 * Usage: `deno run -A scripts/docs/build.ts [--out DIR]` (`deno task docs`).
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import { adjustApiPages, type ApiNode, readApiNodes, runDenoDoc } from "./api_pages.ts";
import { footerHtml, headerHtml, headHtml, type PageSource } from "./chrome.ts";
import {
  apiDir,
  defaultOutDir,
  entryPoints,
  LICENCE_FILE,
  packageVersion,
  projectRoot,
  referenceDir,
  siteAssetsDir,
  siteName,
} from "./config.ts";
import { inputFingerprint, localModules } from "./fingerprint.ts";
import {
  type ApiNames,
  type Guide,
  guidePage,
  type Heading,
  headingIds,
  readGuides,
  renderGuide,
} from "./guides.ts";
import { allHresults, hresultTableHtml } from "./hresult_table.ts";
import { escapeHtml, fillTemplate, rootPrefix } from "./html.ts";
import { hresultMeanings } from "./model_blocks.ts";
import { type AbiModel, loadReferenceEntries, methodChain, readAbi } from "./reference.ts";
import {
  apiSearchEntries,
  guideMentions,
  type SearchEntry,
  searchIndexJson,
} from "./search_index.ts";
import { writeSourcePages } from "./sources.ts";
import { apiOverviewHtml, documentedSymbols } from "./symbols.ts";

/** Options for {@linkcode buildSite}. */
export interface BuildOptions {
  /** Output folder; default `dist/docs`. It is replaced as a whole when the build succeeds. */
  outDir?: string;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

/** What {@linkcode buildSite} wrote. */
export interface BuildReport {
  /** The site folder. */
  outDir: string;
  /** Fingerprint of the inputs (see `fingerprint.ts`), also in `build-info.json`. */
  fingerprint: string;
  /** The package version the site documents. */
  version: string;
  /** Pages written by deno doc (and adjusted). */
  apiPages: number;
  /** Guide pages, the home page included. */
  guides: number;
  /** Source pages. */
  sourcePages: number;
  /** Generated interfaces linked to their reference page. */
  interfaces: number;
  /** Generated methods linked to their reference page. */
  methods: number;
  /** Interfaces and methods that got a summary from their reference page. */
  summaries: number;
  /** Interfaces and methods whose page is not in the corpus (link only). */
  withoutSummary: string[];
  /** Entries of the site search index. */
  searchEntries: number;
  /** Build time. */
  ms: number;
}

/** The name of the file in the site that records the build. */
export const BUILD_INFO = "build-info.json";

/** The name of the site search index. */
export const SEARCH_INDEX = "search-index.json";

function apiNames(nodes: readonly ApiNode[], abi: AbiModel): ApiNames {
  const order = (n: ApiNode) => entryPoints.indexOf(n.entry);
  const pages = new Map<string, string>();
  for (const n of [...nodes].sort((a, b) => order(a) - order(b))) {
    if (!pages.has(n.name)) pages.set(n.name, n.url);
  }
  const interfaceMethods = new Map(
    Object.keys(abi.interfaces).map((name) => [name, methodChain(abi, name)]),
  );
  const parameterNames = new Set<string>(["hr"]);
  for (const iface of Object.values(abi.interfaces)) {
    for (const m of iface.methods) for (const p of m.params) parameterNames.add(p.name);
  }
  for (const fn of Object.values(abi.functions)) {
    for (const p of fn.params) parameterNames.add(p.name);
  }
  return { pages, interfaceMethods, parameterNames };
}

function guideCardsHtml(root: string, guides: readonly Guide[]): string {
  const cards = guides.filter((g) => g.slug !== "index").map((g) =>
    `<a class="card" href="${root}${guidePage(g.slug)}"><strong>${escapeHtml(g.title)}</strong>` +
    `<span>${escapeHtml(g.summary)}</span></a>`
  );
  return `<div class="cards">${cards.join("")}</div>`;
}

function sidebarHtml(
  root: string,
  guides: readonly Guide[],
  current: string,
  hresults: string,
): string {
  const item = (href: string, label: string, title = "") =>
    `<li><a href="${root}${href}"${href === current ? ' aria-current="page"' : ""}${
      title ? ` title="${escapeHtml(title)}"` : ""
    }>${escapeHtml(label)}</a></li>`;
  const guideItems = guides.filter((g) => g.slug !== "index").map((g) =>
    item(guidePage(g.slug), g.title, g.summary)
  );
  const apiItems = entryPoints.map((e) =>
    item(`${apiDir}/${e.folder}index.html`, `${e.section} API`, e.specifier)
  );
  return `<h2>Start</h2><ul>${item("index.html", "Home")}</ul>` +
    `<h2>Guides</h2><ul>${guideItems.join("")}</ul>` +
    `<h2>Reference</h2><ul>${apiItems.join("")}${
      item(`${apiDir}/all_symbols.html`, "All symbols")
    }${item(hresults, "HRESULT table")}</ul>`;
}

function tocHtml(headings: readonly Heading[]): string {
  const items = headings.filter((h) => h.depth === 2 || h.depth === 3).map((h) =>
    `<li class="depth-${h.depth}"><a href="#${h.id}">${escapeHtml(h.text)}</a></li>`
  );
  return items.length === 0 ? "" : `<h2>On this page</h2><ul>${items.join("")}</ul>`;
}

function pagerHtml(root: string, guides: readonly Guide[], slug: string): string {
  const list = guides.filter((g) => g.slug !== "index");
  const at = list.findIndex((g) => g.slug === slug);
  if (at === -1) return "";
  const prev = list[at - 1];
  const next = list[at + 1];
  const side = (g: Guide | undefined, rel: string, label: string) =>
    g
      ? `<a rel="${rel}" href="${root}${guidePage(g.slug)}">${label}: ${escapeHtml(g.title)}</a>`
      : "<span></span>";
  return `<nav class="pager" aria-label="Previous and next guide">${
    side(prev, "prev", "Previous")
  }${side(next, "next", "Next")}</nav>`;
}

const ASSETS = ["common.css", "site.css", "site-api.css", "site.js", "favicon.svg"];

async function copyAssets(outDir: string): Promise<void> {
  for (const name of ASSETS) {
    await Deno.copyFile(`${siteAssetsDir}/${name}`, `${outDir}/${name}`);
  }
}

async function shipLicence(outDir: string): Promise<boolean> {
  const source = `${referenceDir()}/${LICENCE_FILE}`;
  try {
    await Deno.mkdir(`${outDir}/licenses`, { recursive: true });
    await Deno.copyFile(source, `${outDir}/licenses/${LICENCE_FILE}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** HRESULT name → id of the guide section (on the same page) that mentions it in its heading. */
function adviceSections(headings: readonly Heading[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { name } of allHresults()) {
    const pattern = new RegExp(`(^|[^A-Z_])${name}([^A-Z_]|$)`);
    const heading = headings.find((h) => h.depth >= 3 && pattern.test(h.text));
    if (heading) out.set(name, heading.id);
  }
  return out;
}

async function checkFragments(outDir: string, fragments: readonly string[]): Promise<void> {
  const problems: string[] = [];
  const cache = new Map<string, string>();
  for (const target of new Set(fragments)) {
    const [page, id] = target.split("#", 2);
    let html = cache.get(page);
    if (html === undefined) {
      try {
        html = await Deno.readTextFile(`${outDir}/${page}`);
      } catch {
        html = "";
      }
      cache.set(page, html);
    }
    if (!html.includes(`id="${id}"`)) problems.push(`${target}: no element with id "${id}"`);
  }
  if (problems.length > 0) {
    throw new Error(`guide links to missing anchors:\n  ${problems.join("\n  ")}`);
  }
}

/** The project files the site shows as source pages: every module of the API, every guide. */
async function sourceFiles(guides: readonly Guide[]): Promise<string[]> {
  const modules = await Promise.all(
    entryPoints.map((e) => localModules(`${projectRoot}/${e.file}`)),
  );
  const files = new Set([...modules.flat(), ...guides.map((g) => g.file)]);
  return [...files].filter((f) => f.startsWith(`${projectRoot}/`))
    .map((f) => f.slice(projectRoot.length + 1)).sort();
}

/** The site's shared page parts, for guides, API and source pages. */
function pageParts(firstGuide: string, licenceShipped: boolean) {
  return {
    head: (root: string, sheets = ["common.css", "site.css"]) => headHtml(root, sheets),
    header: (root: string) => headerHtml(root, firstGuide),
    footer: (root: string, source: PageSource | null) => footerHtml(root, source, licenceShipped),
  };
}

/** Builds the whole site; see the module doc. */
export async function buildSite(options: BuildOptions = {}): Promise<BuildReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const outDir = options.outDir ?? defaultOutDir;
  const parent = outDir.slice(0, outDir.lastIndexOf("/"));
  const work = `${parent}/.docs-build-${Deno.pid}`;
  await Deno.mkdir(parent, { recursive: true });
  await Deno.remove(work, { recursive: true }).catch(() => {});
  await Deno.mkdir(work, { recursive: true });
  try {
    const [fingerprint, abi, guides, symbols] = await Promise.all([
      inputFingerprint(),
      readAbi(),
      readGuides(),
      documentedSymbols(),
    ]);
    const entries = await loadReferenceEntries(abi);
    log(
      `reference: ${entries.length} interfaces and methods, ${
        entries.filter((e) => e.summary).length
      } summaries`,
    );
    if (!guides.some((g) => g.slug === "index")) {
      throw new Error("docs-src/guides/index.md is missing");
    }
    const firstGuide = guides.find((g) => g.slug !== "index");
    if (!firstGuide) throw new Error("docs-src/guides/ has no guide besides index.md");
    const licenceShipped = await shipLicence(work);
    const parts = pageParts(guidePage(firstGuide.slug), licenceShipped);

    await runDenoDoc(`${work}/${apiDir}`);
    const apiNodes = await readApiNodes(`${work}/${apiDir}`, apiDir);
    const api = apiNames(apiNodes, abi);
    const tableGuide = guides.find((g) => g.body.includes("<!-- hresult-table -->"));
    const hresults = tableGuide
      ? `${guidePage(tableGuide.slug)}#hresult-table`
      : `${apiDir}/binding/~/HRESULT.html`;
    const advice = new Map<string, string>();
    if (tableGuide) {
      for (const [name, id] of adviceSections(headingIds(tableGuide.body))) {
        advice.set(name, `${guidePage(tableGuide.slug)}#${id}`);
      }
    }
    const apiReport = await adjustApiPages(`${work}/${apiDir}`, apiDir, {
      entries,
      abi,
      meanings: hresultMeanings(abi, entries),
      advice,
      head: (root) => parts.head(root, ["common.css", "site-api.css"]),
      header: parts.header,
      footer: parts.footer,
      locate: symbols.locate,
    });
    log(
      `api: ${apiReport.pages} pages from deno doc, ${apiNodes.length} symbols with a page, ` +
        `${apiReport.blocks} blocks`,
    );

    const template = await Deno.readTextFile(`${siteAssetsDir}/page.html`);
    const linker = (symbol: string) => api.pages.get(symbol) ?? null;
    const mentions = guideMentions(apiNodes.map((n) => n.name), guides.map((g) => g.body));
    const searchEntries: SearchEntry[] = apiSearchEntries(apiNodes, mentions);
    const fragments: string[] = [];
    await Deno.mkdir(`${work}/guides`, { recursive: true });
    for (const guide of guides) {
      const page = guidePage(guide.slug);
      const root = rootPrefix(page);
      const rendered = renderGuide(guide, {
        api,
        guides,
        root,
        placeholders: {
          "hresult-table": (headings) =>
            `<div id="hresult-table">${
              hresultTableHtml(root, linker, adviceSections(headings))
            }</div>`,
          "guide-list": () => guideCardsHtml(root, guides),
          "api-overview": () => apiOverviewHtml(root, symbols, api.pages, abi),
        },
      });
      fragments.push(...rendered.fragments);
      const home = guide.slug === "index";
      const content =
        `<article class="${home ? "home" : "guide"}"><h1>${escapeHtml(guide.title)}</h1>` +
        `${home ? `<p class="lead">${escapeHtml(guide.summary)}</p>` : ""}${rendered.html}${
          pagerHtml(root, guides, guide.slug)
        }</article>`;
      const source = { file: guide.file.slice(projectRoot.length + 1), line: null };
      const html = fillTemplate(template, {
        title: escapeHtml(home ? `${siteName} documentation` : `${guide.title} · ${siteName}`),
        description: escapeHtml(guide.summary),
        root,
        head: parts.head(root),
        header: parts.header(root),
        bodyClass: home ? "page-home" : "page-guide",
        sidebar: sidebarHtml(root, guides, page, hresults),
        content,
        toc: tocHtml(rendered.headings),
        footer: parts.footer(root, source),
      });
      await Deno.writeTextFile(`${work}/${page}`, html);
      searchEntries.push({
        name: guide.title,
        kind: "Guide",
        url: page,
        text: guide.summary,
        context: "",
      });
      for (const h of rendered.headings) {
        if (h.depth === 2 || h.depth === 3) {
          searchEntries.push({
            name: h.text,
            kind: "Section",
            url: `${page}#${h.id}`,
            text: "",
            context: guide.title,
          });
        }
      }
    }
    await checkFragments(work, fragments);
    log(`guides: ${guides.length} pages`);
    const sources = await writeSourcePages(work, await sourceFiles(guides), parts);
    log(`source: ${sources} files`);

    await copyAssets(work);
    const hresultValues = Object.fromEntries(
      Object.entries(abi.hresults).map(([name, info]) => [name, info.value]),
    );
    await Deno.writeTextFile(
      `${work}/${SEARCH_INDEX}`,
      searchIndexJson(searchEntries, hresultValues),
    );
    const summaries = entries.filter((e) => e.summary !== null);
    const report: BuildReport = {
      outDir,
      fingerprint,
      version: packageVersion,
      apiPages: apiReport.pages,
      guides: guides.length,
      sourcePages: sources,
      interfaces: entries.filter((e) => e.method === null).length,
      methods: entries.filter((e) => e.method !== null).length,
      summaries: summaries.length,
      withoutSummary: entries.filter((e) => e.summary === null).map((e) => e.label),
      searchEntries: searchEntries.length,
      ms: 0,
    };
    report.ms = Math.round(performance.now() - started);
    await Deno.writeTextFile(
      `${work}/${BUILD_INFO}`,
      JSON.stringify({ ...report, outDir: undefined, deno: Deno.version.deno }, null, 2) + "\n",
    );
    const old = `${parent}/.docs-old-${Deno.pid}`;
    await Deno.remove(old, { recursive: true }).catch(() => {});
    await Deno.rename(outDir, old).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    await Deno.rename(work, outDir);
    await Deno.remove(old, { recursive: true }).catch(() => {});
    return report;
  } catch (error) {
    await Deno.remove(work, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** The fingerprint recorded by the build in `outDir`, or null when there is none. */
export async function builtFingerprint(outDir = defaultOutDir): Promise<string | null> {
  try {
    const info = JSON.parse(await Deno.readTextFile(`${outDir}/${BUILD_INFO}`));
    return typeof info.fingerprint === "string" ? info.fingerprint : null;
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--out");
  const outDir = at === -1 ? defaultOutDir : Deno.args[at + 1];
  if (at !== -1 && !outDir) throw new Error("--out needs a folder");
  const absolute = fileURLToPath(new URL(outDir, `${pathToFileURL(Deno.cwd())}/`));
  const report = await buildSite({ outDir: absolute, log: (line) => console.log(`docs: ${line}`) });
  console.log(
    `docs: wrote ${report.outDir} in ${report.ms} ms: ${report.apiPages} API pages, ${report.guides} guide pages, ` +
      `${report.interfaces} interfaces and ${report.methods} methods linked to learn.microsoft.com ` +
      `(${report.summaries} with a summary), ${report.searchEntries} search entries`,
  );
  if (report.withoutSummary.length > 0) {
    console.log(`docs: no reference page in the corpus for ${report.withoutSummary.join(", ")}`);
  }
}
