/**
 * Drive the Windows Volume Shadow Copy Service (VSS) as a requester from Deno.
 *
 * The binding covers the whole requester API: every interface of the VSS
 * reference's requester, shared and management sections, generated from the
 * reference pages and checked against the compiler. Outside Windows it runs
 * against the bundled VSS simulator.
 *
 * @example Load VSS and look at a snapshot set
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

export * from "./ffi/mod.ts";
