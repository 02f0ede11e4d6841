/**
 * Builds the docs site into `dist/docs/`:
 *
 * - `api/`: `deno doc --html` of `mod.ts` (so every export of `mod.ts`, now
 *   and later, is documented), with a site bar on every page and, for each
 *   generated interface and method, a visible link to its learn.microsoft.com
 *   page and the one-line summary from that page with its CC-BY-4.0
 *   attribution;
 * - `index.html` and `guides/`: the markdown guides of `docs-src/guides/`
 *   rendered with a sidebar, a table of contents and the site search;
 * - `search-index.js`: API symbols and guide sections for the site search.
 *
 * Usage: `deno run -A scripts/docs/build.ts [--out DIR]` (`deno task docs`).
 *
 * @module
 */

import { adjustApiPages, type ApiNode, pruneSearchIndex, runDenoDoc } from "./api_pages.ts";
import { runDeno } from "./run_deno.ts";
import {
  apiDir,
  ccByUrl,
  defaultOutDir,
  entryModule,
  projectRoot,
  referenceDir,
  siteAssetsDir,
  siteName,
} from "./config.ts";
import { inputFingerprint } from "./fingerprint.ts";
import {
  type ApiNames,
  type Guide,
  guidePage,
  type Heading,
  readGuides,
  renderGuide,
} from "./guides.ts";
import { allHresults, hresultTableHtml } from "./hresult_table.ts";
import { escapeHtml, fillTemplate, rootPrefix } from "./html.ts";
import { type AbiModel, loadReferenceEntries, methodChain, readAbi } from "./reference.ts";

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
  /** Pages written by deno doc (and adjusted). */
  apiPages: number;
  /** Guide pages, the home page included. */
  guides: number;
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

/** The licence file of the reference corpus, copied into the site. */
const LICENCE_FILE = "LICENSE-CC-BY-4.0.txt";

interface DocSymbol {
  name: string;
  kind: string;
  /** Project-relative file of the first declaration. */
  file: string;
  doc: string;
}

/** Top-level symbols of the entry module, from `deno doc --json`. */
async function documentedSymbols(): Promise<DocSymbol[]> {
  const text = await runDeno(["doc", "--json", entryModule.slice(projectRoot.length + 1)]);
  const json = JSON.parse(text) as {
    nodes: Record<string, { symbols?: DocJsonSymbol[] }>;
  };
  const out: DocSymbol[] = [];
  const seen = new Set<string>();
  for (const module of Object.values(json.nodes)) {
    for (const symbol of module.symbols ?? []) {
      const first = symbol.declarations[0];
      if (!first || seen.has(symbol.name)) continue;
      seen.add(symbol.name);
      const file = decodeURIComponent(new URL(first.location.filename).pathname);
      out.push({
        name: symbol.name,
        kind: first.kind,
        file: file.startsWith(projectRoot) ? file.slice(projectRoot.length + 1) : file,
        doc: firstSentence(first.jsDoc?.doc ?? ""),
      });
    }
  }
  return out;
}

/** The first sentence of a doc comment's first paragraph. */
function firstSentence(doc: string): string {
  const paragraph = doc.split(/\n\s*\n/)[0].replace(/\s+/g, " ").trim();
  const end = paragraph.search(/[.!?](?=\s+[A-Z(`{]|$)/);
  return end === -1 ? paragraph : paragraph.slice(0, end + 1);
}

interface DocJsonSymbol {
  name: string;
  declarations: {
    kind: string;
    location: { filename: string };
    jsDoc?: { doc?: string };
  }[];
}

function apiNames(nodes: readonly ApiNode[], abi: AbiModel): ApiNames {
  const pages = new Map(nodes.map((n) => [n.name, n.url]));
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

/** Plain-text form of a symbol's doc for link titles: no markdown marks. */
function plain(text: string): string {
  return text.replace(/\{@link(?:code)? ([^}]+)\}/g, "$1").replace(/`/g, "");
}

function apiOverviewHtml(
  root: string,
  symbols: readonly DocSymbol[],
  api: ApiNames,
  abi: AbiModel,
): string {
  const link = (s: DocSymbol, withDoc: boolean) => {
    const page = api.pages.get(s.name);
    const name = `<code>${escapeHtml(s.name)}</code>`;
    const label = page ? `<a href="${root}${page}">${name}</a>` : name;
    return withDoc && s.doc
      ? `${label} <span class="muted">${escapeHtml(plain(s.doc))}</span>`
      : label;
  };
  const generated = (s: DocSymbol) => s.file.startsWith("ffi/generated/");
  const handwritten = symbols.filter((s) => !generated(s));
  const groups: [string, (s: DocSymbol) => boolean][] = [
    ["Functions", (s) => s.kind === "function"],
    ["Classes", (s) => s.kind === "class"],
    ["Interfaces and types", (s) => s.kind === "interface" || s.kind === "typeAlias"],
    ["Constants and namespaces", (s) =>
      s.kind !== "function" && s.kind !== "class" &&
      s.kind !== "interface" && s.kind !== "typeAlias"],
  ];
  const parts: string[] = [
    `<p>Written by hand (${handwritten.length} symbols). New exports of <code>mod.ts</code> appear here on the next build.</p>`,
  ];
  for (const [title, test] of groups) {
    const items = handwritten.filter(test);
    if (items.length === 0) continue;
    parts.push(
      `<h3>${title}</h3><ul>${items.map((s) => `<li>${link(s, true)}</li>`).join("")}</ul>`,
    );
  }
  const gen = symbols.filter(generated);
  const genGroups: [string, (s: DocSymbol) => boolean][] = [
    ["Interface wrappers", (s) => s.name in abi.interfaces],
    ["vssapi.dll exports", (s) => s.name in abi.functions],
    ["Enumerations", (s) => s.name in abi.enums],
    ["Structures", (s) => s.name in abi.structs],
  ];
  parts.push(
    `<p>Generated from the reference and the SDK headers (${gen.length} symbols; ` +
      `interfaces and methods link to their Microsoft reference page).</p>`,
  );
  const placed = new Set<string>();
  for (const [title, test] of genGroups) {
    const items = gen.filter(test);
    items.forEach((s) => placed.add(s.name));
    if (items.length > 0) {
      parts.push(`<h3>${title}</h3><p>${items.map((s) => link(s, false)).join(", ")}</p>`);
    }
  }
  const rest = gen.filter((s) => !placed.has(s.name));
  if (rest.length > 0) {
    parts.push(`<h3>Tables and types</h3><p>${rest.map((s) => link(s, false)).join(", ")}</p>`);
  }
  return `<div class="api-overview">${parts.join("\n")}</div>`;
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
  return `<h2>Start</h2><ul>${item("index.html", "Home")}</ul>` +
    `<h2>Guides</h2><ul>${guideItems.join("")}</ul>` +
    `<h2>Reference</h2><ul>${item(`${apiDir}/index.html`, "API reference")}${
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

function footerHtml(root: string, licenceShipped: boolean): string {
  const licence = licenceShipped
    ? ` (<a href="${root}licenses/${LICENCE_FILE}">licence text</a>)`
    : "";
  return `Built from the code with <code>deno doc</code> and the guides in <code>docs-src/guides/</code>. ` +
    `Summaries on interface and method pages come from the Microsoft VSS documentation, ` +
    `<a rel="license" href="${ccByUrl}">CC-BY-4.0</a>${licence}. The library is MIT-licensed.`;
}

async function copyAssets(outDir: string): Promise<void> {
  for (const name of ["site.css", "site-api.css", "search.js", "favicon.svg"]) {
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

    await runDenoDoc(`${work}/${apiDir}`);
    const apiNodes = await pruneSearchIndex(`${work}/${apiDir}`, apiDir);
    const api = apiNames(apiNodes, abi);
    const tableGuide = guides.find((g) => g.body.includes("<!-- hresult-table -->"));
    const hresults = tableGuide
      ? `${guidePage(tableGuide.slug)}#hresult-table`
      : `${apiDir}/~/HRESULT.html`;
    const firstGuide = guides.find((g) => g.slug !== "index");
    if (!firstGuide) throw new Error("docs-src/guides/ has no guide besides index.md");
    const apiReport = await adjustApiPages(`${work}/${apiDir}`, apiDir, entries, {
      firstGuide: guidePage(firstGuide.slug),
      hresults,
    });
    log(`api: ${apiReport.pages} pages from deno doc, ${apiNodes.length} symbols with a page`);

    const template = await Deno.readTextFile(`${siteAssetsDir}/page.html`);
    const licenceShipped = await shipLicence(work);
    const linker = (symbol: string) => api.pages.get(symbol) ?? null;
    const searchEntries: (string | null)[][] = apiNodes.map((
      n,
    ) => [n.name, n.kind, n.url, n.doc, null]);
    const fragments: string[] = [];
    if (!guides.some((g) => g.slug === "index")) {
      throw new Error("docs-src/guides/index.md is missing");
    }
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
          "api-overview": () => apiOverviewHtml(root, symbols, api, abi),
        },
      });
      fragments.push(...rendered.fragments);
      const home = guide.slug === "index";
      const content =
        `<article class="${home ? "home" : "guide"}"><h1>${escapeHtml(guide.title)}</h1>` +
        `${home ? `<p class="lead">${escapeHtml(guide.summary)}</p>` : ""}${rendered.html}${
          pagerHtml(root, guides, guide.slug)
        }</article>`;
      const html = fillTemplate(template, {
        title: escapeHtml(home ? `${siteName} documentation` : `${guide.title} · ${siteName}`),
        description: escapeHtml(guide.summary),
        root,
        bodyClass: home ? "page-home" : "page-guide",
        firstGuide: guidePage(firstGuide.slug),
        sidebar: sidebarHtml(root, guides, page, hresults),
        content,
        toc: tocHtml(rendered.headings),
        footer: footerHtml(root, licenceShipped),
      });
      await Deno.writeTextFile(`${work}/${page}`, html);
      searchEntries.push([guide.title, "Guide", page, guide.summary, null]);
      for (const h of rendered.headings) {
        if (h.depth === 2 || h.depth === 3) {
          searchEntries.push([h.text, "Section", `${page}#${h.id}`, null, guide.title]);
        }
      }
    }
    await checkFragments(work, fragments);
    log(`guides: ${guides.length} pages`);

    await copyAssets(work);
    await Deno.writeTextFile(
      `${work}/search-index.js`,
      `globalThis.VSS_SEARCH_INDEX = ${JSON.stringify({ entries: searchEntries })};\n`,
    );
    const summaries = entries.filter((e) => e.summary !== null);
    const report: BuildReport = {
      outDir,
      fingerprint,
      apiPages: apiReport.pages,
      guides: guides.length,
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
  const absolute = outDir.startsWith("/") ? outDir : `${Deno.cwd()}/${outDir}`;
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
