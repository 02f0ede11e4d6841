/**
 * Where the docs site comes from and where it goes: project paths, the
 * package's name, version and entry points (from `deno.json`), and the
 * address of the licence of the reference summaries.
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };

/** The project root (the folder that holds `deno.json`). */
export const projectRoot: string = fileURLToPath(new URL("../../", import.meta.url)).replace(
  /\/$/,
  "",
);

/** Name shown in the site bar and titles (`deno doc --name`). */
export const siteName = "vss-requester";

/** The package name users import from: `@vss/requester`. */
export const packageName: string = denoJson.name;

/** The package version, shown on every page. */
export const packageVersion: string = denoJson.version;

/** One entry point of the package (an `exports` key of `deno.json`). */
export interface EntryPoint {
  /** The exports key: `.`, `./binding`, `./simulator`. */
  key: string;
  /** The module, relative to the project root: `mod.ts`, `binding.ts`. */
  file: string;
  /** What a user imports: `@vss/requester/binding`. */
  specifier: string;
  /** Section title on the site: `Requester`, `Binding`, `Simulator`. */
  section: string;
  /** Folder deno doc writes its pages to, inside the API folder: `""`, `binding/`. */
  folder: string;
  /** The name deno doc gives the module in its breadcrumbs and usage boxes. */
  denoDocName: string;
}

function entryPoint(key: string, file: string): EntryPoint {
  const sub = key.replace(/^\.\/?/, "");
  return {
    key,
    file: file.replace(/^\.\//, ""),
    specifier: sub ? `${packageName}/${sub}` : packageName,
    section: sub ? sub[0].toUpperCase() + sub.slice(1) : "Requester",
    folder: sub ? `${sub}/` : "",
    denoDocName: sub || ".",
  };
}

/** The package's entry points in the order of `deno.json`: the requester API first. */
export const entryPoints: readonly EntryPoint[] = Object.entries(
  denoJson.exports as Record<string, string>,
).map(([key, file]) => entryPoint(key, file));

/** Default output folder of the site (git-ignored through `dist/`). */
export const defaultOutDir = `${projectRoot}/dist/docs`;

/** The markdown guides. */
export const guidesDir = `${projectRoot}/docs-src/guides`;

/** Template, stylesheet and browser scripts. */
export const siteAssetsDir = `${projectRoot}/docs-src/site`;

/** The generated ABI model: interfaces, methods and their reference pages. */
export const abiPath = `${projectRoot}/ffi/generated/abi.json`;

/** Licence of the Microsoft VSS reference text. */
export const ccByUrl = "https://creativecommons.org/licenses/by/4.0/";

/** Folder of the API reference inside the site. */
export const apiDir = "api";

/** Folder of the rendered source files inside the site. */
export const sourceDir = "source";

/** The licence file of the reference corpus, copied into the site under `licenses/`. */
export const LICENCE_FILE = "LICENSE-CC-BY-4.0.txt";

/** The local copy of the reference corpus, whose licence file the site ships. */
export function referenceDir(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("VSS_REFERENCE_DIR") || undefined;
  } catch {
    fromEnv = undefined;
  }
  return fromEnv ??
    fileURLToPath(new URL("../shared/vss-reference", pathToFileURL(`${projectRoot}/`)));
}
