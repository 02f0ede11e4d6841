/**
 * Splits a reference page into front matter and `## -section` blocks.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";

/** A page that cannot be read the way its kind requires. */
export class PageFormatError extends Error {
  override name = "PageFormatError";
  /** Corpus path of the page. */
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

/** A `### -param` or `### -field` heading and the text under it. */
export interface Subsection {
  /** The heading text after `### -param ` / `### -field `. */
  heading: string;
  body: string;
}

/** A page split into its parts. */
export interface MarkdownPage {
  file: string;
  front: Record<string, unknown>;
  /** The first `# ` heading. */
  title: string;
  /** Body of each `## -name` section, keyed by `name`. */
  sections: Map<string, string>;
  /** The whole body after the front matter. */
  body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

/** Reads the front matter (YAML) and the `## -section` structure of a page. */
export function splitPage(file: string, text: string): MarkdownPage {
  const match = FRONT_MATTER.exec(text);
  if (!match) throw new PageFormatError(file, "no front matter block");
  let front: unknown;
  try {
    front = parseYaml(match[1]);
  } catch (error) {
    throw new PageFormatError(file, `front matter is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof front !== "object" || front === null) {
    throw new PageFormatError(file, "front matter is not a mapping");
  }
  const body = text.slice(match[0].length);
  const title = /^# (.+)$/m.exec(body)?.[1].trim() ?? "";
  const sections = new Map<string, string>();
  const heading = /^## -([a-z-]+)[ \t]*$/gm;
  const starts: { name: string; start: number; end: number }[] = [];
  for (let m = heading.exec(body); m; m = heading.exec(body)) {
    starts.push({ name: m[1], start: m.index, end: m.index + m[0].length });
  }
  starts.forEach((s, i) => {
    sections.set(s.name, body.slice(s.end, starts[i + 1]?.start ?? body.length));
  });
  return { file, front: front as Record<string, unknown>, title, sections, body };
}

/** The `### -<kind> heading` blocks of a section, in order. */
export function subsections(section: string, kind: "param" | "field"): Subsection[] {
  const pattern = new RegExp(`^### -${kind}[ \\t]+(.*)$`, "gm");
  const found: { heading: string; start: number; end: number }[] = [];
  for (let m = pattern.exec(section); m; m = pattern.exec(section)) {
    found.push({ heading: m[1].trim(), start: m.index, end: m.index + m[0].length });
  }
  return found.map((f, i) => ({
    heading: f.heading,
    body: section.slice(f.end, found[i + 1]?.start ?? section.length),
  }));
}

/** A front matter value as a trimmed string, or null when absent or empty. */
export function frontString(page: MarkdownPage, key: string): string | null {
  const value = page.front[key];
  if (value === undefined || value === null) return null;
  const text = String(value).trim();
  return text === "" ? null : text;
}

/** The required section, or a {@linkcode PageFormatError} naming it. */
export function requireSection(page: MarkdownPage, name: string): string {
  const section = page.sections.get(name);
  if (section === undefined) {
    throw new PageFormatError(page.file, `missing the "## -${name}" section`);
  }
  return section;
}
