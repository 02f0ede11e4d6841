/**
 * What a copy leaves out: `--exclude` globs (matched against the path
 * relative to each source), and the files writers ask backups to leave out
 * (their metadata's excluded files and files excluded from the snapshot).
 *
 * @module
 */

import { backend } from "../../ffi/backend/mod.ts";
import type { FileSpec, WriterMetadata } from "../mod.ts";

const windows = backend.os === "windows";

function escape(c: string): string {
  return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}

/** The regular expression source for one glob segment run (no `/` handling beyond `*`, `?`, `[]`). */
function globSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, "^").replaceAll("\\", "\\\\");
        out += `[${body}]`;
        i = close;
      }
    } else out += escape(c);
  }
  return out;
}

/**
 * A compiled `--exclude` glob. `*` and `?` stay within one path component,
 * `**` crosses folders, `[abc]` / `[!abc]` are classes. A pattern without a
 * `/` matches a name at any depth (`*.tmp`, `node_modules`); with a `/` it is
 * anchored at the source's root (`logs/**`, `/cache`); a trailing `/`
 * matches folders only. Case-insensitive on Windows, where `\` is a separator too.
 *
 * @example
 * ```ts
 * import { ExcludeGlob } from "./glob.ts";
 *
 * const glob = new ExcludeGlob("*.tmp");
 * console.log(glob.matches("a/b/x.tmp", false), glob.matches("x.tmpl", false)); // true false
 * ```
 */
export class ExcludeGlob {
  /** The pattern as given. */
  readonly pattern: string;
  readonly #regex: RegExp;
  readonly #directoriesOnly: boolean;
  readonly #anchored: boolean;
  /** Compiles `pattern` (`caseInsensitive` defaults to true on Windows). */
  constructor(pattern: string, caseInsensitive = windows) {
    if (pattern.trim() === "") throw new RangeError("an exclude pattern cannot be empty");
    this.pattern = pattern;
    let p = windows ? pattern.replaceAll("\\", "/") : pattern;
    this.#directoriesOnly = p.endsWith("/");
    p = p.replace(/\/+$/, "");
    this.#anchored = p.includes("/");
    p = p.replace(/^\/+/, "");
    this.#regex = new RegExp(`^${globSource(p)}$`, caseInsensitive ? "i" : "");
  }
  /** Whether `relativePath` (components joined by `/`) is excluded. */
  matches(relativePath: string, isDirectory: boolean): boolean {
    if (this.#directoriesOnly && !isDirectory) return false;
    if (this.#anchored) return this.#regex.test(relativePath);
    const name = relativePath.slice(relativePath.lastIndexOf("/") + 1);
    return this.#regex.test(name);
  }
}

/** A Windows wildcard (`*`, `?`; `*.*` also matches names without a dot) as a case-insensitive RegExp. */
function wildcard(filespec: string): RegExp {
  const spec = filespec === "*.*" ? "*" : filespec;
  const source = [...spec].map((c) => (c === "*" ? ".*" : c === "?" ? "." : escape(c))).join("");
  return new RegExp(`^${source}$`, windows ? "i" : "");
}

function expandEnvironment(path: string): string {
  return path.replace(/%([^%]+)%/g, (whole, name: string) => backend.env(name) ?? whole);
}

function normalizeDir(path: string): string {
  const p = (windows ? path.replaceAll("/", "\\") : path).replace(/[\\/]+$/, "");
  return windows ? p.toLowerCase() : p;
}

/**
 * A file specification of a writer, ready to test original paths against.
 *
 * @example A writer that leaves out `*.tmp` below `/srv/app/cache`
 * ```ts
 * import { WriterExclusion } from "./glob.ts";
 *
 * const rule = new WriterExclusion({
 *   path: "/srv/app/cache/", filespec: "*.tmp", recursive: true, alternateLocation: null, backupTypeMask: 0,
 * }, "App Writer");
 * console.log(rule.matches("/srv/app/cache/x/y.tmp")); // true
 * ```
 */
export class WriterExclusion {
  /** The writer that asked. */
  readonly writer: string;
  /** The specification. */
  readonly spec: FileSpec;
  readonly #dir: string;
  readonly #name: RegExp;
  /** The rule for `spec`, excluded by `writer`. */
  constructor(spec: FileSpec, writer: string) {
    this.writer = writer;
    this.spec = spec;
    this.#dir = normalizeDir(expandEnvironment(spec.path));
    this.#name = wildcard(spec.filespec || "*");
  }
  /** Whether the file at `originalPath` (its path on the live volume) is excluded. */
  matches(originalPath: string): boolean {
    const p = windows ? originalPath.replaceAll("/", "\\") : originalPath;
    const cut = Math.max(p.lastIndexOf("/"), p.lastIndexOf("\\"));
    const dir = normalizeDir(p.slice(0, cut));
    const name = p.slice(cut + 1);
    if (!this.#name.test(name)) return false;
    if (dir === this.#dir) return true;
    const sep = windows ? "\\" : "/";
    return this.spec.recursive && dir.startsWith(this.#dir + sep);
  }
}

/**
 * The exclusion rules of every writer: its excluded files and its files
 * excluded from the snapshot.
 *
 * @example
 * ```ts ignore
 * import { writerExclusions } from "./glob.ts";
 * const rules = writerExclusions(set.writers);
 * console.log(rules.map((r) => `${r.writer}: ${r.spec.path}${r.spec.filespec}`));
 * ```
 */
export function writerExclusions(writers: readonly WriterMetadata[]): WriterExclusion[] {
  return writers.flatMap((w) =>
    [...w.excludeFiles, ...w.excludeFromSnapshot].map((spec) => new WriterExclusion(spec, w.name))
  );
}
