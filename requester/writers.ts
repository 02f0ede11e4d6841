/**
 * Writers: their metadata and status as plain objects, and
 * {@linkcode getWriters} to ask the system's writers.
 *
 * @module
 */

import { isRetryableHresult } from "../ffi/errors.ts";
import {
  type IVssBackupComponents,
  IVssBackupComponentsEx3,
  type IVssExamineWriterMetadata,
  IVssExamineWriterMetadataEx2,
  type IVssWMComponent,
  type IVssWMFiledesc,
} from "../ffi/generated/wrappers.ts";
import {
  VSS_COMPONENT_TYPE,
  VSS_RESTOREMETHOD_ENUM,
  VSS_SNAPSHOT_CONTEXT,
  VSS_SOURCE_TYPE,
  VSS_USAGE_TYPE,
  VSS_WRITER_STATE,
  VSS_WRITERRESTORE_ENUM,
} from "../ffi/generated/enums.ts";
import { hresultName, toUnsigned } from "../ffi/hresult.ts";
import { queryInterface } from "../ffi/vss.ts";
import {
  readComponentDependencies,
  readComponentFiles,
  takeFileDescriptor,
} from "../ffi/thunks/bulk.ts";
import type { WriterFailure } from "./errors.ts";
import type { ManageOptions } from "./options.ts";
import { withSession } from "./session.ts";

/** The name of an enum value (`VSS_WS_STABLE`), or the number as text. */
export function enumName(table: Record<string, number>, value: number): string {
  for (const [k, v] of Object.entries(table)) if (v === value) return k;
  return String(value);
}

/**
 * A file specification of writer metadata: a directory, a file name pattern,
 * and whether subdirectories count.
 *
 * @example Turn a file specification into a glob
 * ```ts
 * import type { FileSpec } from "./mod.ts";
 *
 * const spec: FileSpec = {
 *   path: "C:\\ProgramData\\App\\db",
 *   filespec: "*.mdb",
 *   recursive: true,
 *   alternateLocation: null,
 *   backupTypeMask: 0,
 * };
 * console.log(`${spec.path}\\${spec.recursive ? "**\\" : ""}${spec.filespec}`);
 * // C:\ProgramData\App\db\**\*.mdb
 * ```
 */
export interface FileSpec {
  /** Directory. */
  path: string;
  /** File name pattern. */
  filespec: string;
  /** Whether subdirectories are included. */
  recursive: boolean;
  /** Alternate location, when declared. */
  alternateLocation: string | null;
  /** VSS_FILE_SPEC_BACKUP_TYPE bits. */
  backupTypeMask: number;
}

/**
 * A component a writer declares in its metadata: an element of
 * {@linkcode WriterMetadata.components}.
 *
 * @example The component path to select it by
 * ```ts ignore
 * import { getWriters, type WriterComponent } from "./mod.ts";
 *
 * const pathOf = (c: WriterComponent) => c.logicalPath ? `${c.logicalPath}\\${c.name}` : c.name;
 * const { metadata } = await getWriters();
 * for (const w of metadata) {
 *   for (const c of w.components.filter((c) => c.selectable)) console.log(w.name, pathOf(c));
 * }
 * ```
 */
export interface WriterComponent {
  /** The type. */
  type: "database" | "filegroup" | "undefined";
  /** Logical path, or null. */
  logicalPath: string | null;
  /** The name. */
  name: string;
  /** Display caption. */
  caption: string | null;
  /** Selectable for backup. */
  selectable: boolean;
  /** Selectable for restore. */
  selectableForRestore: boolean;
  /** Whether restore metadata is needed. */
  restoreMetadata: boolean;
  /** Whether the writer wants BackupComplete. */
  notifyOnBackupComplete: boolean;
  /** VSS_COMPONENT_FLAGS bits. */
  flags: number;
  /** Files. */
  files: FileSpec[];
  /** Database files. */
  databases: FileSpec[];
  /** Database log files. */
  logs: FileSpec[];
  /** Components this one depends on. */
  dependencies: { writerId: string; logicalPath: string | null; componentName: string }[];
}

/**
 * Everything a writer's metadata document says, as plain data: from
 * {@linkcode getWriters}, or {@linkcode ShadowCopySet.writers} after a backup.
 *
 * @example Find the files a writer wants left out
 * ```ts ignore
 * import { getWriters } from "./mod.ts";
 *
 * const { metadata } = await getWriters();
 * for (const w of metadata) {
 *   for (const f of w.excludeFiles) console.log(w.name, f.path, f.filespec);
 * }
 * ```
 */
export interface WriterMetadata {
  /** Writer instance id. */
  instanceId: string;
  /** Writer class id. */
  writerId: string;
  /** The name. */
  name: string;
  /** Writer instance name. */
  instanceName: string | null;
  /** Usage type name. */
  usage: string;
  /** Source type name. */
  source: string;
  /** Version string. */
  version: { major: number; minor: number } | null;
  /** VSS_BACKUP_SCHEMA bits. */
  backupSchema: number;
  /** How the writer wants to be restored. */
  restoreMethod: {
    method: string;
    service: string | null;
    userProcedure: string | null;
    writerRestore: string;
    rebootRequired: boolean;
    alternateLocations: (FileSpec & { destination: string | null })[];
  };
  /** The components. */
  components: WriterComponent[];
  /** Files the writer excludes from backup. */
  excludeFiles: FileSpec[];
  /** Files the writer excludes from shadow copies. */
  excludeFromSnapshot: FileSpec[];
}

const fileSpec: (desc: IVssWMFiledesc | null) => FileSpec = takeFileDescriptor;

/** The name of a VSS_COMPONENT_TYPE value. */
export function componentTypeName(t: number): WriterComponent["type"] {
  return t === VSS_COMPONENT_TYPE.VSS_CT_DATABASE
    ? "database"
    : t === VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
    ? "filegroup"
    : "undefined";
}

/** The VSS_COMPONENT_TYPE value of a component type name (`undefined` counts as a file group). */
export function componentTypeValue(t: WriterComponent["type"]): VSS_COMPONENT_TYPE {
  return t === "database"
    ? VSS_COMPONENT_TYPE.VSS_CT_DATABASE
    : VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP;
}

/** `logicalPath\\name`, or `name` without a logical path: how components are selected. */
export function componentPath(logicalPath: string | null, name: string): string {
  return logicalPath ? `${logicalPath}\\${name}` : name;
}

function component(c: IVssWMComponent): WriterComponent {
  const info = c.GetComponentInfo().ppInfo;
  if (info === null) throw new Error("VSS returned no component information");
  return {
    type: componentTypeName(info.type),
    logicalPath: info.bstrLogicalPath,
    name: info.bstrComponentName ?? "",
    caption: info.bstrCaption,
    selectable: info.bSelectable,
    selectableForRestore: info.bSelectableForRestore,
    restoreMetadata: info.bRestoreMetadata,
    notifyOnBackupComplete: info.bNotifyOnBackupComplete,
    flags: info.dwComponentFlags,
    // One native call per list (dependencies too) when the thunk library is loaded.
    files: readComponentFiles(c, 0, info.cFileCount),
    databases: readComponentFiles(c, 1, info.cDatabases),
    logs: readComponentFiles(c, 2, info.cLogFiles),
    dependencies: readComponentDependencies(c, info.cDependencies),
  };
}

/**
 * Reads one writer's metadata into plain data (releases nothing it was given).
 *
 * @example After GatherWriterMetadata
 * ```ts ignore
 * using m = backup.GetWriterMetadata(0).ppMetadata!;
 * console.log(readWriterMetadata(m).components.length);
 * ```
 */
export function readWriterMetadata(m: IVssExamineWriterMetadata): WriterMetadata {
  const id = m.GetIdentity();
  const counts = m.GetFileCounts();
  const ex2 = queryInterface(m, IVssExamineWriterMetadataEx2);
  try {
    const restore = m.GetRestoreMethod();
    const list = <T>(n: number, get: (i: number) => T) =>
      Array.from({ length: n }, (_, i) => get(i));
    const version = ex2 ? ex2.GetVersion() : null;
    return {
      instanceId: id.pidInstance,
      writerId: id.pidWriter,
      name: id.pbstrWriterName ?? "",
      instanceName: ex2 ? ex2.GetIdentityEx().pbstrInstanceName : null,
      usage: enumName(VSS_USAGE_TYPE, id.pUsage),
      source: enumName(VSS_SOURCE_TYPE, id.pSource),
      version: version ? { major: version.pdwMajorVersion, minor: version.pdwMinorVersion } : null,
      backupSchema: m.GetBackupSchema().pdwSchemaMask,
      restoreMethod: {
        method: enumName(VSS_RESTOREMETHOD_ENUM, restore.pMethod),
        service: restore.pbstrService,
        userProcedure: restore.pbstrUserProcedure,
        writerRestore: enumName(VSS_WRITERRESTORE_ENUM, restore.pwriterRestore),
        rebootRequired: restore.pbRebootRequired,
        alternateLocations: list(restore.pcMappings, (i) => {
          const spec = fileSpec(m.GetAlternateLocationMapping(i).ppFiledesc);
          return { ...spec, destination: spec.alternateLocation };
        }),
      },
      components: list(counts.pcComponents, (i) => {
        using c = m.GetComponent(i).ppComponent!;
        return component(c);
      }),
      excludeFiles: list(counts.pcExcludeFiles, (i) => fileSpec(m.GetExcludeFile(i).ppFiledesc)),
      excludeFromSnapshot: ex2
        ? list(
          ex2.GetExcludeFromSnapshotCount().pcExcludedFromSnapshot,
          (i) => fileSpec(ex2.GetExcludeFromSnapshotFile(i).ppFiledesc),
        )
        : [],
    };
  } finally {
    ex2?.release();
  }
}

/**
 * Every gathered writer's metadata (after GatherWriterMetadata finished).
 *
 * @example
 * ```ts ignore
 * const writers = readAllWriterMetadata(backup);
 * ```
 */
export function readAllWriterMetadata(backup: IVssBackupComponents): WriterMetadata[] {
  const n = backup.GetWriterMetadataCount().pcWriters;
  return Array.from({ length: n }, (_, i) => {
    using m = backup.GetWriterMetadata(i).ppMetadata!;
    return readWriterMetadata(m);
  });
}

/**
 * One writer's status after a phase: what {@linkcode ShadowCopySet.complete},
 * {@linkcode restore} and {@linkcode getWriters} report.
 *
 * @example Summarise the writers after a backup
 * ```ts ignore
 * import { createShadowCopySet, type WriterStatus } from "./mod.ts";
 *
 * const summary = (all: WriterStatus[]) =>
 *   all.map((w) => `${w.name}: ${w.failed ? w.failureName ?? w.stateName : "ok"}`);
 * await using set = await createShadowCopySet(["C:\\"]);
 * console.log(summary(await set.complete()));
 * ```
 */
export interface WriterStatus extends WriterFailure {
  /** True when the state is one of the VSS_WS_FAILED_AT_* states. */
  failed: boolean;
}

const FAILED_STATES = new Set<number>([
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_IDENTIFY,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_BACKUP,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_FREEZE,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_THAW,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_POST_SNAPSHOT,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_BACKUP_COMPLETE,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_PRE_RESTORE,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_POST_RESTORE,
  VSS_WRITER_STATE.VSS_WS_FAILED_AT_BACKUPSHUTDOWN,
]);

/**
 * Reads every writer's status after GatherWriterStatus finished, then frees it.
 *
 * @example
 * ```ts ignore
 * const statuses = readWriterStatus(backup);
 * ```
 */
export function readWriterStatus(backup: IVssBackupComponents): WriterStatus[] {
  const ex3 = queryInterface(backup, IVssBackupComponentsEx3);
  try {
    const n = backup.GetWriterStatusCount().pcWriters;
    const out: WriterStatus[] = [];
    for (let i = 0; i < n; i++) {
      let s: {
        pidInstance: string;
        pidWriter: string;
        pbstrWriter: string | null;
        pnStatus: number;
        failure: number;
        application: number;
        message: string | null;
      };
      if (ex3) {
        const r = ex3.GetWriterStatusEx(i);
        s = {
          ...r,
          failure: r.phrFailureWriter,
          application: r.phrApplication,
          message: r.pbstrApplicationMessage,
        };
      } else {
        const r = backup.GetWriterStatus(i);
        s = { ...r, failure: r.phResultFailure, application: 0, message: null };
      }
      out.push({
        name: s.pbstrWriter ?? "",
        writerId: s.pidWriter,
        instanceId: s.pidInstance,
        state: s.pnStatus,
        stateName: enumName(VSS_WRITER_STATE, s.pnStatus),
        failure: toUnsigned(s.failure),
        failureName: s.failure ? hresultName(s.failure) : null,
        application: toUnsigned(s.application),
        applicationMessage: s.message || null,
        failed: FAILED_STATES.has(s.pnStatus),
        // GetWriterStatus page: OUTOFRESOURCES, TIMEOUT and RETRYABLE are worth another attempt.
        retryable: s.failure !== 0 && isRetryableHresult(s.failure),
      });
    }
    return out;
  } finally {
    ex3?.release();
    backup.FreeWriterStatus();
  }
}

/**
 * The writers of the system: their metadata (GatherWriterMetadata) and
 * status (GatherWriterStatus), each under its deadline.
 *
 * @example List the writers and their state, like `vssadmin list writers`
 * ```ts ignore
 * import { getWriters } from "./mod.ts";
 *
 * const { metadata, status } = await getWriters({ deadlines: { gatherMetadata: 60_000 } });
 * for (const s of status) console.log(s.name, s.stateName, s.failureName ?? "no error");
 * console.log(metadata.reduce((n, w) => n + w.components.length, 0), "components");
 * ```
 */
export async function getWriters(
  options: ManageOptions = {},
): Promise<{ metadata: WriterMetadata[]; status: WriterStatus[] }> {
  const init = { kind: "backup", context: VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP } as const;
  return await withSession(options, init, async (session) => {
    // A writer that failed at Identify is listed by its status, not an error.
    const metadata = await session.gatherMetadata(undefined, { keepVeto: true });
    return { metadata, status: await session.gatherStatus(null) };
  });
}
