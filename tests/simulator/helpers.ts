/**
 * What the simulator's own tests share: the C helper process (the second and
 * third process of the state-directory tests), temporary volumes, and the
 * snapshot folders left in a snapshot root.
 */
import { dirname, join } from "node:path";
import { type Simulator, simulatorPath } from "../../simulator/control.ts";
import { VssError } from "../../ffi/errors.ts";

export const windows = Deno.build.os === "windows";
export const sep = windows ? "\\" : "/";

/** simulator/tests/persist_helper.c, built next to the library. */
export const helperPath = join(
  dirname(simulatorPath),
  windows ? "persist_helper.exe" : "persist_helper",
);

/** Runs the helper with the given state directory, snapshot root and extra environment. */
export async function helper(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(helperPath, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The snapshot folders (HarddiskVolumeShadowCopyN) in a snapshot root. */
export function snapshotFolders(root: string): string[] {
  try {
    return [...Deno.readDirSync(root)].map((e) => e.name).filter((n) =>
      n.startsWith("HarddiskVolumeShadowCopy")
    );
  } catch {
    return [];
  }
}

/** A fresh temporary tree: a volume folder with `files` small files, a snapshot root and a state directory. */
export function scratch(
  files = 20,
): { base: string; volume: string; snaps: string; state: string } {
  const base = Deno.makeTempDirSync({ prefix: "vss-sim-test-" });
  const volume = join(base, "vol"), snaps = join(base, "snaps"), state = join(base, "state");
  Deno.mkdirSync(join(volume, "sub"), { recursive: true });
  for (let i = 0; i < files; i++) {
    Deno.writeTextFileSync(join(volume, `f${i}.txt`), `file ${i}`);
    Deno.writeTextFileSync(join(volume, "sub", `g${i}.txt`), `sub ${i}`);
  }
  return { base, volume, snaps, state };
}

/**
 * Makes a tree writable again, folders before their contents (on Windows,
 * where Deno.chmod sets or clears the read-only attribute, a read-only folder
 * keeps its entries from being deleted under Wine).
 */
function makeWritable(path: string): void {
  const info = Deno.lstatSync(path);
  if (info.isSymlink) return;
  Deno.chmodSync(path, info.isDirectory ? 0o755 : 0o644);
  if (!info.isDirectory) return;
  for (const entry of Deno.readDirSync(path)) makeWritable(join(path, entry.name));
}

/** Removes a scratch tree, read-only snapshot folders included. */
export function cleanup(base: string): void {
  if (windows) makeWritable(base);
  else new Deno.Command("chmod", { args: ["-R", "u+w", base] }).outputSync();
  Deno.removeSync(base, { recursive: true });
}

/**
 * A scratch volume (see {@linkcode scratch}) whose shadow copies go to its
 * own snapshot root, on a reset simulator; disposing it puts the snapshot
 * root back, resets the simulator and removes the folder.
 */
export function isolatedScratch(
  sim: Simulator,
  files: number,
): ReturnType<typeof scratch> & Disposable {
  const t = scratch(files);
  Deno.env.set("VSS_SIM_SNAPSHOT_ROOT", t.snaps);
  sim.reset();
  return {
    ...t,
    [Symbol.dispose]() {
      Deno.env.delete("VSS_SIM_SNAPSHOT_ROOT");
      sim.reset();
      cleanup(t.base);
    },
  };
}

/** The HRESULT of the first VssError in an error's cause chain (the requester wraps them). */
export function hrOf(error: unknown): number | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof VssError) return e.code;
  }
  return undefined;
}
