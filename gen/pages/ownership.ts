/**
 * Ownership statements of a reference page: the paragraphs that tell the
 * caller to free or release something, which freeing function they name, and
 * which parameters they speak of. The ABI builder turns these into the
 * `freeWith` rule of each out parameter.
 *
 * @module
 */

import { type MarkdownPage, subsections } from "./markdown_page.ts";
import type { PageFree, PageFreeWith } from "../model.ts";

/** The freeing functions the pages name, and how each appears in page text. */
const FREERS: readonly [PageFreeWith, RegExp][] = [
  ["SysFreeString", /\bSysFreeString\b/],
  ["CoTaskMemFree", /\bCoTaskMemFree\b/],
  ["VssFreeSnapshotProperties", /\bVssFreeSnapshotProperties\b/],
  ["FreeComponentInfo", /\bFreeComponentInfo\b/],
  ["FreeWriterStatus", /\bFreeWriterStatus\b/],
  ["Release", /\bIUnknown::Release\b|\bRelease<\/a> method\b|\bRelease method\b/],
];

/** A verb telling the caller to free, release, call or use the function (outside its own name). */
const DISPOSAL = /\b(?:free|frees|freeing|freed|release|releasing|released|call|calling|use)\b/i;

const ITALIC = /<i>\s*([A-Za-z_][A-Za-z0-9_]*)\s*<\/i>/g;

/** The italic names of a text (the pages set parameter names in `<i>`). */
export function italicNames(text: string): string[] {
  return [...new Set([...text.matchAll(ITALIC)].map((m) => m[1]))];
}

function statementsOf(text: string, params: readonly string[], own: string | null): PageFree[] {
  const out: PageFree[] = [];
  for (const paragraph of text.split(/\r?\n\s*\r?\n/)) {
    for (const [freeWith, pattern] of FREERS) {
      if (!pattern.test(paragraph)) continue;
      const rest = paragraph.replace(new RegExp(pattern.source, "g"), "");
      if (!DISPOSAL.test(rest.replace(/<[^>]*>/g, " "))) continue;
      const named = italicNames(paragraph).filter((n) => params.includes(n));
      out.push({ freeWith, params: own && named.length === 0 ? [own] : named });
    }
  }
  return out;
}

/**
 * Every ownership statement of a page, in page order. A statement inside a
 * parameter's own section speaks of that parameter unless it names others;
 * `params` is empty when the statement names no parameter of the page.
 */
export function pageFrees(page: MarkdownPage, params: readonly string[]): PageFree[] {
  const out: PageFree[] = [];
  for (const [name, section] of page.sections) {
    if (name === "see-also" || name === "requirements") continue;
    if (name === "parameters") {
      for (const { heading, body } of subsections(section, "param")) {
        const own = /^[A-Za-z_][A-Za-z0-9_]*/.exec(heading)?.[0] ?? null;
        out.push(...statementsOf(body, params, own));
      }
    } else {
      out.push(...statementsOf(section, params, null));
    }
  }
  return out;
}
