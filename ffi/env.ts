/**
 * Reads an environment variable only when env permission is already granted,
 * so loading the library never prompts for (or requires) it.
 *
 * @module
 */

/**
 * The variable's value, or undefined when unset or not readable.
 *
 * @example Read an optional override
 * ```ts
 * import { readEnv } from "./env.ts";
 * const path = readEnv("VSS_LIBRARY_PATH") ?? "vssapi.dll";
 * ```
 */
export function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
