/**
 * Drive the Windows Volume Shadow Copy Service (VSS) as a requester: create
 * shadow copy sets, read through them, complete or delete them, manage shadow
 * copies, look at writers, restore. Real VSS on Windows; the bundled VSS
 * simulator elsewhere.
 *
 * The generated low-level binding (every interface, enumeration, structure
 * and HRESULT of the reference) is the `./binding` entry point; the
 * simulator's control API is `./simulator`.
 *
 * @example Read a file as it was at the moment of the shadow copy
 * ```ts ignore
 * import { createShadowCopySet } from "@vss/requester";
 *
 * await using set = await createShadowCopySet(["C:\\"], { backupType: "copy" });
 * const data = await Deno.readFile(set.mapPath("C:\\data\\app.db"));
 * await set.complete({ succeeded: true });
 * ```
 *
 * @module
 */

export * from "./requester/mod.ts";
