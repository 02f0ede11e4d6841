/**
 * Walks the corpus from the root reference page through the six index pages
 * to every symbol page, and collects the page model.
 *
 * @module
 */

import { type MarkdownPage, PageFormatError, splitPage } from "./markdown_page.ts";
import { type LinkTarget, resolveLink } from "./links.ts";
import {
  pageKind,
  parseDataTypesPage,
  parseEnumPage,
  parseFunctionPage,
  parseInterfacePage,
  parseMethodPage,
  parseStructPage,
} from "./symbol_pages.ts";
import type { PageModel, UnboundLink } from "../model.ts";

/** The page the project was created from. */
export const ROOT_PAGE = "win32/desktop-src/VSS/volume-shadow-copy-reference.md";
const INDEX_PAGE = /^win32\/desktop-src\/VSS\/volume-shadow-copy-api-[a-z-]+\.md$/;
const SYMBOL_PAGE = /^sdk-api\/sdk-api-src\/content\/[a-z]+\/n[efsln]-[^/]+\.md$/;
const DATA_TYPES_PAGE = "win32/desktop-src/VSS/volume-shadow-copy-api-data-types.md";

/** Why a link that leaves the corpus is not bound. */
export function unboundReason(url: string): string {
  const u = url.toLowerCase();
  if (u.includes("/openspecs/")) {
    return "protocol specification: describes the wire protocol, not the binary API";
  }
  if (u.includes("/api/vswriter/")) {
    return "writer-side API: used by applications that act as VSS writers, not by requesters";
  }
  if (u.includes("/api/vsprov/") || u.includes("/api/vsadmin/")) {
    return "provider-side API: implemented by or used to register shadow copy providers";
  }
  if (u.includes("/api/unknwn/")) {
    return "COM base interface: served by the COM runtime, bound through IUnknown slots";
  }
  return "outside the VSS reference corpus";
}

function linksOf(markdown: string): { text: string; href: string }[] {
  const links: { text: string; href: string }[] = [];
  const md = /\[([^\]]*)\]\(([^)\s]+)\)/g;
  for (let m = md.exec(markdown); m; m = md.exec(markdown)) {
    links.push({ text: m[1].replace(/[*\\]/g, "").trim(), href: m[2] });
  }
  const html = /<a\s[^>]*?href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g;
  for (let m = html.exec(markdown); m; m = html.exec(markdown)) {
    links.push({ text: m[2].replace(/<[^>]+>/g, "").trim(), href: m[1] });
  }
  return links;
}

const HRESULT_TOKEN = /\bVSS_[ES]_[A-Z0-9_]*[A-Z0-9]\b(?![*_])/g;

/** Builds the page model from the corpus texts (keyed by corpus path). */
export function crawlCorpus(pages: ReadonlyMap<string, string>): PageModel {
  const known = new Set(pages.keys());
  const byAssetId = new Map<string, string>();
  for (const [path, text] of pages) {
    const id = /^ms\.assetid:\s*['"]?([0-9a-fA-F-]{36})/m.exec(text)?.[1];
    if (id) byAssetId.set(id.toLowerCase(), path);
  }
  const parsed = new Map<string, MarkdownPage>();
  const page = (path: string): MarkdownPage => {
    let p = parsed.get(path);
    if (!p) {
      const text = pages.get(path);
      if (text === undefined) throw new PageFormatError(path, "not in the corpus");
      p = splitPage(path, text);
      parsed.set(path, p);
    }
    return p;
  };
  const resolve = (href: string, from: string): LinkTarget =>
    resolveLink(href, from, known, byAssetId);

  const model: PageModel = {
    interfaces: [],
    methods: [],
    enums: [],
    structs: [],
    functions: [],
    dataTypes: [],
    unbound: [],
    pagesRead: [],
    hresultMentions: [],
    unreached: [],
  };
  const unbound = new Map<string, UnboundLink>();
  const noteUnbound = (name: string, url: string, from: string) => {
    if (!unbound.has(url)) unbound.set(url, { name, href: url, from, reason: unboundReason(url) });
  };

  const root = page(ROOT_PAGE);
  const indexPages = linksOf(root.body)
    .map((l) => resolve(l.href, ROOT_PAGE))
    .flatMap((t) => t.kind === "corpus" && INDEX_PAGE.test(t.path) ? [t.path] : []);
  if (indexPages.length !== 6) {
    throw new PageFormatError(
      ROOT_PAGE,
      `expected links to 6 index pages, found ${indexPages.length}`,
    );
  }

  const queue: string[] = [];
  const queued = new Set<string>();
  const enqueue = (path: string) => {
    if (!queued.has(path)) {
      queued.add(path);
      queue.push(path);
    }
  };
  for (const index of indexPages) {
    for (const link of linksOf(page(index).body)) {
      const target = resolve(link.href, index);
      if (target.kind === "external") noteUnbound(link.text, target.url, index);
      else if (SYMBOL_PAGE.test(target.path)) enqueue(target.path);
    }
  }
  model.dataTypes = parseDataTypesPage(page(DATA_TYPES_PAGE));

  const methodPages = new Map<string, string[]>();
  for (const path of known) {
    const m = /^(.*\/)nf-([a-z0-9]+)-([a-z0-9]+)-[^/]+\.md$/.exec(path);
    if (!m) continue;
    const key = `${m[1]}${m[2]}.${m[3]}`;
    methodPages.set(key, [...(methodPages.get(key) ?? []), path].sort());
  }
  const methodPagesOf = (interfacePath: string, name: string): string[] => {
    const m = /^(.*\/)n[ln]-([a-z0-9]+)-[^/]+\.md$/.exec(interfacePath)!;
    return methodPages.get(`${m[1]}${m[2]}.${name.toLowerCase()}`) ?? [];
  };

  const drain = () => {
    while (queue.length > 0) {
      const path = queue.shift()!;
      const p = page(path);
      switch (pageKind(p)) {
        case "interface": {
          const iface = parseInterfacePage(p);
          model.interfaces.push(iface);
          for (const m of methodPagesOf(path, iface.name)) enqueue(m);
          break;
        }
        case "method":
          model.methods.push(parseMethodPage(p));
          break;
        case "function": {
          const fn = parseFunctionPage(p);
          model.functions.push(fn);
          // The exported function behind an inline header helper has its own page.
          const exported = path.replace(/\.md$/, "internal.md");
          if (!fn.name.endsWith("Internal") && known.has(exported)) enqueue(exported);
          break;
        }
        case "enum":
          model.enums.push(parseEnumPage(p));
          break;
        case "struct":
          model.structs.push(parseStructPage(p));
          break;
        default:
          continue;
      }
      for (const link of linksOf(p.body)) {
        const target = resolve(link.href, path);
        if (target.kind === "corpus" && SYMBOL_PAGE.test(target.path)) enqueue(target.path);
        else if (target.kind === "external" && /\/api\//.test(target.url)) {
          noteUnbound(link.text, target.url, path);
        }
      }
    }
  };
  drain();
  // Pinned symbol pages that no link reaches (the union pages, which the index
  // links to the protocol specification instead) are read too, and listed.
  model.unreached = [...known].filter((p) => SYMBOL_PAGE.test(p) && !queued.has(p)).sort();
  model.unreached.forEach(enqueue);
  drain();

  const mentions = new Map<string, Set<string>>();
  const mention = (name: string, file: string) => {
    let files = mentions.get(name);
    if (!files) mentions.set(name, files = new Set());
    files.add(file);
  };
  for (const [path, text] of pages) {
    for (const m of text.matchAll(HRESULT_TOKEN)) mention(m[0], path);
  }
  for (const m of [...model.methods, ...model.functions]) {
    for (const code of m.returnCodes) mention(code.name, m.file);
  }

  const byName = <T extends { name: string }>(a: T, b: T) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  model.interfaces.sort(byName);
  model.methods.sort((a, b) => a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
  model.enums.sort(byName);
  model.structs.sort(byName);
  model.functions.sort(byName);
  model.unbound = [...unbound.values()].sort((a, b) => a.href < b.href ? -1 : 1);
  model.pagesRead = [...parsed.keys()].sort();
  model.hresultMentions = [...mentions].map(([name, files]) => ({ name, files: [...files].sort() }))
    .sort(byName);
  return model;
}
