/**
 * Volume arguments: how a volume the user typed is passed on. Naming,
 * resolving and listing volumes is the requester's (`knownVolumes`,
 * `resolveVolume`, `listShadowCopies({ volume })`); the CLI only writes a
 * bare drive letter the way VSS expects it.
 *
 * @module
 */

import type { Options } from "./args.ts";

/**
 * A volume as VSS expects it: a drive letter (`C:`) gets its trailing
 * backslash; anything else is passed on unchanged.
 *
 * @example
 * ```ts ignore
 * normalizeVolume("d:"); // "D:\\"
 * ```
 */
export function normalizeVolume(text: string): string {
  const drive = /^([A-Za-z]):\\?$/.exec(text);
  return drive ? `${drive[1].toUpperCase()}:\\` : text;
}

/** The positional arguments of a command, read as volumes. */
export function volumeArguments(opts: Options): string[] {
  return opts.positionals.map(normalizeVolume);
}

/** The volume `--name` names, or undefined when the option is not given. */
export function volumeOption(opts: Options, name: string): string | undefined {
  const text = opts.string(name);
  return text === undefined ? undefined : normalizeVolume(text);
}
