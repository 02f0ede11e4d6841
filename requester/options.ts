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

/** How a shadow copy is made and how long it lives. */
export type ShadowCopyContext =
  | "backup"
  | "file-share-backup"
  | "app-rollback"
  | "nas-rollback"
  | "client-accessible"
  | "client-accessible-writers";

/** The backup type writers are told about. */
export type BackupKind = "full" | "incremental" | "differential" | "log" | "copy";

/** The phases of creating a shadow copy set, in order. */
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

/** Selects writers (or one of their components) by any of these fields. */
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

/** Deadlines per phase, in milliseconds. */
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

/** Default deadlines: generous for gathering and preparing, and snapshot time is bounded by VSS itself. */
export const DEFAULT_DEADLINES: Required<Deadlines> = {
  gatherMetadata: 5 * 60_000,
  prepare: 5 * 60_000,
  snapshot: 10 * 60_000,
  complete: 5 * 60_000,
};

/** A progress report: the phase that just began or ended and the time since the operation started. */
export interface ProgressEvent {
  /** The phase. */
  phase: Phase;
  /** Writer state (VSS_WRITER_STATE). */
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

/** Names of the attribute bits set in `attributes`. */
export function attributeNames(attributes: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of ATTRIBUTE_BITS) if ((attributes & bit) !== 0) names.push(name);
  return names;
}

const ATTRIBUTE_BITS: [number, string][] = Object.entries(VSS_VOLUME_SNAPSHOT_ATTRIBUTES)
  .map(([name, bit]) => [bit, name.replace(/^VSS_VOLSNAP_ATTR_/, "").toLowerCase()]);
