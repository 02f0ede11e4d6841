/**
 * Shadow copy providers: the system provider's id and the registered list.
 *
 * @module
 */

import { GUID_NULL } from "../ffi/guid.ts";
import { readAllObjects } from "../ffi/thunks/bulk.ts";
import { VSS_OBJECT_TYPE, VSS_PROVIDER_TYPE } from "../ffi/generated/enums.ts";
import type { ManageOptions } from "./options.ts";
import { ALL_CONTEXTS, withSession } from "./session.ts";
import { enumName } from "./writers.ts";

/**
 * The id of the Microsoft Software Shadow Copy provider that ships with Windows.
 *
 * @example Ask the system provider, not VSS's choice
 * ```ts ignore
 * import { isVolumeSupported, SYSTEM_PROVIDER_ID } from "./mod.ts";
 *
 * console.log(await isVolumeSupported("D:\\", { providerId: SYSTEM_PROVIDER_ID }));
 * ```
 */
export const SYSTEM_PROVIDER_ID = "b5946137-7b9f-4925-af80-51abd60b20d5";

/**
 * A shadow copy provider, as {@linkcode listProviders} returns it.
 *
 * @example Tell a hardware provider from the others
 * ```ts ignore
 * import { listProviders } from "./mod.ts";
 *
 * const hardware = (await listProviders()).filter((p) => p.type === "hardware");
 * console.log(hardware.length > 0 ? "transportable sets possible" : "software providers only");
 * ```
 */
export interface Provider {
  /** Provider id (GUID), as `providerId` options take it. */
  id: string;
  /** Display name, when the provider gives one. */
  name: string | null;
  /** `system`, `software`, `hardware` or `fileshare` (VSS_PROVIDER_TYPE without its prefix). */
  type: string;
  /** Version text, when the provider gives one. */
  version: string | null;
  /** Version id (GUID). */
  versionId: string;
  /** The provider's COM class id. */
  classId: string;
}

/**
 * The registered shadow copy providers.
 *
 * @example Print the providers and their types
 * ```ts ignore
 * import { listProviders } from "./mod.ts";
 *
 * for (const p of await listProviders()) console.log(p.name, p.type, p.id);
 * ```
 */
export async function listProviders(options: ManageOptions = {}): Promise<Provider[]> {
  return await withSession(options, ALL_CONTEXTS, ({ backup }) => {
    const found = backup.Query(
      GUID_NULL,
      VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
      VSS_OBJECT_TYPE.VSS_OBJECT_PROVIDER,
    ).ppEnum;
    if (found === null) return [];
    using list = found;
    const out: Provider[] = [];
    for (const item of readAllObjects(list)) {
      if (!("Prov" in item)) continue;
      const p = item.Prov;
      out.push({
        id: p.m_ProviderId,
        name: p.m_pwszProviderName,
        type: enumName(VSS_PROVIDER_TYPE, p.m_eProviderType).replace(/^VSS_PROV_/, "")
          .toLowerCase(),
        version: p.m_pwszProviderVersion,
        versionId: p.m_ProviderVersionId,
        classId: p.m_ClassId,
      });
    }
    return out;
  });
}
