/**
 * Walking a tree: links reported with their targets and never followed,
 * non-ASCII names, paths longer than 260 characters, sizes, times,
 * attributes or modes, streams (listed on Windows, null elsewhere), pruning.
 */

import { assert, assertEquals } from "../assert.ts";
import {
  ExcludeGlob,
  listStreams,
  type ShadowEntry,
  statShadowPath,
  walkShadowTree,
  WriterExclusion,
} from "../../requester/files/mod.ts";

const windows = Deno.build.os === "windows";
const sep = windows ? "\\" : "/";

/** Whether this system made a real symbolic link (Wine may accept the call and make none). */
function madeLink(path: string): boolean {
  try {
    return Deno.lstatSync(path).isSymlink;
  } catch {
    return false;
  }
}

async function tree() {
  const root = await Deno.makeTempDir({ prefix: "vss-files-walk-" });
  const j = (...parts: string[]) => [root, ...parts].join(sep);
  await Deno.mkdir(j("données", "日本語"), { recursive: true });
  await Deno.writeTextFile(j("données", "日本語", "ファイル ü.txt"), "unicode");
  await Deno.writeFile(j("size.bin"), new Uint8Array(12_345));
  await Deno.utime(
    j("size.bin"),
    new Date("2020-01-02T03:04:05.000Z"),
    new Date("2021-06-07T08:09:10.000Z"),
  );
  let long = root;
  for (let i = 0; i < 6; i++) long += `${sep}${"deep-folder-".repeat(4)}${i}`;
  await Deno.mkdir(long, { recursive: true });
  await Deno.writeTextFile(`${long}${sep}leaf.txt`, "leaf");
  await Deno.mkdir(j("outside"));
  await Deno.writeTextFile(j("outside", "secret.txt"), "not to be followed");
  try {
    Deno.symlinkSync(j("outside"), j("dirlink"), { type: "dir" });
    Deno.symlinkSync("size.bin", j("filelink"), { type: "file" });
  } catch { /* checked with madeLink */ }
  return { root, j, long: `${long}${sep}leaf.txt` };
}

async function walk(root: string, filter?: (e: ShadowEntry) => boolean) {
  const out = new Map<string, ShadowEntry>();
  for await (const e of walkShadowTree(root, { streams: true, filter })) out.set(e.relativePath, e);
  return out;
}

Deno.test("walk: names, long paths, sizes, times; links reported, not followed", async () => {
  const { root, j, long } = await tree();
  try {
    const entries = await walk(root);
    const uni = entries.get(["données", "日本語", "ファイル ü.txt"].join(sep));
    assertEquals(uni?.kind, "file");
    assertEquals(uni?.size, 7);
    const size = entries.get("size.bin")!;
    assertEquals(size.size, 12_345);
    assertEquals(size.mtime?.toISOString(), "2021-06-07T08:09:10.000Z");
    assertEquals(size.atime?.toISOString(), "2020-01-02T03:04:05.000Z");
    if (windows) {
      assert(size.attributes !== null && (size.attributes & 0x10) === 0, "attributes say file");
      assert(size.birthtime !== null, "Windows records creation time");
      assertEquals(size.streams, await listStreams(size.path));
    } else {
      assert(size.mode !== null && (size.mode & 0o170000) === 0o100000, "mode says regular file");
      assertEquals(size.streams, null, "no data streams outside Windows");
    }
    assert(long.length > 300, `the path is ${long.length} characters`);
    const leaf = [...entries.values()].find((e) => e.name === "leaf.txt");
    assertEquals(leaf?.path, long);
    assertEquals(leaf?.size, 4);
    if (madeLink(j("dirlink"))) {
      const link = entries.get("dirlink")!;
      assert(link.kind === "symlink" || link.kind === "junction", link.kind);
      assertEquals(link.linkTarget, j("outside"));
      assert(!entries.has(["dirlink", "secret.txt"].join(sep)), "the link is not followed");
      assertEquals(entries.get("filelink")?.linkTarget, "size.bin");
      assertEquals((await statShadowPath(j("filelink"))).kind, "symlink");
    } else {
      console.log("this system made no symbolic link (Wine): link checks skipped");
    }
    const root0 = await statShadowPath(root);
    assertEquals([root0.kind, root0.relativePath], ["directory", ""]);
    const pruned = await walk(root, (e) => e.name !== "données");
    assert(![...pruned.keys()].some((k) => k.startsWith("données")), "a filtered folder is pruned");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("exclude globs and writer file specifications", () => {
  const m = (p: string, path: string, dir = false) => new ExcludeGlob(p, false).matches(path, dir);
  assert(m("*.tmp", "a/b/c.tmp"));
  assert(!m("*.tmp", "a/b/c.tmpx"));
  assert(m("cache/", "x/cache", true));
  assert(!m("cache/", "x/cache", false), "a trailing / matches folders only");
  assert(m("logs/**/*.old", "logs/2024/01/a.old"));
  assert(m("logs/**/*.old", "logs/a.old"));
  assert(!m("logs/**/*.old", "x/logs/a.old"), "a pattern with / is anchored");
  assert(m("/top.txt", "top.txt"));
  assert(!m("/top.txt", "sub/top.txt"));
  assert(m("file?.[ab]", "dir/file1.a"));
  assert(!m("file?.[!ab]", "dir/file1.a"));
  const spec = (path: string, filespec: string, recursive: boolean) =>
    new WriterExclusion(
      { path, filespec, recursive, alternateLocation: null, backupTypeMask: 0 },
      "W",
    );
  const s = windows ? "\\" : "/";
  const base = windows ? "C:\\app" : "/app";
  assert(spec(`${base}${s}`, "*.log", false).matches(`${base}${s}x.log`));
  assert(!spec(`${base}${s}`, "*.log", false).matches(`${base}${s}sub${s}x.log`));
  assert(spec(`${base}${s}`, "*.log", true).matches(`${base}${s}sub${s}x.log`));
  assert(spec(base, "*.*", false).matches(`${base}${s}noext`), "*.* matches names without a dot");
  assert(
    !spec(base, "*", true).matches(`${base}x${s}y`),
    "a sibling folder with the same prefix is not inside",
  );
});
