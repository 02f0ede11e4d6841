/**
 * Drive the Windows Volume Shadow Copy Service (VSS) as a requester from Deno.
 *
 * This entry point currently exposes the generated ABI model: enumerations,
 * struct layouts, vtable tables, exported functions, GUIDs and HRESULTs, all
 * derived from the VSS reference and checked against the compiler.
 *
 * @example Look up a vtable slot and an HRESULT
 * ```ts
 * import { abi } from "./mod.ts";
 *
 * console.log(abi.vtables.IVssBackupComponents.methods.DoSnapshotSet.slot);
 * console.log(abi.HRESULT_NAMES.get(abi.HRESULT.VSS_E_BAD_STATE));
 * ```
 *
 * @module
 */

/**
 * The generated VSS ABI (`ffi/generated/`).
 *
 * @example Read the layout of VSS_SNAPSHOT_PROP
 * ```ts
 * import { abi } from "./mod.ts";
 *
 * console.log(abi.VSS_SNAPSHOT_PROP.size, abi.VSS_SNAPSHOT_PROP.fields.m_eStatus.offset);
 * ```
 */
export * as abi from "./ffi/generated/mod.ts";
