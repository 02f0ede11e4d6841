/**
 * A fingerprint of everything the site is built from, so a build can be
 * reused while none of its inputs changed: the modules of the documented
 * API (every entry point) and of the builder (from `deno info`), the guides, the site assets, the
 * ABI model and the Deno version.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { abiPath, entryPoints, guidesDir, projectRoot, siteAssetsDir } from "./config.ts";
import { runDeno } from "./run_deno.ts";

/** Project files of the module graph of `entry`, absolute. */
export async function localModules(entry: string): Promise<string[]> {
  const text = await runDeno(["info", "--json", entry]);
  const info = JSON.parse(text) as {
    modules: { local?: string }[];
  };
  return info.modules.flatMap((m) => (m.local ? [m.local] : []));
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await filesUnder(path));
    else if (entry.isFile) out.push(path);
  }
  return out;
}

/** The files the site is built from, sorted. */
export async function inputFiles(): Promise<string[]> {
  const builder = fileURLToPath(new URL("./build.ts", import.meta.url));
  const modules = await Promise.all(
    entryPoints.map((e) => localModules(`${projectRoot}/${e.file}`)),
  );
  const files = new Set<string>([
    ...modules.flat(),
    ...await localModules(builder),
    ...await filesUnder(guidesDir),
    ...await filesUnder(siteAssetsDir),
    abiPath,
    `${projectRoot}/deno.json`,
  ]);
  return [...files].sort();
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 over the Deno version and every input file's path and content. */
export async function inputFingerprint(): Promise<string> {
  const parts = [`deno ${Deno.version.deno}`];
  for (const file of await inputFiles()) {
    parts.push(`${file.slice(projectRoot.length)} ${await sha256(await Deno.readFile(file))}`);
  }
  return await sha256(new TextEncoder().encode(parts.join("\n")));
}
