/**
 * The guides: markdown files in `docs-src/guides/` rendered to HTML with
 * marked. Writing one:
 *
 * - front matter: `title`, `summary` (one line, for the home page and the
 *   search), `order` (sidebar position), and optionally `names`, a list of
 *   code spans that name something outside the API (test helpers, environment
 *   variables) and are therefore not checked;
 * - `[text](api:Symbol)` links into the API reference (`api:` alone is its
 *   index), `[text](other.md#section)` to another guide; both are resolved and
 *   checked at build time, anchors included;
 * - every inline code span that looks like an API name (`IVssAsync::Wait`,
 *   `VssError.codeName`, `VSS_E_BAD_STATE`, `AddToSnapshotSet`) must exist,
 *   so a guide cannot name a method or HRESULT the binding does not have;
 * - fenced ```` ```ts ```` blocks are complete modules importing from
 *   `@vss/requester`; `tests/docs/site_test.ts` type-checks them against
 *   `mod.ts` (write ```` ```ts ignore ```` for a fragment);
 * - `<!-- hresult-table -->`, `<!-- guide-list -->` and `<!-- api-overview -->`
 *   on a line of their own are replaced by generated HTML.
 *
 * @module
 */

import { Marked, type Token, type Tokens } from "marked";
import { parse as parseYaml } from "yaml";
import { guidesDir } from "./config.ts";
import { escapeHtml, slugify } from "./html.ts";
import { highlight } from "./highlight.ts";

/** One markdown source. */
export interface Guide {
  /** File name without `.md`; the page is `guides/<slug>.html` (`index` is the home page). */
  slug: string;
  /** Page title and sidebar label. */
  title: string;
  /** One line for the home page and the sidebar tooltips. */
  summary: string;
  /** Position in the sidebar. */
  order: number;
  /** The markdown after the front matter. */
  body: string;
  /** Code spans that name something outside the API (test helpers, C functions): not checked. */
  names: ReadonlySet<string>;
  /** Path of the source file, for messages. */
  file: string;
}

/** A heading of a rendered guide, for the page's table of contents. */
export interface Heading {
  /** 1 to 6. */
  depth: number;
  /** The element id (unique on the page). */
  id: string;
  /** The heading as plain text. */
  text: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

/** Reads every guide, sorted by `order`. */
export async function readGuides(dir = guidesDir): Promise<Guide[]> {
  const guides: Guide[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".md")) continue;
    const file = `${dir}/${entry.name}`;
    const text = await Deno.readTextFile(file);
    const match = FRONT_MATTER.exec(text);
    if (!match) throw new Error(`${file}: no front matter (--- title/summary/order ---)`);
    const front = parseYaml(match[1]) as Record<string, unknown>;
    const title = String(front.title ?? "").trim();
    const summary = String(front.summary ?? "").trim();
    const order = Number(front.order);
    const names = Array.isArray(front.names) ? front.names.map(String) : [];
    if (!title || !summary || !Number.isFinite(order)) {
      throw new Error(`${file}: front matter needs title, summary and a numeric order`);
    }
    guides.push({
      slug: entry.name.slice(0, -3),
      title,
      summary,
      order,
      body: text.slice(match[0].length),
      names: new Set(names),
      file,
    });
  }
  return guides.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

/** The site-relative page of a guide. */
export function guidePage(slug: string): string {
  return slug === "index" ? "index.html" : `guides/${slug}.html`;
}

/** What names exist in the API, for resolving `api:` links and checking code spans. */
export interface ApiNames {
  /** Every documented symbol (dotted name) and its site-relative page. */
  pages: ReadonlyMap<string, string>;
  /** Methods of each generated interface, bases included. */
  interfaceMethods: ReadonlyMap<string, ReadonlySet<string>>;
  /** Parameter and out-field names of the generated methods and functions. */
  parameterNames: ReadonlySet<string>;
}

/** Everything a render needs besides the guide itself. */
export interface RenderContext {
  /** Names to resolve `api:` links and check code spans against. */
  api: ApiNames;
  /** Every guide, for links between them. */
  guides: readonly Guide[];
  /** Prefix from the page to the site root. */
  root: string;
  /** HTML that replaces `<!-- name -->` comments. */
  placeholders: Record<string, (headings: readonly Heading[]) => string>;
}

/** The rendered guide. */
export interface RenderedGuide {
  /** The body HTML. */
  html: string;
  /** Its headings, in order. */
  headings: Heading[];
  /** Same-site links this guide makes, as site-relative `page#fragment`, for checking. */
  fragments: string[];
}

const CALL = /^([\w.:[\]]+)\(.*\)$/s;
const API_PREFIX = /^(IVss|Vss|VSS_|E_|S_|CO_E_|RPC_E_|REGDB_E_|CreateVss)/;

/**
 * Checks one inline code span against the API; returns a problem or null.
 * Spans that do not look like API names (commands, paths, literals) pass.
 */
export function checkCodeSpan(text: string, api: ApiNames): string | null {
  const trimmed = text.trim();
  const base = CALL.exec(trimmed)?.[1] ?? trimmed;
  const names = api.pages;
  const endsWith = (member: string) => {
    for (const name of names.keys()) if (name.endsWith(`.${member}`)) return true;
    return false;
  };
  const method = /^(\w+)::(\w+)$/.exec(base);
  if (method) {
    const methods = api.interfaceMethods.get(method[1]);
    if (!methods) return `\`${text}\`: ${method[1]} is not a generated interface`;
    if (!methods.has(method[2])) return `\`${text}\`: ${method[1]} has no method ${method[2]}`;
    return null;
  }
  if (/^[A-Za-z_]\w*(\.[A-Za-z_$][\w$]*)+$/.test(base)) {
    const [first, ...rest] = base.split(".");
    if (!names.has(first)) return null; // not ours: `Deno.execPath`, `deno.json`
    const member = rest.join(".");
    if (names.has(base) || names.has(`${first}.prototype.${member}`)) return null;
    return `\`${text}\`: ${first} has no documented member ${member}`;
  }
  if (!/^[A-Za-z_]\w*$/.test(base)) return null;
  if (names.has(base) || names.has(`HRESULT.${base}`)) return null;
  if (base in globalThis) return null; // a JavaScript or Deno global: `TypeError`, `AbortSignal`
  const apiLike = API_PREFIX.test(base);
  const pascal = /^[A-Z][a-z0-9]+[A-Z]\w*$/.test(base);
  const camel = /^[a-z]+[A-Z]\w*$/.test(base);
  if (!apiLike && !pascal && !camel) return null;
  if (endsWith(base) || api.parameterNames.has(base)) return null;
  for (const methods of api.interfaceMethods.values()) if (methods.has(base)) return null;
  return `\`${text}\`: no API symbol, member, method or parameter has this name`;
}

function headingText(tokens: Token[] | undefined, raw: string): string {
  if (!tokens) return raw;
  return tokens.map((t) => ("text" in t && typeof t.text === "string" ? t.text : t.raw)).join("");
}

/** The heading ids a guide's markdown will get, in order (for linking before rendering). */
export function headingIds(markdown: string): Heading[] {
  const marked = new Marked({ gfm: true });
  const seen = new Map<string, number>();
  const out: Heading[] = [];
  marked.walkTokens(marked.lexer(markdown), (token) => {
    if (token.type !== "heading") return;
    const heading = token as Tokens.Heading;
    const text = headingText(heading.tokens, heading.text);
    out.push({ depth: heading.depth, id: uniqueId(slugify(text), seen), text });
  });
  return out;
}

function uniqueId(base: string, seen: Map<string, number>): string {
  const id = base || "section";
  const count = seen.get(id) ?? 0;
  seen.set(id, count + 1);
  return count === 0 ? id : `${id}-${count + 1}`;
}

/**
 * Renders a guide. Throws one error listing every unknown `api:` target,
 * missing guide, foreign relative link and code span that names no API symbol.
 */
export function renderGuide(guide: Guide, context: RenderContext): RenderedGuide {
  const problems: string[] = [];
  const fragments: string[] = [];
  const headings = headingIds(guide.body);
  const knownGuides = new Set(context.guides.map((g) => g.slug));
  const self = guidePage(guide.slug);
  const resolve = (href: string): string => {
    const [target, fragment] = href.split("#", 2) as [string, string | undefined];
    const suffix = fragment === undefined ? "" : `#${fragment}`;
    if (target === "api:") return `${context.root}api/index.html${suffix}`;
    if (target.startsWith("api:")) {
      const page = context.api.pages.get(target.slice(4));
      if (!page) {
        problems.push(`link ${href}: no API page for ${target.slice(4)}`);
        return href;
      }
      if (fragment) fragments.push(`${page}#${fragment}`);
      return `${context.root}${page}${suffix}`;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return href; // https:, mailto:
    if (target === "") {
      if (fragment) fragments.push(`${self}#${fragment}`);
      return href;
    }
    const guideFile = /^(?:\.\/)?([\w-]+)\.md$/.exec(target);
    if (!guideFile || !knownGuides.has(guideFile[1])) {
      problems.push(
        `link ${href}: only api:Symbol, other-guide.md and #fragment links are allowed`,
      );
      return href;
    }
    const page = guidePage(guideFile[1]);
    if (fragment) fragments.push(`${page}#${fragment}`);
    return `${context.root}${page}${suffix}`;
  };

  let headingIndex = 0;
  const marked = new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type === "link") token.href = resolve(token.href);
      if (token.type === "codespan") {
        const text = decodeCodeSpan(token.text);
        const allowed = guide.names.has(text) || guide.names.has(text.replace(/\(.*\)$/s, ""));
        const problem = allowed ? null : checkCodeSpan(text, context.api);
        if (problem) problems.push(problem);
      }
    },
    renderer: {
      heading(token) {
        const info = headings[headingIndex++];
        const inner = this.parser.parseInline(token.tokens);
        return `<h${token.depth} id="${info.id}">${inner}<a class="heading-anchor" href="#${info.id}" ` +
          `aria-label="Link to this section">#</a></h${token.depth}>\n`;
      },
      code(token) {
        const lang = (token.lang ?? "").split(/\s+/)[0];
        const cls = lang ? ` class="language-${escapeHtml(lang)}"` : "";
        return `<pre class="code"><code${cls}>${
          highlight(token.text.replace(/\n$/, ""), lang)
        }\n</code></pre>\n`;
      },
      html(token) {
        const comment = /^<!--\s*([\w-]+)\s*-->\s*$/.exec(token.text.trim());
        if (comment) {
          const fill = context.placeholders[comment[1]];
          if (!fill) {
            problems.push(`placeholder <!-- ${comment[1]} --> is not known`);
            return "";
          }
          return fill(headings);
        }
        return token.text;
      },
      table(token) {
        const header = token.header.map((cell) =>
          `<th>${this.parser.parseInline(cell.tokens)}</th>`
        );
        const rows = token.rows.map((row) =>
          `<tr>${
            row.map((cell) => `<td>${this.parser.parseInline(cell.tokens)}</td>`).join("")
          }</tr>`
        );
        return `<div class="table-wrap"><table class="md"><thead><tr>${
          header.join("")
        }</tr></thead><tbody>${rows.join("")}</tbody></table></div>\n`;
      },
    },
  });
  const html = marked.parse(guide.body, { async: false }) as string;
  if (problems.length > 0) {
    throw new Error(`${guide.file}:\n  ${problems.join("\n  ")}`);
  }
  return { html, headings, fragments };
}

function decodeCodeSpan(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(
    /&#39;/g,
    "'",
  ).replace(/&amp;/g, "&");
}

/** A fenced code block of a guide. */
export interface CodeExample {
  /** The guide's slug. */
  guide: string;
  /** The info string: `ts`, `ts ignore`, `sh`, ... */
  info: string;
  /** The code without the fences. */
  code: string;
  /** 1-based line of the opening fence in the guide's body. */
  line: number;
}

/** The fenced code blocks of a guide, in order. */
export function codeExamples(guide: Guide): CodeExample[] {
  const marked = new Marked({ gfm: true });
  const out: CodeExample[] = [];
  let offset = 0;
  for (const token of marked.lexer(guide.body)) {
    const at = guide.body.indexOf(token.raw, offset);
    if (at >= 0) offset = at + token.raw.length;
    if (token.type !== "code") continue;
    const code = token as Tokens.Code;
    if (code.codeBlockStyle === "indented") continue;
    out.push({
      guide: guide.slug,
      info: (code.lang ?? "").trim(),
      code: code.text,
      line: guide.body.slice(0, Math.max(at, 0)).split("\n").length,
    });
  }
  return out;
}
