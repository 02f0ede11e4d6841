/**
 * Reading a shadow copy the way a backup tool does: enable the backup
 * privileges, open, read and stream files with backup semantics, walk trees
 * without following links, and copy trees out of a fresh shadow copy.
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

export * from "./requester/files/mod.ts";
