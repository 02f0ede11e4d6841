/**
 * Maps corpus paths and in-page links to learn.microsoft.com addresses and to
 * corpus files.
 *
 * @module
 */

const LEARN = "https://learn.microsoft.com";

/** The learn.microsoft.com address of a corpus page, or null for a path outside the corpus layout. */
export function learnUrl(corpusPath: string): string | null {
  const api = /^sdk-api\/sdk-api-src\/content\/([^/]+)\/([^/]+)\.md$/.exec(corpusPath);
  if (api) {
    return api[2] === "index"
      ? `${LEARN}/windows/win32/api/${api[1]}/`
      : `${LEARN}/windows/win32/api/${api[1]}/${api[2]}`;
  }
  const win32 = /^win32\/desktop-src\/VSS\/([^/]+)\.md$/.exec(corpusPath);
  if (win32) return `${LEARN}/windows/win32/vss/${win32[1]}`;
  return null;
}

/** Where a link in a page points. */
export type LinkTarget =
  | { kind: "corpus"; path: string }
  | { kind: "external"; url: string };

/**
 * Resolves an `href` found on `fromPath` to a corpus path when the target is
 * in the corpus, else to an absolute external address.
 */
export function resolveLink(
  href: string,
  fromPath: string,
  known: ReadonlySet<string>,
  byAssetId: ReadonlyMap<string, string>,
): LinkTarget {
  const clean = href.split("#")[0].split("?")[0];
  const msdn = /^https?:\/\/msdn\.microsoft\.com\/([0-9a-f-]{36})$/i.exec(clean);
  if (msdn) {
    const path = byAssetId.get(msdn[1].toLowerCase());
    return path ? { kind: "corpus", path } : { kind: "external", url: clean };
  }
  const api =
    /^(?:https:\/\/learn\.microsoft\.com)?(?:\/en-us)?\/windows\/(?:desktop|win32)\/api\/([^/]+)\/([^/]+?)(?:\.md)?$/i
      .exec(clean);
  if (api) {
    const path = `sdk-api/sdk-api-src/content/${api[1].toLowerCase()}/${api[2].toLowerCase()}.md`;
    return known.has(path) ? { kind: "corpus", path } : { kind: "external", url: LEARN + clean };
  }
  const vss =
    /^(?:https:\/\/learn\.microsoft\.com)?(?:\/en-us)?\/windows\/(?:desktop|win32)\/vss\/([^/]+?)(?:\.md)?$/i
      .exec(clean);
  if (vss) {
    const path = `win32/desktop-src/VSS/${vss[1].toLowerCase()}.md`;
    return known.has(path) ? { kind: "corpus", path } : { kind: "external", url: LEARN + clean };
  }
  if (/^[a-z0-9-]+\.md$/i.test(clean)) {
    const dir = fromPath.slice(0, fromPath.lastIndexOf("/") + 1);
    const path = dir + clean;
    if (known.has(path)) return { kind: "corpus", path };
  }
  if (clean.startsWith("/")) return { kind: "external", url: LEARN + clean };
  return { kind: "external", url: clean };
}
