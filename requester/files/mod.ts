/**
 * Reading a shadow copy like a backup tool: enable the backup privileges,
 * open, read and stream files with backup semantics (byte ranges, handles
 * closed on end, error and cancel), walk trees without following links
 * (long paths, any names, times, attributes, alternate data streams), and
 * copy trees out of a fresh shadow copy (`vss copy`).
 *
 * @example Copy a folder as it was at one moment
 * ```ts ignore
 * import { copyFromShadowCopy } from "@vss/requester/files";
 *
 * const summary = await copyFromShadowCopy(["C:\\data"], "E:\\backup", { incremental: true });
 * console.log(`${summary.totals.files} files copied`);
 * ```
 *
 * @module
 */

export { PrivilegeNotHeldError, ShadowFileError } from "./errors.ts";
export {
  enableBackupPrivileges,
  type EnablePrivilegesOptions,
  type PrivilegeName,
  type PrivilegeResult,
} from "./privileges.ts";
export {
  DEFAULT_CHUNK_SIZE,
  openShadowFile,
  type ReadRange,
  readShadowFile,
  type ShadowFile,
  type StreamOptions,
  streamShadowFile,
} from "./open.ts";
export {
  type EntryKind,
  listStreams,
  type ShadowEntry,
  statShadowPath,
  type StreamInfo,
  type WalkOptions,
  walkShadowTree,
} from "./walk.ts";
export { ExcludeGlob, WriterExclusion, writerExclusions } from "./glob.ts";
export {
  type CopyProgress,
  copyShadowTree,
  type TreeCopyCounts,
  type TreeCopyOptions,
} from "./tree_copy.ts";
export {
  type CopiedSource,
  copyFromShadowCopy,
  type CopyOptions,
  type CopySummary,
  volumeOfPath,
} from "./copy.ts";
export { extendedPath } from "./paths.ts";
