/**
 * The restore sequence: load the saved backup components document, select
 * components, set targets, PreRestore, the caller's copy step, file restore
 * status, PostRestore, writer status.
 *
 * @module
 */

import { VSS_COMPONENT_TYPE, VSS_FILE_RESTORE_STATUS } from "../ffi/generated/enums.ts";
import { type IVssBackupComponents, IVssBackupComponentsEx } from "../ffi/generated/wrappers.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { createBackupComponents, queryInterface } from "../ffi/vss.ts";
import { openVss } from "./connection.ts";
import { finishOperation } from "./operation.ts";
import { explain, WriterFailureError } from "./errors.ts";
import { type Deadlines, DEFAULT_DEADLINES, type ProgressEvent } from "./options.ts";
import {
  readAllWriterMetadata,
  readWriterStatus,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";

/**
 * A component recorded in a backup components document, as
 * {@linkcode readBackupDocument} returns it.
 *
 * @example Keep the components whose backup succeeded
 * ```ts
 * import type { DocumentComponent } from "./mod.ts";
 *
 * const components: DocumentComponent[] = [{
 *   writerId: "a65faa63-5ea8-4ebc-9dbd-a0c4db26912a",
 *   instanceId: "3c2e4f5a-0b1c-4d2e-8f90-1a2b3c4d5e6f",
 *   type: "database",
 *   logicalPath: "SQL01",
 *   name: "sales",
 *   path: "SQL01\\sales",
 *   backupSucceeded: true,
 *   backupStamp: null,
 * }];
 * console.log(components.filter((c) => c.backupSucceeded).map((c) => c.path));
 * ```
 */
export interface DocumentComponent {
  /** Writer class id. */
  writerId: string;
  /** Writer instance id. */
  instanceId: string;
  /** The type. */
  type: "database" | "filegroup" | "undefined";
  /** Logical path, or null. */
  logicalPath: string | null;
  /** The name. */
  name: string;
  /** `logicalPath\\name`, or `name`. */
  path: string;
  /** Whether the backup of the component succeeded. */
  backupSucceeded: boolean;
  /** The writer's backup stamp. */
  backupStamp: string | null;
}

const typeName = (t: number): DocumentComponent["type"] =>
  t === VSS_COMPONENT_TYPE.VSS_CT_DATABASE
    ? "database"
    : t === VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
    ? "filegroup"
    : "undefined";
const typeValue = (t: DocumentComponent["type"]) =>
  t === "database" ? VSS_COMPONENT_TYPE.VSS_CT_DATABASE : VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP;

function documentComponents(backup: IVssBackupComponents): DocumentComponent[] {
  const out: DocumentComponent[] = [];
  const n = backup.GetWriterComponentsCount().pcComponents;
  for (let i = 0; i < n; i++) {
    using writer = backup.GetWriterComponents(i).ppWriter!;
    const { pidInstance, pidWriter } = writer.GetWriterInfo();
    const count = writer.GetComponentCount().pcComponents;
    for (let j = 0; j < count; j++) {
      using c = writer.GetComponent(j).ppComponent!;
      const logicalPath = c.GetLogicalPath().pbstrPath;
      const name = c.GetComponentName().pbstrName ?? "";
      out.push({
        writerId: pidWriter,
        instanceId: pidInstance,
        type: typeName(c.GetComponentType().pct),
        logicalPath,
        name,
        path: logicalPath ? `${logicalPath}\\${name}` : name,
        backupSucceeded: c.GetBackupSucceeded().pbSucceeded,
        backupStamp: c.GetBackupStamp().pbstrBackupStamp,
      });
    }
  }
  return out;
}

/**
 * The components a saved backup components document records. Synchronous;
 * changes nothing.
 *
 * @example List what a backup holds
 * ```ts ignore
 * import { readBackupDocument } from "./mod.ts";
 *
 * const xml = await Deno.readTextFile("D:\\backup\\backup.xml");
 * for (const c of readBackupDocument(xml)) console.log(c.path, c.type, c.backupSucceeded);
 * ```
 */
export function readBackupDocument(
  document: string,
  options: { runtime?: VssRuntime } = {},
): DocumentComponent[] {
  const runtime = options.runtime ?? openVss();
  using backup = createBackupComponents(runtime);
  try {
    backup.InitializeForRestore(document);
    return documentComponents(backup);
  } catch (error) {
    throw explain(error, "InitializeForRestore");
  }
}

/**
 * A component to restore and how: an element of
 * {@linkcode RestoreOptions.select}.
 *
 * @example Restore a database to another folder
 * ```ts
 * import type { RestoreSelection } from "./mod.ts";
 *
 * const selection: RestoreSelection = {
 *   componentPath: "SQL01\\sales",
 *   newTargets: [{
 *     path: "D:\\data",
 *     filespec: "sales*.mdf",
 *     recursive: false,
 *     alternatePath: "E:\\restored",
 *   }],
 * };
 * console.log(selection.componentPath);
 * ```
 */
export interface RestoreSelection {
  /** `logicalPath\\name` of a component in the document. */
  componentPath: string;
  /** Restrict to this writer (by class id) when several have the path. */
  writerId?: string;
  /** Subcomponents (`logicalPath\\name`) to restore inside it. */
  subcomponents?: string[];
  /** Writer-specific restore options. */
  restoreOptions?: string;
  /** Whether further (incremental/differential) restores follow. */
  additionalRestores?: boolean;
  /** Files to restore somewhere else than where they came from. */
  newTargets?: { path: string; filespec: string; recursive: boolean; alternatePath: string }[];
}

/**
 * What the caller's copy step reports per component: `all` files were
 * restored, `none` were (nothing changed), or the copy `failed` part-way.
 *
 * @example Report the outcome of copying one component
 * ```ts
 * import type { FileRestoreResult } from "./mod.ts";
 *
 * async function copyBack(from: string, to: string): Promise<FileRestoreResult> {
 *   try {
 *     await Deno.copyFile(from, to);
 *     return "all";
 *   } catch {
 *     return "failed";
 *   }
 * }
 * console.log(await copyBack("no-such-file.db", "copy.db")); // "failed"
 * ```
 */
export type FileRestoreResult = "all" | "none" | "failed";

/**
 * Options of {@linkcode restore}: the components to restore, and the copy
 * step that runs between PreRestore and PostRestore.
 *
 * @example Restore one component, copying nothing yet
 * ```ts
 * import type { RestoreOptions } from "./mod.ts";
 *
 * const options: RestoreOptions = {
 *   select: [{ componentPath: "SQL01\\sales" }],
 *   copy: (plan) => Object.fromEntries(plan.components.map((c) => [c.path, "none"] as const)),
 *   deadlines: { complete: 10 * 60_000 },
 * };
 * console.log(options.select.length);
 * ```
 */
export interface RestoreOptions {
  /** The components to restore. */
  select: RestoreSelection[];
  /**
   * Copies the files back (between PreRestore and PostRestore) and reports
   * per component path what was restored. Missing components count as `all`.
   */
  copy: (
    plan: RestorePlan,
  ) => Promise<Record<string, FileRestoreResult>> | Record<string, FileRestoreResult>;
  /** Per-step deadlines in ms. */
  deadlines?: Pick<Deadlines, "gatherMetadata" | "complete">;
  /** Aborts the restore (IVssAsync::Cancel). */
  signal?: AbortSignal;
  /** Called as steps start and end. */
  onProgress?: (event: ProgressEvent) => void;
  /** The VSS runtime (default: openVss()). */
  runtime?: VssRuntime;
}

/**
 * What will be restored, for the copy step: each selected component with
 * where it goes (`original` or `new` targets), and the running writers'
 * metadata.
 *
 * @example Log the plan in the copy step
 * ```ts
 * import type { FileRestoreResult, RestorePlan } from "./mod.ts";
 *
 * function copy(plan: RestorePlan): Record<string, FileRestoreResult> {
 *   for (const c of plan.components) console.log(`${c.path} -> ${c.target} location`);
 *   return {};
 * }
 * copy({ components: [], writers: [] });
 * ```
 */
export interface RestorePlan {
  /** The components. */
  components: (DocumentComponent & { selection: RestoreSelection; target: string })[];
  /** Writer metadata. */
  writers: WriterMetadata[];
}

/**
 * Runs the whole restore sequence around the caller's copy step and returns
 * the writers' status after PostRestore.
 *
 * @example Restore one component
 * ```ts ignore
 * import { restore } from "./mod.ts";
 *
 * const xml = await Deno.readTextFile("D:\\backup\\backup.xml");
 * const status = await restore(xml, {
 *   select: [{ componentPath: "SQL01\\sales" }],
 *   copy: async (plan) => {
 *     for (const c of plan.components) {
 *       await Deno.copyFile(`D:\\backup\\${c.name}.mdf`, `C:\\data\\${c.name}.mdf`);
 *     }
 *     return {}; // every component: "all"
 *   },
 * });
 * console.log(status.filter((w) => w.failed).length, "writer(s) failed");
 * ```
 */
export async function restore(document: string, options: RestoreOptions): Promise<WriterStatus[]> {
  const runtime = options.runtime ?? openVss();
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const started = performance.now();
  const progress = (phase: string, state: "start" | "end") =>
    options.onProgress?.({
      phase: phase as ProgressEvent["phase"],
      state,
      elapsedMs: performance.now() - started,
    });
  let step = "InitializeForRestore";
  using backup = createBackupComponents(runtime);
  try {
    backup.InitializeForRestore(document);
    step = "GatherWriterMetadata";
    progress("gather-metadata", "start");
    await finishOperation(
      backup.GatherWriterMetadata().pAsync,
      step,
      deadlines.gatherMetadata,
      options.signal,
    );
    const writers = readAllWriterMetadata(backup);
    backup.FreeWriterMetadata();
    progress("gather-metadata", "end");
    const inDocument = documentComponents(backup);
    const chosen: RestorePlan["components"] = [];
    using ex = queryInterface(backup, IVssBackupComponentsEx);
    for (const selection of options.select) {
      const match = inDocument.find((c) =>
        c.path === selection.componentPath &&
        (selection.writerId === undefined || c.writerId === selection.writerId)
      );
      if (!match) {
        throw new RangeError(`the backup document has no component ${selection.componentPath}`);
      }
      step = "SetSelectedForRestore";
      const type = typeValue(match.type);
      if (ex) {
        ex.SetSelectedForRestoreEx(
          match.writerId,
          type,
          match.logicalPath,
          match.name,
          true,
          match.instanceId,
        );
      } else {backup.SetSelectedForRestore(
          match.writerId,
          type,
          match.logicalPath,
          match.name,
          true,
        );}
      for (const sub of selection.subcomponents ?? []) {
        step = "AddRestoreSubcomponent";
        const at = sub.lastIndexOf("\\");
        backup.AddRestoreSubcomponent(
          match.writerId,
          type,
          match.logicalPath,
          match.name,
          at < 0 ? null : sub.slice(0, at),
          sub.slice(at + 1),
          false,
        );
      }
      if (selection.restoreOptions !== undefined) {
        step = "SetRestoreOptions";
        backup.SetRestoreOptions(
          match.writerId,
          type,
          match.logicalPath,
          match.name,
          selection.restoreOptions,
        );
      }
      if (selection.additionalRestores !== undefined) {
        step = "SetAdditionalRestores";
        backup.SetAdditionalRestores(
          match.writerId,
          type,
          match.logicalPath,
          match.name,
          selection.additionalRestores,
        );
      }
      for (const t of selection.newTargets ?? []) {
        step = "AddNewTarget";
        backup.AddNewTarget(
          match.writerId,
          type,
          match.logicalPath,
          match.name,
          t.path,
          t.filespec,
          t.recursive,
          t.alternatePath,
        );
      }
      chosen.push({
        ...match,
        selection,
        target: selection.newTargets?.length ? "new" : "original",
      });
    }
    step = "PreRestore";
    progress("pre-restore", "start");
    await finishOperation(backup.PreRestore().ppAsync, step, deadlines.complete, options.signal);
    const afterPre = await status(backup, deadlines.complete, options.signal);
    const failedPre = afterPre.filter((s) => s.failed);
    if (failedPre.length > 0) throw new WriterFailureError("PreRestore", failedPre);
    progress("pre-restore", "end");
    step = "copy";
    progress("copy", "start");
    let results: Record<string, FileRestoreResult>;
    let copyError: unknown = null;
    try {
      results = await options.copy({ components: chosen, writers });
    } catch (error) {
      // The writers still hear how the restore went: every component failed.
      copyError = error;
      results = Object.fromEntries(chosen.map((c) => [c.path, "failed" as const]));
    }
    progress("copy", "end");
    for (const c of chosen) {
      step = "SetFileRestoreStatus";
      const r = results[c.path] ?? "all";
      const value = r === "all"
        ? VSS_FILE_RESTORE_STATUS.VSS_RS_ALL
        : r === "none"
        ? VSS_FILE_RESTORE_STATUS.VSS_RS_NONE
        : VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED;
      backup.SetFileRestoreStatus(c.writerId, typeValue(c.type), c.logicalPath, c.name, value);
    }
    step = "PostRestore";
    progress("post-restore", "start");
    await finishOperation(backup.PostRestore().ppAsync, step, deadlines.complete, options.signal);
    const after = await status(backup, deadlines.complete, options.signal);
    if (copyError !== null) throw copyError;
    progress("post-restore", "end");
    return after;
  } catch (error) {
    throw explain(error, step);
  }
}

async function status(
  backup: IVssBackupComponents,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WriterStatus[]> {
  await finishOperation(
    backup.GatherWriterStatus().pAsync,
    "GatherWriterStatus",
    timeoutMs,
    signal,
  );
  return readWriterStatus(backup);
}
