/**
 * The restore sequence, one named step after the other: load the saved
 * backup components document, select components and set their targets,
 * PreRestore, the caller's copy step, file restore status, PostRestore,
 * writer status.
 *
 * @module
 */

import { VSS_FILE_RESTORE_STATUS } from "../ffi/generated/enums.ts";
import { type IVssBackupComponents, IVssBackupComponentsEx } from "../ffi/generated/wrappers.ts";
import type { VssRuntime } from "../ffi/runtime.ts";
import { queryInterface } from "../ffi/vss.ts";
import type { Deadlines } from "./deadlines.ts";
import { explain, WriterFailureError } from "./errors.ts";
import type { ProgressEvent } from "./options.ts";
import { Session } from "./session.ts";
import {
  componentPath,
  componentTypeName,
  componentTypeValue,
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
  /** The writer's class id. */
  writerId: string;
  /** The writer's instance id. */
  instanceId: string;
  /** What the component holds, as its writer declared. */
  type: "database" | "filegroup" | "undefined";
  /** The component's logical path, or null at the top level. */
  logicalPath: string | null;
  /** The component's name within its logical path. */
  name: string;
  /** `logicalPath\\name`, or `name`. */
  path: string;
  /** Whether the backup of the component succeeded. */
  backupSucceeded: boolean;
  /** The writer's backup stamp. */
  backupStamp: string | null;
}

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
        type: componentTypeName(c.GetComponentType().pct),
        logicalPath,
        name,
        path: componentPath(logicalPath, name),
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
  using session = Session.open(options, { kind: "restore", document });
  try {
    return documentComponents(session.backup);
  } catch (error) {
    throw explain(error);
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
 *   deadlines: { preRestore: 10 * 60_000, postRestore: 10 * 60_000 },
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
  /** Per-step deadlines in ms: gatherMetadata, preRestore, postRestore, writerStatus. */
  deadlines?: Partial<Deadlines>;
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
  /** Each selected component, with its selection and where it goes (`original` or `new`). */
  components: (DocumentComponent & { selection: RestoreSelection; target: string })[];
  /** The running writers' metadata, for where each wants its files. */
  writers: WriterMetadata[];
}

/** A component chosen for the restore, as the copy step sees it. */
type Chosen = RestorePlan["components"][number];

/** The arguments every per-component call starts with: writer, type, logical path, name. */
function componentKey(c: DocumentComponent) {
  return [c.writerId, componentTypeValue(c.type), c.logicalPath, c.name] as const;
}

/** The component of the document a selection names (RangeError when there is none). */
function findComponent(inDocument: DocumentComponent[], selection: RestoreSelection) {
  const match = inDocument.find((c) =>
    c.path === selection.componentPath &&
    (selection.writerId === undefined || c.writerId === selection.writerId)
  );
  if (!match) {
    throw new RangeError(`the backup document has no component ${selection.componentPath}`);
  }
  return match;
}

/** SetSelectedForRestore(Ex), subcomponents, options, additional restores, new targets. */
function selectComponent(
  backup: IVssBackupComponents,
  ex: IVssBackupComponentsEx | null,
  match: DocumentComponent,
  selection: RestoreSelection,
): void {
  const key = componentKey(match);
  if (ex) ex.SetSelectedForRestoreEx(...key, true, match.instanceId);
  else backup.SetSelectedForRestore(...key, true);
  for (const sub of selection.subcomponents ?? []) {
    const at = sub.lastIndexOf("\\");
    const [path, name] = [at < 0 ? null : sub.slice(0, at), sub.slice(at + 1)];
    backup.AddRestoreSubcomponent(...key, path, name, false);
  }
  if (selection.restoreOptions !== undefined) {
    backup.SetRestoreOptions(...key, selection.restoreOptions);
  }
  if (selection.additionalRestores !== undefined) {
    backup.SetAdditionalRestores(...key, selection.additionalRestores);
  }
  for (const t of selection.newTargets ?? []) {
    backup.AddNewTarget(...key, t.path, t.filespec, t.recursive, t.alternatePath);
  }
}

/** Selects every component the options name; returns them for the copy step. */
function selectForRestore(backup: IVssBackupComponents, select: RestoreSelection[]): Chosen[] {
  const inDocument = documentComponents(backup);
  using ex = queryInterface(backup, IVssBackupComponentsEx);
  return select.map((selection) => {
    const match = findComponent(inDocument, selection);
    selectComponent(backup, ex, match, selection);
    return { ...match, selection, target: selection.newTargets?.length ? "new" : "original" };
  });
}

/** The "copy" step: the caller's copy; a throwing copy marks every component failed. */
async function runCopy(
  session: Session,
  copy: RestoreOptions["copy"],
  plan: RestorePlan,
): Promise<{ results: Record<string, FileRestoreResult>; copyError: unknown }> {
  return await session.phase("copy", async () => {
    try {
      return { results: await copy(plan), copyError: null };
    } catch (error) {
      // The writers still hear how the restore went: every component failed.
      const failed = plan.components.map((c) => [c.path, "failed" as const]);
      return { results: Object.fromEntries(failed), copyError: error };
    }
  });
}

const RESTORE_STATUS: Record<FileRestoreResult, VSS_FILE_RESTORE_STATUS> = {
  all: VSS_FILE_RESTORE_STATUS.VSS_RS_ALL,
  none: VSS_FILE_RESTORE_STATUS.VSS_RS_NONE,
  failed: VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED,
};

/** SetFileRestoreStatus per component; a component the copy step left out counts as `all`. */
function reportRestored(
  backup: IVssBackupComponents,
  chosen: Chosen[],
  results: Record<string, FileRestoreResult>,
): void {
  for (const c of chosen) {
    backup.SetFileRestoreStatus(...componentKey(c), RESTORE_STATUS[results[c.path] ?? "all"]);
  }
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
  using session = Session.open(options, { kind: "restore", document });
  try {
    const writers = await session.phase("gather-metadata", () => session.gatherMetadata());
    const components = selectForRestore(session.backup, options.select);
    await session.phase("pre-restore", async () => {
      await session.waitForWriters(
        session.backup.PreRestore().ppAsync,
        "PreRestore",
        "preRestore",
        "pre-restore",
        true,
      );
      const failed = (await session.gatherStatus("pre-restore")).filter((s) => s.failed);
      if (failed.length > 0) throw new WriterFailureError("PreRestore", failed);
    });
    const { results, copyError } = await runCopy(session, options.copy, { components, writers });
    reportRestored(session.backup, components, results);
    session.progress("post-restore", "start");
    const veto = await session.waitAllowingVeto(
      session.backup.PostRestore().ppAsync,
      "PostRestore",
      "postRestore",
      "post-restore",
    );
    const after = await session.gatherStatus("post-restore");
    if (copyError !== null) throw copyError;
    if (veto !== null) {
      const failed = after.filter((s) => s.failed);
      throw new WriterFailureError("PostRestore", failed, {
        veto: veto.code,
        cause: veto,
        unnamed: "GatherWriterStatus reported no writer in a failed state",
      });
    }
    session.progress("post-restore", "end");
    return after;
  } catch (error) {
    throw explain(error);
  }
}
