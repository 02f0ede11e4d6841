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
import type { VssRuntime } from "../ffi/runtime.ts";
import type { Deadlines } from "./deadlines.ts";

/**
 * The snapshot contexts a shadow copy set can be created in, by name:
 * `backup` involves writers and ends with the session; `client-accessible`
 * makes a persistent copy without writers, as Previous Versions does.
 *
 * @example Validate a context read from a configuration file
 * ```ts
 * import { SHADOW_COPY_CONTEXTS, type ShadowCopyContext } from "./mod.ts";
 *
 * function parseContext(text: string): ShadowCopyContext {
 *   const known: readonly string[] = SHADOW_COPY_CONTEXTS;
 *   if (!known.includes(text)) throw new RangeError(`context must be one of ${known.join(", ")}`);
 *   return text as ShadowCopyContext;
 * }
 * console.log(parseContext("client-accessible"));
 * ```
 */
export const SHADOW_COPY_CONTEXTS = [
  "backup",
  "file-share-backup",
  "app-rollback",
  "nas-rollback",
  "client-accessible",
  "client-accessible-writers",
] as const;

/** One of {@linkcode SHADOW_COPY_CONTEXTS}: how a shadow copy is made and how long it lives. */
export type ShadowCopyContext = typeof SHADOW_COPY_CONTEXTS[number];

/**
 * The backup types writers can be told about. `copy` (the default) leaves
 * the applications' own backup history alone; `full`, `incremental`,
 * `differential` and `log` take part in it.
 *
 * @example Choose the backup type from the day of the week
 * ```ts
 * import { BACKUP_KINDS, type BackupKind } from "./mod.ts";
 *
 * const kind: BackupKind = new Date().getDay() === 0 ? "full" : "incremental";
 * console.log(BACKUP_KINDS.indexOf(kind) >= 0); // true
 * ```
 */
export const BACKUP_KINDS = ["full", "incremental", "differential", "log", "copy"] as const;

/** One of {@linkcode BACKUP_KINDS}. */
export type BackupKind = typeof BACKUP_KINDS[number];

/**
 * The phases of creating a shadow copy set, in order, followed by those of
 * completing it and of a restore; {@linkcode ProgressEvent.phase} names one.
 *
 * @example A progress bar: the share of creation phases done
 * ```ts
 * import { PHASES, type ProgressEvent } from "./mod.ts";
 *
 * const creation = PHASES.slice(0, PHASES.indexOf("properties") + 1);
 * const share = (e: ProgressEvent) =>
 *   e.state === "end" ? (creation.indexOf(e.phase) + 1) / creation.length : null;
 * console.log(share({ phase: "snapshot", state: "end", elapsedMs: 900 })); // 0.857...
 * ```
 */
export const PHASES = [
  "initialize",
  "gather-metadata",
  "start-set",
  "add-volumes",
  "prepare",
  "snapshot",
  "properties",
  "complete",
  "pre-restore",
  "copy",
  "post-restore",
] as const;

/** One of {@linkcode PHASES}. */
export type Phase = typeof PHASES[number];

/**
 * Selects writers (or one of their components) by any of these fields. A
 * writer matches when each of `name`, `classId` and `instanceId` that is
 * given matches; `componentPath` narrows an include to one component.
 *
 * @example Leave one writer out, and back up one component of another
 * ```ts ignore
 * import { createShadowCopySet, type WriterSelector } from "./mod.ts";
 *
 * const exclude: WriterSelector[] = [{ name: "Microsoft Hyper-V VSS Writer" }];
 * const include: WriterSelector[] = [{ name: "SqlServerWriter", componentPath: "SQL01\\sales" }];
 * await using set = await createShadowCopySet(["D:\\"], { writers: { include, exclude } });
 * ```
 */
export interface WriterSelector {
  /** Writer name as the writer reports it (`Microsoft Hyper-V VSS Writer`). */
  name?: string;
  /** Writer class id (GUID, any accepted form). */
  classId?: string;
  /** Writer instance id (GUID, any accepted form). */
  instanceId?: string;
  /** A component's logical path and name (`Logical\\Name`); selects that component only. */
  componentPath?: string;
}

/**
 * A progress report: the phase that just began or ended and the time since
 * the operation started.
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
  /** The phase that began or ended. */
  phase: Phase;
  /** Whether the phase began (`start`) or ended (`end`). */
  state: "start" | "end";
  /** Milliseconds since the operation started. */
  elapsedMs: number;
  /** What happened in the phase (writer counts, a retry), for a log. */
  detail?: string;
  /** Set when the event announces a retry: its number, the HRESULT behind it and the pause. */
  retry?: { attempt: number; hresult: number; delayMs: number };
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

const BACKUP_TYPE_VALUES: Record<BackupKind, VSS_BACKUP_TYPE> = {
  full: VSS_BACKUP_TYPE.VSS_BT_FULL,
  incremental: VSS_BACKUP_TYPE.VSS_BT_INCREMENTAL,
  differential: VSS_BACKUP_TYPE.VSS_BT_DIFFERENTIAL,
  log: VSS_BACKUP_TYPE.VSS_BT_LOG,
  copy: VSS_BACKUP_TYPE.VSS_BT_COPY,
};

/** The VSS backup type of a backup kind. */
export function backupTypeValue(kind: BackupKind): VSS_BACKUP_TYPE {
  return BACKUP_TYPE_VALUES[kind];
}

/**
 * Names of the VSS_VOLUME_SNAPSHOT_ATTRIBUTES bits set in `attributes`,
 * lower case and without the `VSS_VOLSNAP_ATTR_` prefix.
 *
 * @example Describe a shadow copy's attributes
 * ```ts
 * import { attributeNames } from "./mod.ts";
 *
 * console.log(attributeNames(0x1 | 0x10)); // ["persistent", "no_writers"]
 * ```
 */
export function attributeNames(attributes: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of ATTRIBUTE_BITS) if ((attributes & bit) !== 0) names.push(name);
  return names;
}

const ATTRIBUTE_BITS: [number, string][] = Object.entries(VSS_VOLUME_SNAPSHOT_ATTRIBUTES)
  .map(([name, bit]) => [bit, name.replace(/^VSS_VOLSNAP_ATTR_/, "").toLowerCase()]);

/**
 * Common options of the management functions: the runtime, a signal for
 * those that wait, and deadlines for their waiting steps.
 *
 * @example Give up on a slow writer query after a minute, or when the user cancels
 * ```ts ignore
 * import { getWriters } from "./mod.ts";
 *
 * const cancel = new AbortController();
 * const { status } = await getWriters({
 *   signal: cancel.signal,
 *   deadlines: { gatherMetadata: 60_000, writerStatus: 60_000 },
 * });
 * ```
 */
export interface ManageOptions {
  /** The VSS runtime (default: openVss()). */
  runtime?: VssRuntime;
  /** Cancels the waiting part of the operation (IVssAsync::Cancel). */
  signal?: AbortSignal;
  /** Deadlines of the waiting steps, in ms (checked: see checkDuration). */
  deadlines?: Partial<Deadlines>;
}
