/**
 * The site search index, one file for guides and API pages, fetched by
 * `site.js` on first use of the search box (never loaded with a page).
 *
 * Format (`search-index.json`), kept compact:
 * `{ kinds: string[], prefixes: string[], hresults: Record<name, hex>, entries: Entry[] }`
 * where an entry is `[name, kind, prefix, path, text, context, mentions]`: `kind` and
 * `prefix` index the two lists, the address is `prefixes[prefix] + path`
 * (`path` "" means `name + ".html"`), `text` and `context` may be "", and
 * `mentions` counts the guides' mentions of the symbol (ranking).
 *
 * @module
 */

import { formatHresult } from "../../ffi/hresult.ts";
import type { ApiNode } from "./api_pages.ts";

/** One row of the index before compaction. */
export interface SearchEntry {
  /** What is shown and matched: `createShadowCopySet`, `Retrying safely`. */
  name: string;
  /** `Function`, `Guide`, `Section`, ... */
  kind: string;
  /** Site-relative address. */
  url: string;
  /** A sentence shown under the name (and matched). */
  text: string;
  /** Where it is: the guide of a section, the entry point of a symbol. */
  context: string;
  /** How often the guides mention it (a symbol's prominence, for ranking); 0 if never. */
  mentions?: number;
}

/** How often each of `names` appears as a whole word in the guides' markdown. */
export function guideMentions(
  names: Iterable<string>,
  bodies: readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  const text = bodies.join("\n");
  for (const name of names) {
    if (name.includes(".")) continue;
    const n = text.match(new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g"))
      ?.length ?? 0;
    if (n > 0) counts.set(name, n);
  }
  return counts;
}

/** Search entries of the API pages; members of plain objects keep no text (it only repeats). */
export function apiSearchEntries(
  nodes: readonly ApiNode[],
  mentions: ReadonlyMap<string, number>,
): SearchEntry[] {
  return nodes.map((n) => ({
    mentions: mentions.get(n.name) ?? 0,
    name: n.name,
    kind: n.kind,
    url: n.url,
    text: n.kind === "Property" ? "" : n.doc,
    context: n.entry.section,
  }));
}

/** The compact JSON text of the index; `hresults` maps HRESULT names to their values. */
export function searchIndexJson(
  entries: readonly SearchEntry[],
  hresults: Record<string, number>,
): string {
  const kinds: string[] = [];
  const prefixes: string[] = [];
  const indexOf = (list: string[], value: string) => {
    const at = list.indexOf(value);
    return at === -1 ? list.push(value) - 1 : at;
  };
  const rows = entries.map((e) => {
    const slash = e.url.lastIndexOf("/") + 1;
    const prefix = e.url.slice(0, slash);
    const rest = e.url.slice(slash);
    return [
      e.name,
      indexOf(kinds, e.kind),
      indexOf(prefixes, prefix),
      rest === `${e.name}.html` ? "" : rest,
      e.text,
      e.context,
      e.mentions ?? 0,
    ];
  });
  const hex = Object.fromEntries(
    Object.entries(hresults).map(([name, value]) => [name, formatHresult(value)]),
  );
  return JSON.stringify({ kinds, prefixes, hresults: hex, entries: rows });
}
