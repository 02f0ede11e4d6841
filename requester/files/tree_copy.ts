/**
 * The copy engine: plans the trees to copy out of a shadow copy (walk,
 * `--exclude` globs, writers' exclusions), then copies with a few workers in
 * parallel: files chunk by chunk through the reader, links as links, folders
 * first and their times last; times, attributes (Windows) or permission
 * bits (elsewhere) are preserved. Incremental copies skip files whose size
 * and modification time already match at the destination.
 *
 * @module
 */

import { lstat, mkdir, readlink, rm, symlink } from "node:fs/promises";
import { backend } from "../../ffi/backend/mod.ts";
import { WIN32 } from "../../ffi/win32/kernel32.ts";
import { checkAborted } from "./abort.ts";
import { ShadowFileError } from "./errors.ts";
import { ExcludeGlob, type WriterExclusion } from "./glob.ts";
import type { LocalFile } from "./local_file.ts";
import { applyMetadata, openTarget } from "./metadata.ts";
import { DEFAULT_CHUNK_SIZE, openShadowFile } from "./open.ts";
import { joinPath, SEP } from "./paths.ts";
import { type ShadowEntry, statShadowPath, walkShadowTree } from "./walk.ts";

const windows = backend.os === "windows";

/**
 * Progress of a copy, reported every `progressIntervalMs` and once at the end.
 *
 * @example A one-line progress display
 * ```ts
 * import type { CopyProgress } from "./tree_copy.ts";
 *
 * const line = (p: CopyProgress) =>
 *   `${p.files}/${p.totalFiles} files, ${(p.bytes / 2 ** 20).toFixed(0)} MiB, ` +
 *   `${(p.bytesPerSecond / 2 ** 20).toFixed(1)} MiB/s, ETA ${p.etaMs === null ? "?" : Math.ceil(p.etaMs / 1000)} s`;
 * ```
 */
export interface CopyProgress {
  /** Files done (copied or unchanged). */
  files: number;
  /** Files to do. */
  totalFiles: number;
  /** Bytes done (copied, plus the size of unchanged files). */
  bytes: number;
  /** Bytes to do. */
  totalBytes: number;
  /** Milliseconds since copying started. */
  elapsedMs: number;
  /** Copy rate so far. */
  bytesPerSecond: number;
  /** Estimated time left, null until there is a rate. */
  etaMs: number | null;
  /** Whether this is the last report. */
  done: boolean;
}

/**
 * Options of {@linkcode copyShadowTree} (and of the copy part of `copyFromShadowCopy`).
 *
 * @example Incremental, without temporary files
 * ```ts
 * import type { TreeCopyOptions } from "./tree_copy.ts";
 * const options: TreeCopyOptions = { incremental: true, exclude: ["*.tmp", "cache/"] };
 * console.log(options.exclude);
 * ```
 */
export interface TreeCopyOptions {
  /** Skip files whose size and modification time (to the millisecond) match at the destination. */
  incremental?: boolean;
  /** Globs of paths (relative to the source) to leave out; see `ExcludeGlob`. */
  exclude?: readonly string[];
  /** Writers' rules, matched against original paths (needs `originalRoot`). */
  writerExclusions?: readonly WriterExclusion[];
  /** The source's path on the live volume (for writers' rules). Default: the shadow path. */
  originalRoot?: string;
  /** Files copied at once. Default 4. */
  concurrency?: number;
  /** Bytes per read. Default 1 MiB. */
  chunkSize?: number;
  /** Stops the copy with an OperationAbortedError (open handles are closed). */
  signal?: AbortSignal;
  /** Progress reports. */
  onProgress?: (progress: CopyProgress) => void;
  /** Milliseconds between progress reports. Default 100. */
  progressIntervalMs?: number;
}

/**
 * What a copy did.
 *
 * @example
 * ```ts
 * import type { TreeCopyCounts } from "./tree_copy.ts";
 * const report = (c: TreeCopyCounts) => `${c.files} copied, ${c.unchanged} unchanged, ${c.excluded} excluded`;
 * ```
 */
export interface TreeCopyCounts {
  /** Files copied. */
  files: number;
  /** Bytes copied. */
  bytes: number;
  /** Folders created or updated. */
  directories: number;
  /** Links recreated as links. */
  links: number;
  /** Files skipped by `incremental` (already up to date). */
  unchanged: number;
  /** Entries left out by `exclude` (a folder counts once). */
  excluded: number;
  /** Files left out by the writers' rules. */
  writerExcluded: number;
  /** Sockets, pipes, devices and unreadable links left out. */
  other: number;
}

/** One tree to copy: its entries (the root first) and where they go. */
export interface TreePlan {
  /** `[entry, destination]` pairs, folders before their contents. */
  items: [ShadowEntry, string][];
  /** Counts filled while planning (exclusions). */
  counts: TreeCopyCounts;
}

/** Zero counts. */
export function emptyCounts(): TreeCopyCounts {
  return {
    files: 0,
    bytes: 0,
    directories: 0,
    links: 0,
    unchanged: 0,
    excluded: 0,
    writerExcluded: 0,
    other: 0,
  };
}

/**
 * Walks `shadowRoot` and lists what to copy to `destination` (the root
 * itself goes to `destination`), leaving out excluded entries.
 *
 * @example
 * ```ts ignore
 * const plan = await planTree(set.mapPath("/srv/data"), "/backup/data", { exclude: ["*.tmp"] });
 * console.log(plan.items.length, plan.counts.excluded);
 * ```
 */
export async function planTree(
  shadowRoot: string,
  destination: string,
  options: TreeCopyOptions = {},
): Promise<TreePlan> {
  const counts = emptyCounts();
  const globs = (options.exclude ?? []).map((p) => new ExcludeGlob(p));
  const rules = options.writerExclusions ?? [];
  const original = options.originalRoot ?? shadowRoot;
  const root = await statShadowPath(shadowRoot);
  const items: [ShadowEntry, string][] = [[root, destination]];
  if (root.kind !== "directory") return { items, counts };
  const filter = (e: ShadowEntry) => {
    const rel = SEP === "/" ? e.relativePath : e.relativePath.replaceAll(SEP, "/");
    if (globs.some((g) => g.matches(rel, e.kind === "directory"))) {
      counts.excluded++;
      return false;
    }
    if (e.kind === "file" && rules.some((r) => r.matches(joinPath(original, e.relativePath)))) {
      counts.writerExcluded++;
      return false;
    }
    return true;
  };
  for await (const e of walkShadowTree(shadowRoot, { signal: options.signal, filter })) {
    items.push([e, joinPath(destination, e.relativePath)]);
  }
  return { items, counts };
}

/** Counts progress and reports it at most every interval. */
class Tracker {
  files = 0;
  bytes = 0;
  readonly #start = performance.now();
  #last = 0;
  constructor(
    readonly totalFiles: number,
    readonly totalBytes: number,
    readonly options: TreeCopyOptions,
  ) {}
  add(files: number, bytes: number): void {
    this.files += files;
    this.bytes += bytes;
    this.report(false);
  }
  report(done: boolean): void {
    const now = performance.now();
    const interval = this.options.progressIntervalMs ?? 100;
    if (!this.options.onProgress || (!done && now - this.#last < interval)) return;
    this.#last = now;
    const elapsedMs = now - this.#start;
    const rate = elapsedMs > 0 ? (this.bytes * 1000) / elapsedMs : 0;
    this.options.onProgress({
      files: this.files,
      totalFiles: this.totalFiles,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      elapsedMs,
      bytesPerSecond: rate,
      etaMs: rate > 0 ? ((this.totalBytes - this.bytes) * 1000) / rate : null,
      done,
    });
  }
}

async function copyFile(
  entry: ShadowEntry,
  dest: string,
  buffer: Uint8Array,
  tracker: Tracker,
  signal: AbortSignal | undefined,
): Promise<number> {
  await using source = await openShadowFile(entry.path);
  let target: LocalFile;
  try {
    target = await openTarget(dest);
  } catch (error) {
    throw ShadowFileError.from("write", dest, error);
  }
  let position = 0;
  try {
    for (;;) {
      checkAborted(signal, "copy");
      // The size at open is final in a shadow copy: no extra read just to see the end.
      if (position >= source.size && source.size === entry.size) break;
      const n = await source.read(buffer, position);
      if (n === 0) break;
      await target.write(buffer.subarray(0, n));
      position += n;
      tracker.add(0, n);
    }
  } catch (error) {
    throw ShadowFileError.from("write", dest, error);
  } finally {
    await target.close();
  }
  return position;
}

/** Whether the destination already holds this file (same size and mtime to the millisecond). */
async function upToDate(entry: ShadowEntry, dest: string): Promise<boolean> {
  if (entry.mtime === null) return false;
  try {
    const s = await lstat(dest);
    // Node sets a time through seconds as a float: 362 ms may come back as 361.999.
    return s.isFile() && s.size === entry.size &&
      Math.round(s.mtimeMs) === Math.floor(entry.mtime.getTime());
  } catch {
    return false;
  }
}

async function copyLink(entry: ShadowEntry, dest: string, counts: TreeCopyCounts): Promise<void> {
  const target = entry.linkTarget;
  if (target === null) {
    counts.other++;
    return;
  }
  try {
    const existing = await lstat(dest).catch(() => null);
    if (existing?.isSymbolicLink() && (await readlink(dest)) === target) {
      counts.links++;
      return;
    }
    if (existing) await rm(dest, { recursive: true, force: true });
    const type = entry.kind === "junction"
      ? "junction"
      : (entry.attributes ?? 0) & WIN32.FILE_ATTRIBUTE_DIRECTORY
      ? "dir"
      : "file";
    await symlink(target, dest, windows ? type : undefined);
    counts.links++;
  } catch (error) {
    throw ShadowFileError.from("create the link", dest, error);
  }
}

/** Copies one planned non-folder entry. */
async function copyEntry(
  [entry, dest]: [ShadowEntry, string],
  options: TreeCopyOptions,
  counts: TreeCopyCounts,
  tracker: Tracker,
  buffer: Uint8Array,
): Promise<void> {
  if (entry.kind === "symlink" || entry.kind === "junction") {
    return await copyLink(entry, dest, counts);
  }
  if (entry.kind !== "file") {
    counts.other++;
    return;
  }
  if (options.incremental && (await upToDate(entry, dest))) {
    counts.unchanged++;
    tracker.add(1, entry.size);
    return;
  }
  const bytes = await copyFile(entry, dest, buffer, tracker, options.signal);
  await applyMetadata(entry, dest);
  counts.files++;
  counts.bytes += bytes;
  tracker.add(1, 0);
}

/**
 * Copies planned trees: folders first, then files and links with
 * `concurrency` workers, then the folders' times. Counts go into each plan's
 * `counts`. The first failure stops every worker and is thrown.
 *
 * @example
 * ```ts ignore
 * const plan = await planTree(shadowRoot, "/backup/data");
 * await copyPlans([plan], { incremental: true });
 * console.log(plan.counts);
 * ```
 */
export async function copyPlans(
  plans: readonly TreePlan[],
  options: TreeCopyOptions = {},
): Promise<void> {
  const work: { item: [ShadowEntry, string]; counts: TreeCopyCounts }[] = [];
  const folders: { item: [ShadowEntry, string]; counts: TreeCopyCounts }[] = [];
  for (const plan of plans) {
    for (const item of plan.items) {
      (item[0].kind === "directory" ? folders : work).push({ item, counts: plan.counts });
    }
  }
  for (const { item: [, dest] } of folders) {
    try {
      await mkdir(dest, { recursive: true });
    } catch (error) {
      throw ShadowFileError.from("create", dest, error);
    }
  }
  const files = work.filter((w) => w.item[0].kind === "file");
  const tracker = new Tracker(files.length, files.reduce((n, w) => n + w.item[0].size, 0), options);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const workerOptions = { ...options, signal };
  let next = 0;
  const worker = async () => {
    const buffer = new Uint8Array(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    while (next < work.length) {
      checkAborted(options.signal, "copy");
      if (stop.signal.aborted) return;
      const { item, counts } = work[next++];
      await copyEntry(item, workerOptions, counts, tracker, buffer);
    }
  };
  const workers = Array.from(
    { length: Math.max(1, options.concurrency ?? 4) },
    () =>
      worker().catch((error) => {
        stop.abort();
        throw error;
      }),
  );
  const results = await Promise.allSettled(workers);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw pickError(results);
  for (let i = folders.length - 1; i >= 0; i--) {
    const { item: [entry, dest], counts } = folders[i];
    await applyMetadata(entry, dest);
    counts.directories++;
  }
  tracker.report(true);
}

/** The error to report from failed workers: the first that is not a consequence of stopping. */
function pickError(results: PromiseSettledResult<void>[]): unknown {
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  return errors.find((e) => !(e instanceof Error && e.name === "OperationAbortedError")) ??
    errors[0];
}

/**
 * Copies the tree (or file) at `shadowRoot` (a path inside a shadow copy) to
 * `destination`, which becomes the copy of the root.
 *
 * @example Copy a folder out of a set made elsewhere
 * ```ts ignore
 * import { copyShadowTree } from "./tree_copy.ts";
 *
 * const counts = await copyShadowTree(set.mapPath("D:\\projects"), "E:\\backup\\projects", {
 *   incremental: true,
 *   exclude: ["node_modules/", "*.tmp"],
 * });
 * console.log(`${counts.files} files, ${counts.bytes} bytes`);
 * ```
 */
export async function copyShadowTree(
  shadowRoot: string,
  destination: string,
  options: TreeCopyOptions = {},
): Promise<TreeCopyCounts> {
  const plan = await planTree(shadowRoot, destination, options);
  await copyPlans([plan], options);
  return plan.counts;
}
