/**
 * `copyFromShadowCopy`: what `vss copy` does. Snapshots the volumes that
 * hold the sources (one set), enables the backup privileges, copies each
 * source out of its shadow copy (see {@link ./tree_copy.ts}) leaving out the
 * excluded paths and the files the writers exclude, and completes the set:
 * as succeeded after a full copy, as failed otherwise (an error, an abort).
 * Non-persistent shadow copies are gone when it returns or throws.
 *
 * @module
 */

import { resolve } from "node:path";
import { lstat, mkdir } from "node:fs/promises";
import { backend } from "../../ffi/backend/mod.ts";
import { kernel32 } from "../../ffi/win32/load.ts";
import { decodeUnits, wideString } from "../../ffi/wide_string.ts";
import {
  createShadowCopySet,
  type CreateShadowCopySetOptions,
  isSimulated,
  openVss,
  type ShadowCopySet,
} from "../mod.ts";
import { knownVolumes } from "../volumes.ts";
import type { VssRuntime } from "../../ffi/runtime.ts";
import { ShadowFileError } from "./errors.ts";
import { writerExclusions } from "./glob.ts";
import { baseName, joinPath } from "./paths.ts";
import { enableBackupPrivileges, type PrivilegeResult } from "./privileges.ts";
import {
  copyPlans,
  emptyCounts,
  planTree,
  type TreeCopyCounts,
  type TreeCopyOptions,
  type TreePlan,
} from "./tree_copy.ts";
import type { EntryKind } from "./walk.ts";

const windows = backend.os === "windows";

/**
 * Options of {@linkcode copyFromShadowCopy}: the tree copy's options, how
 * the set is made, and privileges.
 *
 * @example An incremental copy that leaves temporary files out, with a deadline
 * ```ts
 * import type { CopyOptions } from "./copy.ts";
 *
 * const options: CopyOptions = {
 *   incremental: true,
 *   exclude: ["*.tmp"],
 *   signal: AbortSignal.timeout(3_600_000),
 *   shadowCopy: { writers: false },
 * };
 * console.log(options.incremental);
 * ```
 */
export interface CopyOptions extends Omit<TreeCopyOptions, "writerExclusions" | "originalRoot"> {
  /** Honour writers' excluded files. Default true (needs writers in the set). */
  honourWriterExclusions?: boolean;
  /**
   * Enable SeBackupPrivilege first: `true` (default) tries and reports in the
   * summary, `"require"` fails without it, `false` leaves the token alone.
   */
  privileges?: boolean | "require";
  /** How the shadow copy set is made (default: backup context, every writer, backup type copy). */
  shadowCopy?: Omit<CreateShadowCopySetOptions, "signal">;
  /** The volume that holds a source (default: the longest known volume name that prefixes it). */
  volumeOf?: (source: string) => string;
}

/**
 * One source of a copy and where it went.
 *
 * @example
 * ```ts
 * import type { CopiedSource } from "./copy.ts";
 * const line = (s: CopiedSource) => `${s.source} (${s.volume}) -> ${s.destination}`;
 * ```
 */
export interface CopiedSource extends TreeCopyCounts {
  /** The path given. */
  source: string;
  /** The volume snapshotted for it. */
  volume: string;
  /** Its path in the shadow copy. */
  shadowPath: string;
  /** Where it was copied to. */
  destination: string;
  /** Its kind. */
  kind: EntryKind;
}

/**
 * What {@linkcode copyFromShadowCopy} returns (and `vss copy --json` prints).
 *
 * @example
 * ```ts
 * import type { CopySummary } from "./copy.ts";
 * const line = (s: CopySummary) =>
 *   `${s.totals.files} files, ${(s.totals.bytes / 2 ** 20).toFixed(1)} MiB in ${(s.copyMs / 1000).toFixed(1)} s`;
 * ```
 */
export interface CopySummary {
  /** The shadow copy set used (released when the copy returned). */
  setId: string;
  /** Each source. */
  sources: CopiedSource[];
  /** The sums over the sources. */
  totals: TreeCopyCounts;
  /** The privileges enabled (or why not). */
  privileges: PrivilegeResult | null;
  /** Writers that took part. */
  writers: number;
  /** Writers that failed without failing the set (their data is crash-consistent only). */
  degradedWriters: string[];
  /** Milliseconds to create the shadow copies. */
  snapshotMs: number;
  /** Milliseconds to plan and copy. */
  copyMs: number;
  /** Copy rate (bytes copied / copyMs). */
  bytesPerSecond: number;
}

function pathKey(path: string): string {
  const p = windows ? path.replaceAll("/", "\\").toLowerCase() : path;
  return p.replace(/[\\/]+$/, "");
}

/** The mount point that holds `path` on Windows (GetVolumePathNameW). */
function volumePathName(path: string): string {
  const out = new Uint16Array(32768);
  if (kernel32().GetVolumePathNameW(wideString(path, "path"), out, out.length) === 0) return path;
  const end = out.indexOf(0);
  return decodeUnits(out.subarray(0, end < 0 ? out.length : end));
}

/**
 * The volume that holds `source`: the longest volume name VSS knows that
 * prefixes it; otherwise on real Windows its mount point. On the simulator
 * only directory volumes count (its `C:\` holds no files), and otherwise the
 * folder itself (or a file's folder) becomes a directory volume.
 *
 * @example
 * ```ts ignore
 * import { volumeOfPath } from "./copy.ts";
 * console.log(volumeOfPath("C:\\Users\\me\\Documents")); // C:\
 * ```
 */
export async function volumeOfPath(source: string, runtime?: VssRuntime): Promise<string> {
  const rt = runtime ?? openVss();
  const key = pathKey(source);
  const sep = windows ? "\\" : "/";
  const simulated = isSimulated(rt);
  const match = knownVolumes({ runtime: rt })
    .map((v) => v.displayName)
    .filter((name) => {
      // The simulator's drive-letter volumes hold no files: only its directory volumes count.
      if (simulated && /^(?:[A-Za-z]:)?[\\/]?$/.test(name)) return false;
      const k = pathKey(name);
      return key === k || key.startsWith(k + sep);
    })
    .sort((a, b) => b.length - a.length)[0];
  if (match !== undefined) return match;
  if (windows && !simulated) return volumePathName(source);
  let s;
  try {
    s = await lstat(source);
  } catch (error) {
    throw ShadowFileError.from("stat", source, error);
  }
  return s.isDirectory() ? source : source.slice(0, Math.max(source.lastIndexOf(sep), 1));
}

async function planSources(
  set: ShadowCopySet,
  sources: readonly { source: string; volume: string }[],
  destination: string,
  options: CopyOptions,
): Promise<{ plans: TreePlan[]; copied: CopiedSource[] }> {
  const rules = options.honourWriterExclusions === false ? [] : writerExclusions(set.writers);
  const plans: TreePlan[] = [];
  const copied: CopiedSource[] = [];
  for (const { source, volume } of sources) {
    const shadowPath = set.mapPath(source);
    const target = joinPath(destination, baseName(source));
    const plan = await planTree(shadowPath, target, {
      ...options,
      writerExclusions: rules,
      originalRoot: source,
    });
    plans.push(plan);
    copied.push(
      Object.assign(plan.counts, {
        source,
        volume,
        shadowPath,
        destination: target,
        kind: plan.items[0][0].kind,
      }),
    );
  }
  return { plans, copied };
}

function checkSources(sources: readonly string[]): string[] {
  if (sources.length === 0) throw new RangeError("copyFromShadowCopy needs at least one source");
  const absolute = sources.map((s) => resolve(s));
  const names = new Map<string, string>();
  for (const s of absolute) {
    const name = windows ? baseName(s).toLowerCase() : baseName(s);
    const other = names.get(name);
    if (other !== undefined) {
      throw new RangeError(
        `${other} and ${s} would both be copied to ${baseName(s)} in the destination`,
      );
    }
    names.set(name, s);
  }
  return absolute;
}

/**
 * A source must exist when its volume is about to be snapshotted: a
 * ShadowFileError otherwise. A link counts as itself (it is copied as a
 * link), whether or not its target exists.
 */
async function checkSource(source: string): Promise<void> {
  try {
    await lstat(source);
  } catch (error) {
    throw ShadowFileError.from(
      "stat",
      source,
      error,
      "Check the source path: it must exist when the shadow copy is made.",
    );
  }
}

/**
 * Makes the destination folder when nothing is there yet: the tree copy makes only the folders
 * it copies, so a copy of files or links alone would have nowhere to go. Whatever is there
 * already is left to the copy (which reports a file in the way with the path it wrote).
 */
async function makeDestination(destination: string): Promise<void> {
  if (await lstat(destination).then(() => true, () => false)) return;
  try {
    await mkdir(destination, { recursive: true });
  } catch (error) {
    throw ShadowFileError.from("create", destination, error);
  }
}

function sum(sources: readonly TreeCopyCounts[]): TreeCopyCounts {
  const totals = emptyCounts();
  for (const s of sources) {
    for (const key of Object.keys(totals) as (keyof TreeCopyCounts)[]) totals[key] += s[key];
  }
  return totals;
}

/**
 * Copies files and folders out of a shadow copy: snapshots the volumes
 * that hold `sources` as one set, copies each source to
 * `destination/<its name>` with backup semantics (a drive root `C:\` goes
 * to `destination/C`), then completes the set (succeeded only when every
 * file was copied). The set is released on success, failure and abort.
 *
 * @example Back up two folders as they were at one moment
 * ```ts ignore
 * import { copyFromShadowCopy } from "./copy.ts";
 *
 * const summary = await copyFromShadowCopy(["C:\\data", "D:\\projects"], "E:\\backup", {
 *   incremental: true,
 *   exclude: ["*.tmp"],
 *   onProgress: (p) => console.log(`${p.files}/${p.totalFiles} files`),
 * });
 * console.log(summary.totals.files, "files copied from set", summary.setId);
 * ```
 */
export async function copyFromShadowCopy(
  sources: readonly string[],
  destination: string,
  options: CopyOptions = {},
): Promise<CopySummary> {
  const absolute = checkSources(sources);
  const runtime = options.shadowCopy?.runtime ?? openVss();
  const located = [];
  for (const source of absolute) {
    await checkSource(source);
    located.push({
      source,
      volume: options.volumeOf?.(source) ?? (await volumeOfPath(source, runtime)),
    });
  }
  const volumes = [...new Map(located.map((l) => [pathKey(l.volume), l.volume])).values()];
  const privileges = options.privileges === false
    ? null
    : enableBackupPrivileges({ require: options.privileges === "require" });
  const started = performance.now();
  const set = await createShadowCopySet(volumes, {
    backupType: "copy",
    ...options.shadowCopy,
    runtime,
    signal: options.signal,
  });
  const snapshotMs = performance.now() - started;
  let summary: CopySummary;
  try {
    const { plans, copied } = await planSources(set, located, resolve(destination), options);
    await makeDestination(resolve(destination));
    await copyPlans(plans, options);
    const copyMs = performance.now() - started - snapshotMs;
    const totals = sum(copied);
    summary = {
      setId: set.id,
      sources: copied,
      totals,
      privileges,
      writers: set.writers.length,
      degradedWriters: set.degradedWriters.map((w) => w.name),
      snapshotMs,
      copyMs,
      bytesPerSecond: copyMs > 0 ? (totals.bytes * 1000) / copyMs : 0,
    };
  } catch (error) {
    // The writers are told the backup failed; the copy's error is the one reported.
    await set.complete({ succeeded: false }).catch(() => {});
    throw error;
  }
  await set.complete({ succeeded: true });
  return summary;
}
