/**
 * Where the docs site comes from and where it goes: project paths, the site
 * name, and the address of the licence of the reference summaries.
 *
 * @module
 */

const here = new URL("./", import.meta.url);

function path(url: URL): string {
  return decodeURIComponent(url.pathname).replace(/\/$/, "");
}

/** The project root (the folder that holds `deno.json`). */
export const projectRoot: string = path(new URL("../../", here));

/** Name shown in the breadcrumbs and titles (`deno doc --name`). */
export const siteName = "vss-requester";

/** The entry module documented by the API reference. */
export const entryModule = `${projectRoot}/mod.ts`;

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

/** The local copy of the reference corpus, whose licence file the site ships. */
export function referenceDir(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("VSS_REFERENCE_DIR") || undefined;
  } catch {
    fromEnv = undefined;
  }
  return fromEnv ?? path(new URL("../shared/vss-reference/", new URL(`file://${projectRoot}/`)));
}
