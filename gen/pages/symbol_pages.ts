/**
 * Turns one reference page into the facts the model needs, by page kind
 * (front matter UID prefix): NF methods and functions, NL/NN interfaces,
 * NE enumerations, NS structures.
 *
 * @module
 */

import { load } from "cheerio";
import {
  frontString,
  type MarkdownPage,
  PageFormatError,
  requireSection,
  subsections,
} from "./markdown_page.ts";
import { learnUrl } from "./links.ts";
import { parseReturnCodes } from "./return_codes.ts";
import { italicNames, pageFrees } from "./ownership.ts";
import type {
  Direction,
  PageDataType,
  PageEnum,
  PageFunction,
  PageInterface,
  PageMethod,
  PageParam,
  PageSource,
  PageStruct,
  Requirements,
} from "../model.ts";

/** The page kinds the generator reads. */
export type PageKind = "method" | "function" | "interface" | "enum" | "struct" | "header" | "other";

/** The page's UID from its front matter, or null. */
export function pageUid(page: MarkdownPage): string | null {
  return frontString(page, "UID");
}

/** Classifies a page by its UID prefix. */
export function pageKind(page: MarkdownPage): PageKind {
  const uid = pageUid(page) ?? "";
  if (uid.startsWith("NF:")) return uid.split(".").length === 3 ? "method" : "function";
  if (uid.startsWith("NL:") || uid.startsWith("NN:")) return "interface";
  if (uid.startsWith("NE:")) return "enum";
  if (uid.startsWith("NS:")) return "struct";
  if (uid.startsWith("NA:")) return "header";
  return "other";
}

function source(page: MarkdownPage): PageSource {
  const uid = pageUid(page);
  if (!uid) throw new PageFormatError(page.file, "front matter has no UID");
  const doc = learnUrl(page.file);
  if (doc === null) throw new PageFormatError(page.file, "is not where a reference page can be");
  return { uid, file: page.file, doc };
}

function requirements(page: MarkdownPage): Requirements {
  return {
    header: frontString(page, "req.header"),
    includeHeader: frontString(page, "req.include-header"),
    lib: frontString(page, "req.lib"),
    dll: frontString(page, "req.dll"),
    minClient: frontString(page, "req.target-min-winverclnt"),
    minServer: frontString(page, "req.target-min-winversvr"),
  };
}

const PARAM_HEADING = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+\[([a-z, ]+)\])?$/;

/** Parses `### -param name [in, out]` headings. */
export function parseParams(page: MarkdownPage): PageParam[] {
  const section = page.sections.get("parameters");
  if (section === undefined) return [];
  return subsections(section, "param").map(({ heading, body }) => {
    const m = PARAM_HEADING.exec(heading);
    if (!m) throw new PageFormatError(page.file, `unreadable parameter heading "${heading}"`);
    const mentions = italicNames(body).filter((n) => n !== m[1]);
    const param: PageParam = { name: m[1], direction: parseDirection(page.file, m[2]), mentions };
    if (MUST_BE_NULL.test(body)) param.mustBeNull = true;
    return param;
  });
}

/** A parameter whose section says its value must be (or should be) NULL. */
const MUST_BE_NULL = /\b(?:should|must) be (?:<b>)?NULL(?:<\/b>)?/;

function parseDirection(file: string, text: string | undefined): Direction | null {
  if (text === undefined) return null;
  const parts = text.split(",").map((p) => p.trim()).filter((p) => p !== "optional");
  const joined = parts.join(", ");
  if (joined === "in" || joined === "out" || joined === "in, out") return joined;
  throw new PageFormatError(file, `unknown parameter direction "[${text}]"`);
}

function uidParts(page: MarkdownPage, expected: number): string[] {
  const uid = pageUid(page)!;
  const parts = uid.slice(3).split(".");
  if (parts.length !== expected) {
    throw new PageFormatError(page.file, `UID "${uid}" does not have ${expected} dotted parts`);
  }
  return parts;
}

/** A method page (`NF:header.Interface.Method`). */
export function parseMethodPage(page: MarkdownPage): PageMethod {
  requireSection(page, "description");
  const [, iface, name] = uidParts(page, 3);
  const returns = page.sections.get("returns");
  const params = parseParams(page);
  return {
    ...source(page),
    interface: iface,
    name,
    params,
    returnCodes: returns === undefined ? [] : parseReturnCodes(page.file, returns),
    requirements: requirements(page),
    frees: pageFrees(page, params.map((p) => p.name)),
  };
}

/** A function page (`NF:header.Function`). */
export function parseFunctionPage(page: MarkdownPage): PageFunction {
  requireSection(page, "description");
  const [, name] = uidParts(page, 2);
  const returns = page.sections.get("returns");
  const params = parseParams(page);
  return {
    ...source(page),
    name,
    params,
    returnCodes: returns === undefined ? [] : parseReturnCodes(page.file, returns),
    requirements: requirements(page),
    frees: pageFrees(page, params.map((p) => p.name)),
  };
}

/** Names of the types a section links to, by link text, in order. */
function linkedNames(html: string): { name: string; href: string }[] {
  const $ = load(html, null, false);
  return $("a").toArray().map((a) => ({
    name: $(a).text().trim(),
    href: $(a).attr("href") ?? "",
  }));
}

/** An interface or C++ class page (`NL:` / `NN:`). */
export function parseInterfacePage(page: MarkdownPage): PageInterface {
  requireSection(page, "description");
  const [, name] = uidParts(page, 2);
  const inheritance = page.sections.get("inheritance");
  const description = page.sections.get("description") ?? "";
  let bases: string[] = [];
  if (inheritance !== undefined) {
    bases = linkedNames(inheritance).map((l) => l.name).filter((n) => /^I[A-Za-z0-9]+$/.test(n));
  } else {
    // Pages without an inheritance section name their bases in the description.
    const sentence = /inherits from([\s\S]*?)(?:\.\s|$)/.exec(description)?.[1] ?? "";
    bases = linkedNames(sentence).map((l) => l.name).filter((n) => /^I[A-Za-z0-9]+$/.test(n));
  }
  return {
    ...source(page),
    name,
    header: frontString(page, "req.header"),
    bases,
    cppOnly: pageUid(page)!.startsWith("NL:"),
    requirements: requirements(page),
    frees: pageFrees(page, []),
  };
}

const ENUM_FIELD = /^([A-Z_][A-Z0-9_]*)(?::\s*(-?(?:0x[0-9a-fA-F]+|\d+)))?$/;

/** An enumeration page (`NE:`): members in order, values where the page gives them. */
export function parseEnumPage(page: MarkdownPage): PageEnum {
  const fields = subsections(requireSection(page, "enum-fields"), "field");
  if (fields.length === 0) throw new PageFormatError(page.file, "enumeration lists no members");
  return {
    ...source(page),
    name: titleName(page),
    members: fields.map(({ heading }) => {
      const m = ENUM_FIELD.exec(heading);
      if (!m) throw new PageFormatError(page.file, `unreadable enumeration member "${heading}"`);
      return { name: m[1], value: m[2] === undefined ? null : Number(m[2]) };
    }),
  };
}

/** A structure or union page (`NS:`): field names in order. */
export function parseStructPage(page: MarkdownPage): PageStruct {
  const fields = subsections(requireSection(page, "struct-fields"), "field");
  if (fields.length === 0) throw new PageFormatError(page.file, "structure lists no fields");
  return {
    ...source(page),
    name: titleName(page),
    fields: fields.map(({ heading }) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(heading)) {
        throw new PageFormatError(page.file, `unreadable structure field "${heading}"`);
      }
      return heading;
    }),
    frees: pageFrees(page, []),
  };
}

function titleName(page: MarkdownPage): string {
  const title = frontString(page, "title") ?? page.title;
  const name = title.replace(/\s*\(.*\)\s*$/, "").trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new PageFormatError(page.file, `title "${title}" does not start with a type name`);
  }
  return name;
}

/** The data types page: each `<dt>` name with the C declaration shown under it. */
export function parseDataTypesPage(page: MarkdownPage): PageDataType[] {
  const found: PageDataType[] = [];
  const pattern =
    /<dt>\s*(?:<span[^>]*><\/span>)*([A-Za-z\\_]+)\s*<\/dt>\s*<dd>\s*```[^\n]*\n([\s\S]*?)```/g;
  for (let m = pattern.exec(page.body); m; m = pattern.exec(page.body)) {
    found.push({ name: m[1].replaceAll("\\", ""), declaration: m[2].trim() });
  }
  if (found.length === 0) throw new PageFormatError(page.file, "data types page lists no types");
  return found;
}
