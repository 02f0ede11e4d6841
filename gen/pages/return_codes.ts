/**
 * Reads the return-code table of a method or function page.
 *
 * @module
 */

import { load } from "cheerio";
import { PageFormatError } from "./markdown_page.ts";
import type { PageReturnCode } from "../model.ts";
import { toUnsigned } from "../../ffi/hresult.ts";

const HRESULT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Parses `0x80042301L`, `0x00000000`, or a decimal; null when the text is not a number. */
export function parseHresultValue(text: string): number | null {
  const t = text.trim().replace(/[lLuU]+$/, "");
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return toUnsigned(parseInt(t.slice(2), 16));
  if (/^-?\d+$/.test(t)) return toUnsigned(Number(t));
  return null;
}

/**
 * The return codes a `-returns` section documents: the rows of its table, or,
 * for pages that only write a sentence, the bold code names in that sentence.
 */
export function parseReturnCodes(file: string, section: string): PageReturnCode[] {
  const $ = load(section, null, false);
  const tables = $("table");
  if (tables.length === 0) {
    const names = new Set<string>();
    $("b").each((_, b) => {
      const name = $(b).text().trim();
      if (/^(?:S|E|VSS_[ES])_[A-Z0-9_]+$/.test(name)) names.add(name);
    });
    return [...names].map((name) => ({ name, value: null }));
  }
  const codes: PageReturnCode[] = [];
  tables.first().find("tr").each((rowIndex, row) => {
    const cells = $(row).children("td");
    if (cells.length === 0) return; // header row
    if (cells.length < 2) {
      throw new PageFormatError(
        file,
        `return-code table row ${rowIndex} has ${cells.length} cell(s)`,
      );
    }
    const terms = $(cells[0]).find("dt");
    const name = (terms.length > 0 ? $(terms[0]) : $(cells[0])).text().trim();
    if (!HRESULT_NAME.test(name)) {
      throw new PageFormatError(
        file,
        `return-code table row ${rowIndex} names no code ("${name}")`,
      );
    }
    let value: number | null = null;
    if (terms.length > 1) {
      const raw = $(terms[1]).text().trim();
      value = parseHresultValue(raw);
      if (value === null) {
        throw new PageFormatError(file, `return code ${name} has an unreadable value "${raw}"`);
      }
    }
    codes.push({ name, value });
  });
  if (codes.length === 0) throw new PageFormatError(file, "return-code table has no rows");
  return codes;
}
