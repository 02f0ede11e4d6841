/**
 * Locate and read the mingw-w64 SDK headers, parse each, and merge them.
 *
 * @module
 */

import type { HeaderModel } from "../model.ts";
import { HeaderSourceError } from "./errors.ts";
import { mergeHeaderModels } from "./merge.ts";
import { parseHeaderText } from "./parse.ts";

/** The headers read, in merge order. */
export const SDK_HEADERS: readonly string[] = [
  "vss.h",
  "vswriter.h",
  "vsbackup.h",
  "vsmgmt.h",
  "vsserror.h",
  "winerror.h",
];

/** Where Debian's `mingw-w64-x86-64-dev` installs the headers. */
export const DEFAULT_INCLUDE_DIR = "/usr/share/mingw-w64/include";

/** Environment variable that overrides {@link DEFAULT_INCLUDE_DIR}. */
export const INCLUDE_ENV = "VSS_SDK_INCLUDE";

/** Options for {@link readHeaders}. */
export interface ReadHeadersOptions {
  /** Include directory; default `$VSS_SDK_INCLUDE`, then {@link DEFAULT_INCLUDE_DIR}. */
  dir?: string;
}

/**
 * The include directory to use: `dir`, else `$VSS_SDK_INCLUDE` (when set,
 * non-empty and readable), else {@link DEFAULT_INCLUDE_DIR}.
 */
export function resolveIncludeDir(dir?: string): string {
  if (dir) return dir;
  let env: string | undefined;
  try {
    env = Deno.env.get(INCLUDE_ENV);
  } catch {
    env = undefined; // no --allow-env: fall back to the default
  }
  return env ? env : DEFAULT_INCLUDE_DIR;
}

function joinPath(dir: string, file: string): string {
  return /[\\/]$/.test(dir) ? dir + file : `${dir}/${file}`;
}

async function readHeaderFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new HeaderSourceError(path, "SDK header not found", { cause: e });
    }
    throw e;
  }
}

/**
 * Read vss.h, vswriter.h, vsbackup.h, vsmgmt.h, vsserror.h and winerror.h
 * and merge what they declare.
 *
 * @throws {HeaderSourceError} When the directory or a header is missing.
 * @throws {HeaderParseError} When a header cannot be parsed.
 */
export async function readHeaders(options: ReadHeadersOptions = {}): Promise<HeaderModel> {
  const dir = resolveIncludeDir(options.dir);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new HeaderSourceError(dir, "SDK include directory not found", { cause: e });
    }
    throw e;
  }
  if (!info.isDirectory) throw new HeaderSourceError(dir, "SDK include path is not a directory");
  const settled = await Promise.allSettled(
    SDK_HEADERS.map((h) => readHeaderFile(joinPath(dir, h))),
  );
  // Report the first failure in header order, not in completion order.
  const texts = settled.map((r) => {
    if (r.status === "rejected") throw r.reason;
    return r.value;
  });
  const scope = new Map<string, bigint>();
  const models = SDK_HEADERS.map((h, k) => parseHeaderText(h, texts[k], { scope }));
  return mergeHeaderModels(models);
}
