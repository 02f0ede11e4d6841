/**
 * Drive the Windows Volume Shadow Copy Service (VSS) as a requester from Deno.
 *
 * The binding covers the whole requester API: every interface of the VSS
 * reference's requester, shared and management sections, generated from the
 * reference pages and checked against the compiler. Outside Windows it runs
 * against the bundled VSS simulator.
 *
 * @example Read a file as it was at the moment of the shadow copy
 * ```ts ignore
 * import { createShadowCopySet } from "./mod.ts";
 *
 * await using set = await createShadowCopySet(["C:\\"], { backupType: "copy" });
 * const data = await Deno.readFile(set.mapPath("C:\\data\\app.db"));
 * ```
 *
 * @example The low-level binding: every interface, one method per vtable slot
 * ```ts ignore
 * import { createBackupComponents, VSS_SNAPSHOT_CONTEXT, VssRuntime } from "./mod.ts";
 *
 * const runtime = VssRuntime.load();
 * runtime.initializeCom();
 * using backup = createBackupComponents(runtime);
 * backup.InitializeForBackup(null);
 * backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP);
 * ```
 *
 * @module
 */

export * from "./requester/mod.ts";
export * from "./ffi/mod.ts";
