/**
 * The package.json fields of a release that only the maintainers can give:
 * `repository`, `homepage` (the documentation site) and `bugs`. They live in
 * one committed file, {@linkcode RELEASE_FILE}; a field left `null` is left
 * out of a development build, and a release build (`--release`) refuses to
 * start until every field is filled in.
 *
 * @example The fields of a development build
 * ```ts ignore
 * import { readReleaseMetadata } from "./release.ts";
 *
 * const { fields, missing } = await readReleaseMetadata("./");
 * console.log(Object.keys(fields), "missing:", missing);
 * ```
 *
 * @module
 */

/** The file the maintainers fill in, relative to the repository. */
export const RELEASE_FILE = "npm/release.json";

/** The fields a release needs, in package.json's order. */
export const RELEASE_FIELDS = ["repository", "homepage", "bugs"] as const;
/** One of {@linkcode RELEASE_FIELDS}. */
export type ReleaseField = typeof RELEASE_FIELDS[number];

/** Keys of {@linkcode RELEASE_FILE} that are notes for the maintainers, not package fields. */
const NOTE_KEYS = ["$comment"];

/** The release metadata is malformed, or a release build lacks some of it. */
export class ReleaseMetadataError extends Error {
  /** The fields a release build is missing (empty when the file is malformed). */
  readonly missing: ReleaseField[];
  /** Why, naming the fields and {@linkcode RELEASE_FILE}. */
  constructor(message: string, missing: ReleaseField[] = []) {
    super(message);
    this.name = "ReleaseMetadataError";
    this.missing = missing;
  }
}

/** What {@linkcode RELEASE_FILE} gives a build: the filled fields and the null ones. */
export interface ReleaseMetadata {
  /** The fields to write into package.json. */
  fields: Partial<Record<ReleaseField, unknown>>;
  /** The fields still `null`. */
  missing: ReleaseField[];
}

const isUrl = (value: unknown): boolean => {
  if (typeof value !== "string") return false;
  try {
    return ["https:", "http:", "git+https:", "git+ssh:", "git:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** Why `value` is not a valid `field` (package.json's forms), or null. */
function invalid(field: ReleaseField, value: unknown): string | null {
  const object = typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : null;
  switch (field) {
    case "homepage":
      return isUrl(value) ? null : "a URL string (the documentation site)";
    case "repository":
      if (isUrl(value)) return null;
      return object && typeof object.type === "string" && isUrl(object.url)
        ? null
        : 'a URL string or { "type": "git", "url": "..." }';
    case "bugs":
      if (isUrl(value)) return null;
      return object && (isUrl(object.url) || typeof object.email === "string")
        ? null
        : 'a URL string or { "url": "...", "email": "..." }';
  }
}

/**
 * Parses the text of {@linkcode RELEASE_FILE}: each field is `null` (not
 * known yet) or a value of the form package.json takes. Throws
 * {@linkcode ReleaseMetadataError} for a malformed file, and, when `release`
 * is true, for any field still `null`, naming each one and the file.
 */
export function parseReleaseMetadata(text: string, release: boolean): ReleaseMetadata {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReleaseMetadataError(`${RELEASE_FILE} is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ReleaseMetadataError(`${RELEASE_FILE} must hold one JSON object`);
  }
  const record = data as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) =>
    !NOTE_KEYS.includes(k) && !(RELEASE_FIELDS as readonly string[]).includes(k)
  );
  if (unknown.length > 0) {
    throw new ReleaseMetadataError(
      `${RELEASE_FILE} has unknown keys (${unknown.join(", ")}); it takes ${
        RELEASE_FIELDS.join(", ")
      }`,
    );
  }
  const fields: ReleaseMetadata["fields"] = {};
  const missing: ReleaseField[] = [];
  for (const field of RELEASE_FIELDS) {
    const value = record[field];
    if (value === null || value === undefined) {
      missing.push(field);
      continue;
    }
    const wanted = invalid(field, value);
    if (wanted) throw new ReleaseMetadataError(`${RELEASE_FILE}: "${field}" must be ${wanted}`);
    fields[field] = value;
  }
  if (release && missing.length > 0) {
    throw new ReleaseMetadataError(
      `a release build needs package.json's ${missing.map((f) => `"${f}"`).join(", ")}, ` +
        `null in ${RELEASE_FILE}: fill ${missing.length === 1 ? "it" : "each"} in there ` +
        `(the forms are in its "$comment")`,
      missing,
    );
  }
  return { fields, missing };
}

/** Reads {@linkcode RELEASE_FILE} of the repository at `root` (see {@linkcode parseReleaseMetadata}). */
export async function readReleaseMetadata(
  root: string,
  release = false,
): Promise<ReleaseMetadata> {
  return parseReleaseMetadata(await Deno.readTextFile(`${root}${RELEASE_FILE}`), release);
}
