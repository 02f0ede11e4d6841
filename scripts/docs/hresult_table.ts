/**
 * The table of every HRESULT the binding knows, generated at build time from
 * `ffi/generated/hresults.ts`: name, value, severity, facility, and the
 * reference pages that list the code as a return value.
 *
 * @module
 */

import { HRESULT, HRESULT_DOCUMENTED_BY, type HresultName } from "../../ffi/generated/hresults.ts";
import { escapeHtml } from "./html.ts";

const FACILITIES: Record<number, string> = {
  0: "NULL",
  1: "RPC",
  4: "ITF",
  7: "WIN32",
};

/** Unsigned hex with 8 digits: `0x80042301`. */
export function hresultHex(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** Every HRESULT name with its unsigned value, in the order of the generated table (by name). */
export function allHresults(): { name: string; value: number }[] {
  return Object.entries(HRESULT).map(([name, value]) => ({
    name,
    value,
  }));
}

/** Resolves an API symbol name to a site-relative address, or null when it has no page. */
export type ApiLinker = (symbol: string) => string | null;

/** Where a `documentedBy` entry (`IVssAsync::Wait`, `CreateVssBackupComponents`) has its page. */
function documentedByLink(entry: string, api: ApiLinker): string | null {
  const method = /^(\w+)::(\w+)$/.exec(entry);
  if (method) return api(`${method[1]}.prototype.${method[2]}`);
  return api(entry);
}

/**
 * The HTML table. `root` is the page's prefix to the site root; `advice`
 * holds the ids of the sections (on the same page) that say what to do about
 * a code, keyed by the code's name.
 */
export function hresultTableHtml(
  root: string,
  api: ApiLinker,
  advice: ReadonlyMap<string, string>,
): string {
  const rows = allHresults().map(({ name, value }) => {
    const failure = (value >>> 31) === 1;
    const facility = (value >>> 16) & 0x1fff;
    const symbolPage = api(`HRESULT.${name}`);
    const nameCell = symbolPage
      ? `<a href="${root}${symbolPage}"><code>${name}</code></a>`
      : `<code>${name}</code>`;
    const listedBy = HRESULT_DOCUMENTED_BY[name as HresultName] ?? [];
    const items = listedBy.map((entry) => {
      const page = documentedByLink(entry, api);
      const label = `<code>${escapeHtml(entry)}</code>`;
      return `<li>${page ? `<a href="${root}${page}">${label}</a>` : label}</li>`;
    });
    const listedCell = listedBy.length === 0
      ? `<span class="muted">none</span>`
      : `<details><summary>${listedBy.length} ${
        listedBy.length === 1 ? "page" : "pages"
      }</summary><ul>${items.join("")}</ul></details>`;
    const adviceId = advice.get(name);
    const adviceCell = adviceId ? `<a href="#${adviceId}">what to do</a>` : "";
    return `<tr id="hr-${name.toLowerCase()}"><td>${nameCell}</td><td><code>${
      hresultHex(value)
    }</code></td><td>${failure ? "failure" : "success"}</td><td>${
      FACILITIES[facility] ?? String(facility)
    }</td><td>${listedCell}</td><td>${adviceCell}</td></tr>`;
  });
  return `<div class="table-wrap"><table class="hresults" data-count="${rows.length}">` +
    `<thead><tr><th>Name</th><th>Value</th><th>Severity</th><th>Facility</th>` +
    `<th>Listed as a return value by</th><th>Advice</th></tr></thead>` +
    `<tbody>${rows.join("\n")}</tbody></table></div>`;
}
