/**
 * Merge per-header models into one {@link HeaderModel}.
 *
 * @module
 */

import type { HeaderModel } from "../model.ts";
import { emptyHeaderModel } from "./parse.ts";

/** Two headers declare the same name differently. */
export class HeaderMergeError extends Error {
  /**
   * @param kind Which list the name belongs to (`hresults`, `enums`, ...).
   * @param name The conflicting name.
   * @param headers The two headers.
   */
  constructor(kind: string, name: string, headers: [string, string]) {
    super(`${kind}: ${name} is declared differently in ${headers[0]} and ${headers[1]}`);
    this.name = "HeaderMergeError";
  }
}

type Named = { name: string; header: string };

function sameIgnoringHeader(a: Named, b: Named): boolean {
  return JSON.stringify({ ...a, header: "" }) === JSON.stringify({ ...b, header: "" });
}

/**
 * Concatenate the lists of several header models in order. A name that
 * appears again with the same content is kept once (first header wins);
 * different content throws.
 *
 * @throws {HeaderMergeError} When two headers disagree about a name.
 */
export function mergeHeaderModels(models: readonly HeaderModel[]): HeaderModel {
  const out = emptyHeaderModel();
  const keys = Object.keys(out) as (keyof HeaderModel)[];
  for (const key of keys) {
    const seen = new Map<string, Named>();
    const list = out[key] as Named[];
    for (const m of models) {
      for (const item of m[key] as Named[]) {
        const prev = seen.get(item.name);
        if (prev) {
          if (!sameIgnoringHeader(prev, item)) {
            throw new HeaderMergeError(key, item.name, [prev.header, item.header]);
          }
          continue;
        }
        seen.set(item.name, item);
        list.push(item);
      }
    }
  }
  return out;
}
