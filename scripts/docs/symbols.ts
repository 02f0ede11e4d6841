/**
 * The documented symbols of every entry point, from `deno doc --json`: their
 * kind, first sentence and where they are declared (for the pages' source
 * links), and the API overview of the home page built from them.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { type EntryPoint, entryPoints, projectRoot } from "./config.ts";
import { entryIndex, type PageSource } from "./chrome.ts";
import { escapeHtml } from "./html.ts";
import type { AbiModel } from "./reference.ts";
import { runDeno } from "./run_deno.ts";

/** One top-level symbol of an entry point. */
export interface DocSymbol {
  /** The name. */
  name: string;
  /** deno doc's declaration kind: `function`, `class`, `interface`, ... */
  kind: string;
  /** Project-relative file of the first declaration. */
  file: string;
  /** Line of the first declaration. */
  line: number;
  /** The first sentence of its doc. */
  doc: string;
}

/** The symbols of each entry point, and the locations of their members. */
export interface DocSymbols {
  /** Top-level symbols by entry point key. */
  byEntry: ReadonlyMap<string, readonly DocSymbol[]>;
  /** Where a symbol or member (`X`, `X.prototype.m`, `X.field`) of an entry point is declared. */
  locate(entry: EntryPoint, symbol: string): PageSource | null;
}

interface JsonLocation {
  filename: string;
  line: number;
}

interface JsonDeclaration {
  kind: string;
  location: JsonLocation;
  jsDoc?: { doc?: string };
  def?: {
    methods?: { name: string; location?: JsonLocation }[];
    properties?: { name: string; location?: JsonLocation }[];
  };
}

function relativeFile(url: string): string {
  const file = url.startsWith("file:") ? fileURLToPath(url) : url;
  return file.startsWith(`${projectRoot}/`) ? file.slice(projectRoot.length + 1) : file;
}

/** The first sentence of a doc comment's first paragraph. */
export function firstSentence(doc: string): string {
  const paragraph = doc.split(/\n\s*\n/)[0].replace(/\s+/g, " ").trim();
  const end = paragraph.search(/[.!?](?=\s+[A-Z(`{]|$)/);
  return end === -1 ? paragraph : paragraph.slice(0, end + 1);
}

/** Reads the symbols of every entry point with one `deno doc --json`. */
export async function documentedSymbols(): Promise<DocSymbols> {
  const json = JSON.parse(await runDeno(["doc", "--json", ...entryPoints.map((e) => e.file)])) as {
    nodes: Record<string, { symbols?: { name: string; declarations: JsonDeclaration[] }[] }>;
  };
  const byEntry = new Map<string, DocSymbol[]>();
  const locations = new Map<string, PageSource>();
  for (const [url, module] of Object.entries(json.nodes)) {
    const entry = entryPoints.find((e) => e.file === relativeFile(url));
    if (!entry) continue;
    const list: DocSymbol[] = [];
    for (const symbol of module.symbols ?? []) {
      const first = symbol.declarations[0];
      if (!first) continue;
      const at = (name: string, location: JsonLocation | undefined) => {
        if (location) {
          locations.set(`${entry.key}\0${name}`, {
            file: relativeFile(location.filename),
            line: location.line,
          });
        }
      };
      at(symbol.name, first.location);
      for (const declaration of symbol.declarations) {
        for (const m of declaration.def?.methods ?? []) {
          at(`${symbol.name}.prototype.${m.name}`, m.location);
        }
        for (const p of declaration.def?.properties ?? []) {
          at(`${symbol.name}.prototype.${p.name}`, p.location);
        }
      }
      list.push({
        name: symbol.name,
        kind: first.kind,
        file: relativeFile(first.location.filename),
        line: first.location.line,
        doc: firstSentence(first.jsDoc?.doc ?? ""),
      });
    }
    byEntry.set(entry.key, list);
  }
  return {
    byEntry,
    locate(entry, symbol) {
      const exact = locations.get(`${entry.key}\0${symbol}`);
      if (exact) return exact;
      // A member without its own location: the declaration of its top-level symbol.
      return locations.get(`${entry.key}\0${symbol.split(".")[0]}`) ?? null;
    },
  };
}

/** Plain-text form of a symbol's doc for the overview: no markdown marks. */
function plain(text: string): string {
  return text.replace(/\{@link(?:code)? ([^}]+)\}/g, "$1").replace(/`/g, "");
}

type Group = [string, (s: DocSymbol) => boolean];

const HANDWRITTEN_GROUPS: Group[] = [
  ["Functions", (s) => s.kind === "function"],
  ["Classes", (s) => s.kind === "class"],
  ["Interfaces and types", (s) => s.kind === "interface" || s.kind === "typeAlias"],
  ["Constants and namespaces", (s) =>
    s.kind !== "function" && s.kind !== "class" &&
    s.kind !== "interface" && s.kind !== "typeAlias"],
];

/**
 * The API overview of the home page: one section per entry point with its
 * import specifier, the hand-written symbols with their first sentence, and
 * the generated binding grouped by what it binds.
 */
export function apiOverviewHtml(
  root: string,
  symbols: DocSymbols,
  pages: ReadonlyMap<string, string>,
  abi: AbiModel,
): string {
  const link = (s: DocSymbol, withDoc: boolean) => {
    const page = pages.get(s.name);
    const name = `<code>${escapeHtml(s.name)}</code>`;
    const label = page ? `<a href="${root}${page}">${name}</a>` : name;
    return withDoc && s.doc
      ? `${label} <span class="muted">${escapeHtml(plain(s.doc))}</span>`
      : label;
  };
  const generatedGroups: Group[] = [
    ["Interface wrappers", (s) => s.name in abi.interfaces],
    ["vssapi.dll exports", (s) => s.name in abi.functions],
    ["Enumerations", (s) => s.name in abi.enums],
    ["Structures", (s) => s.name in abi.structs],
    ["Tables and types", () => true],
  ];
  const parts: string[] = [];
  for (const entry of entryPoints) {
    const all = symbols.byEntry.get(entry.key) ?? [];
    const generated = all.filter((s) => s.file.startsWith("ffi/generated/"));
    const handwritten = all.filter((s) => !s.file.startsWith("ffi/generated/"));
    parts.push(
      `<h3 id="api-${entry.section.toLowerCase()}"><a href="${root}${
        entryIndex(entry.folder)
      }">${entry.section}</a></h3><p><code>import { … } from "${
        escapeHtml(entry.specifier)
      }"</code>: ${all.length} symbols.</p>`,
    );
    for (const [title, test] of HANDWRITTEN_GROUPS) {
      const items = handwritten.filter(test);
      if (items.length === 0) continue;
      parts.push(
        `<h4>${title}</h4><ul>${items.map((s) => `<li>${link(s, true)}</li>`).join("")}</ul>`,
      );
    }
    const placed = new Set<string>();
    for (const [title, test] of generatedGroups) {
      const items = generated.filter((s) => !placed.has(s.name) && test(s));
      items.forEach((s) => placed.add(s.name));
      if (items.length > 0) {
        parts.push(
          `<h4>${title} (generated)</h4><p>${items.map((s) => link(s, false)).join(", ")}</p>`,
        );
      }
    }
  }
  return `<div class="api-overview">${parts.join("\n")}</div>`;
}
