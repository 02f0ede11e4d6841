/**
 * Options of the requester API and how they map to VSS values.
 *
 * @module
 */

import {
  VSS_BACKUP_TYPE,
  VSS_SNAPSHOT_CONTEXT,
  VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
} from "../ffi/generated/enums.ts";

/**
 * How a shadow copy is made and how long it lives (the VSS snapshot
 * context): `backup` involves writers and ends with the session;
 * `client-accessible` makes a persistent copy without writers, as Previous
 * Versions does.
 *
 * @example A persistent, writer-free shadow copy
 * ```ts
 * import type { CreateShadowCopySetOptions, ShadowCopyContext } from "./mod.ts";
 *
 * const context: ShadowCopyContext = "client-accessible";
 * const options: CreateShadowCopySetOptions = { context };
 * console.log(options);
 * ```
 */
export type ShadowCopyContext =
  | "backup"
  | "file-share-backup"
  | "app-rollback"
  | "nas-rollback"
  | "client-accessible"
  | "client-accessible-writers";

/**
 * The backup type writers are told about. `copy` (the default) leaves the
 * applications' own backup history alone; `full`, `incremental`,
 * `differential` and `log` take part in it.
 *
 * @example Choose the backup type from the schedule
 * ```ts
 * import type { BackupKind } from "./mod.ts";
 *
 * const kind: BackupKind = new Date().getDay() === 0 ? "full" : "incremental";
 * console.log(kind);
 * ```
 */
export type BackupKind = "full" | "incremental" | "differential" | "log" | "copy";

/**
 * The phases of creating a shadow copy set, in order, followed by those of
 * completing it and of a restore; {@linkcode ProgressEvent.phase} names one.
 *
 * @example Label each phase for a progress display
 * ```ts
 * import type { Phase } from "./mod.ts";
 *
 * const labels: Partial<Record<Phase, string>> = {
 *   "gather-metadata": "Asking the writers",
 *   prepare: "Preparing",
 *   snapshot: "Taking the shadow copy",
 * };
 * console.log(labels.snapshot);
 * ```
 */
export type Phase =
  | "initialize"
  | "gather-metadata"
  | "start-set"
  | "add-volumes"
  | "prepare"
  | "snapshot"
  | "properties"
  | "complete"
  | "pre-restore"
  | "copy"
  | "post-restore";

/**
 * Selects writers (or one of their components) by any of these fields. A
 * writer matches when each of `name`, `classId` and `instanceId` that is
 * given matches; `componentPath` narrows an include to one component.
 *
 * @example Leave one writer out, and back up one component of another
 * ```ts
 * import type { WriterSelector } from "./mod.ts";
 *
 * const exclude: WriterSelector[] = [{ name: "Microsoft Hyper-V VSS Writer" }];
 * const include: WriterSelector[] = [{ name: "SqlServerWriter", componentPath: "SQL01\\sales" }];
 * console.log({ include, exclude });
 * ```
 */
export interface WriterSelector {
  /** Writer name as reported by the writer (`Microsoft Hyper-V VSS Writer`). */
  name?: string;
  /** Writer class id. */
  classId?: string;
  /** Writer instance id. */
  instanceId?: string;
  /** A component's logical path and name (`Logical\\Name`); selects that component only. */
  componentPath?: string;
}

/**
 * Deadlines per phase, in milliseconds; a phase that runs longer is
 * cancelled (IVssAsync::Cancel). Missing fields keep
 * {@linkcode DEFAULT_DEADLINES}.
 *
 * @example Shorter deadlines for an interactive tool
 * ```ts
 * import type { Deadlines } from "./mod.ts";
 *
 * const deadlines: Deadlines = { gatherMetadata: 60_000, snapshot: 120_000 };
 * console.log(deadlines);
 * ```
 */
export interface Deadlines {
  /** GatherWriterMetadata, in ms. */
  gatherMetadata?: number;
  /** PrepareForBackup (and writer status checks), in ms. */
  prepare?: number;
  /** DoSnapshotSet, in ms. */
  snapshot?: number;
  /** BackupComplete (or the restore steps), in ms. */
  complete?: number;
}

/**
 * Default deadlines: generous for gathering and preparing, and snapshot time
 * is bounded by VSS itself.
 *
 * @example Double the default snapshot deadline
 * ```ts
 * import { type Deadlines, DEFAULT_DEADLINES } from "./mod.ts";
 *
 * const deadlines: Deadlines = { snapshot: 2 * DEFAULT_DEADLINES.snapshot };
 * console.log(DEFAULT_DEADLINES.snapshot / 60_000, "minutes by default");
 * ```
 */
export const DEFAULT_DEADLINES: Required<Deadlines> = {
  gatherMetadata: 5 * 60_000,
  prepare: 5 * 60_000,
  snapshot: 10 * 60_000,
  complete: 5 * 60_000,
};

/**
 * A progress report: the phase that just began or ended and the time since the operation started.
 *
 * @example Log each phase as it ends
 * ```ts
 * import type { ProgressEvent } from "./mod.ts";
 *
 * const onProgress = (e: ProgressEvent) => {
 *   if (e.state === "end") console.log(`${e.phase} done at ${Math.round(e.elapsedMs)} ms`);
 * };
 * onProgress({ phase: "snapshot", state: "end", elapsedMs: 1234.5 });
 * ```
 */
export interface ProgressEvent {
  /** The phase. */
  phase: Phase;
  /** Whether the phase began (`start`) or ended (`end`). */
  state: "start" | "end";
  /** Milliseconds since the operation started. */
  elapsedMs: number;
  /** Extra information about the phase. */
  detail?: string;
}

/** The VSS context value of a context name, with `persistent` applied. */
export function contextValue(
  context: ShadowCopyContext,
  persistent: boolean,
): VSS_SNAPSHOT_CONTEXT {
  const C = VSS_SNAPSHOT_CONTEXT;
  switch (context) {
    case "backup":
      return persistent ? C.VSS_CTX_APP_ROLLBACK : C.VSS_CTX_BACKUP;
    case "file-share-backup":
      return persistent ? C.VSS_CTX_NAS_ROLLBACK : C.VSS_CTX_FILE_SHARE_BACKUP;
    case "app-rollback":
      return C.VSS_CTX_APP_ROLLBACK;
    case "nas-rollback":
      return C.VSS_CTX_NAS_ROLLBACK;
    case "client-accessible":
      return C.VSS_CTX_CLIENT_ACCESSIBLE;
    case "client-accessible-writers":
      return C.VSS_CTX_CLIENT_ACCESSIBLE_WRITERS;
  }
}

/** Whether a context involves writers. */
export function contextUsesWriters(value: number): boolean {
  return (value & VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS) === 0;
}

/** Whether shadow copies of a context survive the session. */
export function contextIsPersistent(value: number): boolean {
  return (value & VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_PERSISTENT) !== 0;
}

/** The VSS backup type of a backup kind. */
export function backupTypeValue(kind: BackupKind): VSS_BACKUP_TYPE {
  const T = VSS_BACKUP_TYPE;
  return {
    full: T.VSS_BT_FULL,
    incremental: T.VSS_BT_INCREMENTAL,
    differential: T.VSS_BT_DIFFERENTIAL,
    log: T.VSS_BT_LOG,
    copy: T.VSS_BT_COPY,
  }[kind];
}

/**
 * Names of the VSS_VOLUME_SNAPSHOT_ATTRIBUTES bits set in `attributes`,
 * lower case and without the `VSS_VOLSNAP_ATTR_` prefix.
 *
 * @example Describe a shadow copy's attributes
 * ```ts
 * import { attributeNames, VSS_VOLUME_SNAPSHOT_ATTRIBUTES as A } from "../mod.ts";
 *
 * console.log(attributeNames(A.VSS_VOLSNAP_ATTR_PERSISTENT | A.VSS_VOLSNAP_ATTR_NO_WRITERS));
 * // ["persistent", "no_writers"]
 * ```
 */
export function attributeNames(attributes: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of ATTRIBUTE_BITS) if ((attributes & bit) !== 0) names.push(name);
  return names;
}

const ATTRIBUTE_BITS: [number, string][] = Object.entries(VSS_VOLUME_SNAPSHOT_ATTRIBUTES)
  .map(([name, bit]) => [bit, name.replace(/^VSS_VOLSNAP_ATTR_/, "").toLowerCase()]);
