/**
 * Source pages: every module of the documented entry points and every guide,
 * highlighted, with an anchor per line (`#L120`), so each page of the site
 * links to the file it comes from.
 *
 * @module
 */

import { type PageSource, sourcePage } from "./chrome.ts";
import { projectRoot } from "./config.ts";
import { escapeHtml, rootPrefix } from "./html.ts";
import { highlight, languageOf } from "./highlight.ts";

/** The page's shared parts, as the builder makes them. */
export interface SourcePageParts {
  /** `<head>` start for a page at `root`. */
  head(root: string): string;
  /** The site header. */
  header(root: string): string;
  /** The footer. */
  footer(root: string, source: PageSource): string;
}

/** Writes `source/<file>.html` under `outDir` for every project-relative file; returns the count. */
export async function writeSourcePages(
  outDir: string,
  files: readonly string[],
  parts: SourcePageParts,
): Promise<number> {
  for (const file of files) {
    const page = sourcePage(file);
    const root = rootPrefix(page);
    const text = await Deno.readTextFile(`${projectRoot}/${file}`);
    const lines = highlight(text.replace(/\n$/, ""), languageOf(file)).split("\n");
    const body = lines.map((line, i) =>
      `<span class="line" id="L${i + 1}"><a class="ln" href="#L${i + 1}">${i + 1}</a>${line}</span>`
    ).join("\n");
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(file)} · source</title>${
        parts.head(root)
      }</head><body class="page-source" data-root="${root}">${parts.header(root)}` +
      `<main class="source-main"><h1><code>${escapeHtml(file)}</code></h1>` +
      `<pre class="code source"><code>${body}</code></pre></main>${
        parts.footer(root, { file, line: null })
      }</body></html>`;
    const target = `${outDir}/${page}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(target, html);
  }
  return files.length;
}
