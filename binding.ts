/**
 * The low-level VSS binding: load VSS, initialise COM, and call every bound
 * interface through its generated wrapper, one method per vtable slot. The
 * interfaces, enumerations, structures and HRESULTs are generated from the
 * VSS reference and checked against the compiler.
 *
 * @example Create a backup components object and set its context
 * ```ts ignore
 * import { createBackupComponents, VSS_SNAPSHOT_CONTEXT, VssRuntime } from "@vss/requester/binding";
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
