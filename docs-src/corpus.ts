/**
 * The pinned reference corpus: which pages the project reads, where they come
 * from, and a verified local cache of them.
 *
 * The cache lives in `.cache/vss-reference/` (git-ignored) and is filled from a
 * local copy of the corpus (default `../shared/vss-reference`, or
 * `VSS_REFERENCE_DIR`) or, when asked, from GitHub at the pinned commits.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import manifestJson from "./manifest.json" with { type: "json" };

/** One pinned page. */
export interface PinnedFile {
  /** Path inside the upstream repository. */
  path: string;
  /** Upstream commit the page was taken at. */
  commit: string;
  /** SHA-256 of the page's UTF-8 bytes, lower-case hex. */
  sha256: string;
}

/** One upstream repository and the pages pinned from it. */
export interface PinnedSource {
  repository: string;
  license: string;
  /** Folder of this source inside the corpus root (e.g. `sdk-api`). */
  localRoot: string;
  files: PinnedFile[];
}

/** A missing or altered page, or an unusable corpus location. */
export class CorpusError extends Error {
  override name = "CorpusError";
}

/** The pinned sources, as committed in `docs-src/manifest.json`. */
export const pinnedSources: readonly PinnedSource[] = manifestJson.sources;

const projectRoot = new URL("../", import.meta.url);

/** Where the verified cache lives. */
export const cacheRoot: string = fileURLToPath(new URL(".cache/vss-reference/", projectRoot));

function envOrUndefined(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The local corpus copy used to fill the cache: `VSS_REFERENCE_DIR` or `../shared/vss-reference`. */
export function localCorpusDir(): string {
  return envOrUndefined("VSS_REFERENCE_DIR") ??
    fileURLToPath(new URL("../shared/vss-reference/", projectRoot));
}

/** Path of a pinned file relative to the corpus root, e.g. `sdk-api/sdk-api-src/content/vss/index.md`. */
export function corpusPath(source: PinnedSource, file: PinnedFile): string {
  return `${source.localRoot}/${file.path}`;
}

/** The raw GitHub address of a pinned file at its commit. */
export function upstreamUrl(source: PinnedSource, file: PinnedFile): string {
  return `https://raw.githubusercontent.com/${source.repository}/${file.commit}/${file.path}`;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readIfExists(path: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Options for {@linkcode syncCorpus}. */
export interface SyncOptions {
  /** Local corpus directory to copy from; defaults to {@linkcode localCorpusDir}. */
  from?: string;
  /** Fetch pages that are not available locally from GitHub at the pinned commit. */
  download?: boolean;
  /** Cache directory to fill; defaults to {@linkcode cacheRoot}. */
  cache?: string;
}

/** What {@linkcode syncCorpus} did. */
export interface SyncReport {
  alreadyCached: number;
  copied: number;
  downloaded: number;
}

/**
 * Makes the cache hold every pinned page with its pinned hash. A page that is
 * missing everywhere, or whose bytes do not match, is a {@linkcode CorpusError}
 * naming the file and the expected sha256.
 */
export async function syncCorpus(options: SyncOptions = {}): Promise<SyncReport> {
  const from = options.from ?? localCorpusDir();
  const cache = options.cache ?? cacheRoot;
  const report: SyncReport = { alreadyCached: 0, copied: 0, downloaded: 0 };
  const problems: string[] = [];
  for (const source of pinnedSources) {
    for (const file of source.files) {
      const relative = corpusPath(source, file);
      const target = `${cache}/${relative}`;
      const cached = await readIfExists(target);
      if (cached && await sha256Hex(cached) === file.sha256) {
        report.alreadyCached++;
        continue;
      }
      let bytes = await readIfExists(`${from}/${relative}`);
      let origin = `${from}/${relative}`;
      if (bytes === null && options.download) {
        origin = upstreamUrl(source, file);
        const response = await fetch(origin);
        if (!response.ok) {
          problems.push(`${relative}: download failed (${response.status}) from ${origin}`);
          continue;
        }
        bytes = new Uint8Array(await response.arrayBuffer());
      }
      if (bytes === null) {
        problems.push(`${relative}: missing (expected sha256 ${file.sha256}); looked in ${from}`);
        continue;
      }
      const actual = await sha256Hex(bytes);
      if (actual !== file.sha256) {
        problems.push(
          `${relative}: altered (expected sha256 ${file.sha256}, found ${actual}) in ${origin}`,
        );
        continue;
      }
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.writeFile(target, bytes);
      if (origin.startsWith("https://")) report.downloaded++;
      else report.copied++;
    }
  }
  if (problems.length > 0) {
    throw new CorpusError(
      `The reference corpus is incomplete (${problems.length} page(s)):\n  ${
        problems.join("\n  ")
      }\nRun \`deno task docs:sync\` with VSS_REFERENCE_DIR pointing at a copy of the corpus, ` +
        "or `deno task docs:sync --download` on a machine with internet access.",
    );
  }
  return report;
}

/**
 * Reads every pinned page from the cache (filling it first when needed) and
 * returns the texts keyed by corpus path. Every page's hash is checked.
 */
export async function readCorpus(options: SyncOptions = {}): Promise<Map<string, string>> {
  const cache = options.cache ?? cacheRoot;
  const pages = new Map<string, string>();
  const decoder = new TextDecoder();
  let synced = false;
  for (const source of pinnedSources) {
    for (const file of source.files) {
      const relative = corpusPath(source, file);
      let bytes = await readIfExists(`${cache}/${relative}`);
      if (bytes === null || await sha256Hex(bytes) !== file.sha256) {
        if (synced) {
          throw new CorpusError(`${relative}: missing or altered (expected sha256 ${file.sha256})`);
        }
        await syncCorpus(options);
        synced = true;
        bytes = await Deno.readFile(`${cache}/${relative}`);
      }
      pages.set(relative, decoder.decode(bytes));
    }
  }
  return pages;
}
