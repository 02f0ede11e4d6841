/**
 * The parts every page of the site shares, guides and API pages alike: the
 * head (theme before first paint, stylesheets, the site script), the header
 * with the one search box and the collapsible navigation, and the footer
 * with the package version, the page's source link and the licences.
 *
 * @module
 */

import {
  apiDir,
  ccByUrl,
  entryPoints,
  LICENCE_FILE,
  packageName,
  packageVersion,
  siteName,
  sourceDir,
} from "./config.ts";
import { escapeHtml } from "./html.ts";

/** Sets `html.dark` from the saved choice or the system setting, before the page paints. */
const THEME_SCRIPT = `<script>(()=>{try{const t=localStorage.getItem("theme");` +
  `document.documentElement.classList.toggle("dark",t?t==="dark":` +
  `matchMedia("(prefers-color-scheme: dark)").matches)}catch{}})()</script>`;

/** The site-relative address of an entry point's index page. */
export function entryIndex(folder: string): string {
  return `${apiDir}/${folder}index.html`;
}

/** Markup at the start of `<head>`: theme, shared stylesheet, site script. */
export function headHtml(root: string, stylesheets: readonly string[]): string {
  return `${THEME_SCRIPT}<link rel="icon" href="${root}favicon.svg" type="image/svg+xml">` +
    stylesheets.map((s) => `<link rel="stylesheet" href="${root}${s}">`).join("") +
    `<script src="${root}site.js" defer></script>`;
}

/** The site header: brand and version, guides and API sections, search, theme switch. */
export function headerHtml(root: string, firstGuide: string): string {
  const sections = entryPoints.map((e) =>
    `<a href="${root}${entryIndex(e.folder)}">${e.folder ? e.section : "API"}</a>`
  ).join("");
  return `<header class="vss-header"><button type="button" class="vss-menu" aria-expanded="false" ` +
    `aria-controls="vss-nav" aria-label="Menu">&#9776;</button>` +
    `<a class="vss-brand" href="${root}index.html">${escapeHtml(siteName)}</a>` +
    `<span class="vss-version" title="${escapeHtml(packageName)} version">v${
      escapeHtml(packageVersion)
    }</span>` +
    `<nav class="vss-links" id="vss-nav" aria-label="Site"><a href="${root}index.html">Home</a>` +
    `<a href="${root}${firstGuide}">Guides</a>${sections}</nav>` +
    `<div class="vss-search" role="search"><input id="site-search" type="search" autocomplete="off" ` +
    `spellcheck="false" placeholder="Search guides and API ( / )" aria-label="Search guides and API">` +
    `<div id="site-search-results" class="search-results" hidden></div></div>` +
    `<button type="button" class="vss-theme" aria-label="Switch between light and dark" ` +
    `title="Light or dark">&#9680;</button></header>`;
}

/** Where a page's source is: a project-relative file and, for a symbol, its line. */
export interface PageSource {
  /** Project-relative file. */
  file: string;
  /** 1-based line, or null for the whole file. */
  line: number | null;
}

/** The address of a source file's page inside the site (see `sources.ts`). */
export function sourcePage(file: string): string {
  return `${sourceDir}/${file}.html`;
}

/** The footer: package and version, the page's source, the licences. */
export function footerHtml(
  root: string,
  source: PageSource | null,
  licenceShipped: boolean,
): string {
  const sourceLink = source
    ? ` · Source: <a class="vss-source" href="${root}${sourcePage(source.file)}${
      source.line ? `#L${source.line}` : ""
    }">${escapeHtml(source.file)}${source.line ? `:${source.line}` : ""}</a>`
    : "";
  const licence = licenceShipped
    ? ` (<a class="vss-licence" href="${root}licenses/${LICENCE_FILE}">licence text</a>)`
    : "";
  return `<footer class="vss-footer"><p><code>${escapeHtml(packageName)}</code> ` +
    `<span class="vss-footer-version">${escapeHtml(packageVersion)}</span>${sourceLink}</p>` +
    `<p>Summaries and return-code meanings quoted on interface, method and HRESULT pages come ` +
    `from the Microsoft VSS documentation, <a rel="license" href="${ccByUrl}">CC-BY-4.0</a>${licence}. ` +
    `The library is MIT-licensed.</p></footer>`;
}
