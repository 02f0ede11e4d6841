/**
 * The log of differences between the pages and the headers, and the reviewed
 * file that explains them (`gen/explained_disagreements.txt`, one line each:
 * `id :: reason`).
 *
 * @module
 */

import type { Disagreement } from "../model.ts";

/** Collects disagreements and attaches reviewed reasons. */
export class DisagreementLog {
  #entries = new Map<string, Disagreement>();
  #explanations: ReadonlyMap<string, string>;

  constructor(explanations: ReadonlyMap<string, string>) {
    this.#explanations = explanations;
  }

  /** Records one disagreement; the id is `kind:subject`. */
  add(kind: string, subject: string, pages: unknown, headers: unknown, rule: string): void {
    const id = `${kind}:${subject}`;
    this.#entries.set(id, {
      id,
      kind,
      subject,
      pages,
      headers,
      rule,
      reason: this.#explanations.get(id) ?? null,
    });
  }

  /** Every disagreement, sorted by id. */
  entries(): Disagreement[] {
    return [...this.#entries.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  /** Disagreements nobody has explained. */
  unexplained(): Disagreement[] {
    return this.entries().filter((d) => d.reason === null);
  }

  /** Explanations that match no disagreement (the file has gone stale). */
  stale(): string[] {
    return [...this.#explanations.keys()].filter((id) => !this.#entries.has(id)).sort();
  }
}

/** A malformed line in the explanations file. */
export class ExplanationsError extends Error {
  override name = "ExplanationsError";
}

/** Parses `id :: reason` lines; `#` starts a comment line. */
export function parseExplanations(
  text: string,
  file = "explained_disagreements.txt",
): Map<string, string> {
  const out = new Map<string, string>();
  text.split("\n").forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const at = trimmed.indexOf(" :: ");
    if (at <= 0 || trimmed.slice(at + 4).trim() === "") {
      throw new ExplanationsError(`${file}:${i + 1}: expected "id :: reason", got "${trimmed}"`);
    }
    const id = trimmed.slice(0, at).trim();
    if (out.has(id)) throw new ExplanationsError(`${file}:${i + 1}: "${id}" is explained twice`);
    out.set(id, trimmed.slice(at + 4).trim());
  });
  return out;
}
