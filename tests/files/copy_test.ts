/**
 * The copy engine end to end on the simulator's directory volumes: the copy
 * matches the snapshot moment byte for byte while a writer keeps changing
 * the files, times are kept, --incremental skips what is up to date,
 * exclude globs and the writers' excluded files are left out, and an abort
 * releases the shadow copies and every handle.
 */

import { removeTree } from "./cleanup.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { openSimulator } from "../support/simulator.ts";
import { OperationAbortedError } from "../../mod.ts";
import { copyFromShadowCopy, type CopyOptions } from "../../requester/files/mod.ts";

const windows = Deno.build.os === "windows";
const sep = windows ? "\\" : "/";
const { runtime, sim } = openSimulator();

const base: CopyOptions = { shadowCopy: { runtime }, progressIntervalMs: 0 };

async function* files(dir: string, rel = ""): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const r = rel === "" ? e.name : `${rel}${sep}${e.name}`;
    if (e.isDirectory) yield* files(`${dir}${sep}${e.name}`, r);
    else yield r;
  }
}

async function contents(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const rel of files(dir)) out.set(rel, await Deno.readTextFile(`${dir}${sep}${rel}`));
  return out;
}

async function fixture(count = 40) {
  sim.reset();
  const work = await Deno.makeTempDir({ prefix: "vss-files-copy-" });
  const volume = `${work}${sep}volume`;
  const dest = `${work}${sep}backup`;
  await Deno.mkdir(`${volume}${sep}sub${sep}cache`, { recursive: true });
  for (let i = 0; i < count; i++) {
    await Deno.writeTextFile(
      `${volume}${sep}sub${sep}f${i}.txt`,
      `file ${i} version 1\n`.repeat(i + 1),
    );
  }
  await Deno.writeTextFile(`${volume}${sep}sub${sep}cache${sep}a.tmp`, "temporary");
  await Deno.writeTextFile(`${volume}${sep}sub${sep}cache${sep}keep.dat`, "kept");
  await Deno.writeTextFile(`${volume}${sep}notes ü.log`, "log");
  return {
    volume,
    dest,
    copied: `${dest}${sep}volume`,
    async [Symbol.asyncDispose]() {
      await removeTree(work);
    },
  };
}

function nothingLeft(): void {
  assertEquals(sim.snapshotCount(), 0, "the shadow copies were released");
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  const left = [...Deno.readDirSync(sim.snapshotRoot())].filter((e) =>
    e.name.startsWith("HarddiskVolumeShadowCopy")
  );
  assertEquals(left.map((e) => e.name), [], "no snapshot folder left");
}

Deno.test("point in time: a writer rewrites every file during the copy; the copy matches the snapshot", async () => {
  await using f = await fixture(60);
  const before = await contents(f.volume);
  const mtime = (await Deno.stat(`${f.volume}${sep}sub${sep}f3.txt`)).mtime;
  let writes = 0;
  let writer: Promise<void> | null = null;
  const summary = await copyFromShadowCopy([f.volume], f.dest, {
    ...base,
    concurrency: 2,
    chunkSize: 64,
    onProgress: () => {
      writer ??= (async () => {
        for (const rel of before.keys()) {
          await Deno.writeTextFile(`${f.volume}${sep}${rel}`, "changed after the snapshot");
          writes++;
        }
      })();
    },
  });
  const duringCopy = writes;
  await writer;
  assert(duringCopy > 0, "some files changed before the copy finished");
  assertEquals(writes, before.size, "the writer changed every file while the copy ran");
  assertEquals(await contents(f.copied), before, "byte for byte as at the snapshot");
  assertEquals(summary.totals.files, before.size);
  assertEquals(summary.sources[0].volume.replace(/[\\/]$/, ""), f.volume);
  const copiedTime = (await Deno.stat(`${f.copied}${sep}sub${sep}f3.txt`)).mtime;
  assertEquals(copiedTime?.getTime(), mtime?.getTime(), "modification time kept");
  nothingLeft();
});

Deno.test("--incremental skips files whose size and mtime match; --exclude and writer exclusions", async () => {
  await using f = await fixture(10);
  const w = sim.addWriter({ name: "Cache Writer" });
  sim.addExcludeFile(w, `${f.volume}${sep}sub${sep}`, "*.tmp", true);
  const first = await copyFromShadowCopy([f.volume], f.dest, { ...base, exclude: ["*.log"] });
  assertEquals(first.totals.writerExcluded, 1);
  assertEquals(first.totals.excluded, 1);
  assertEquals(first.writers, 1);
  const copied = [...(await contents(f.copied)).keys()].sort();
  assert(!copied.some((p) => p.endsWith(".tmp")), "the writer's excluded file is left out");
  assert(!copied.some((p) => p.endsWith(".log")), "--exclude leaves *.log out");
  assert(copied.includes(["sub", "cache", "keep.dat"].join(sep)));
  assertEquals(first.totals.files, 11);
  await new Promise((r) => setTimeout(r, 20));
  await Deno.writeTextFile(`${f.volume}${sep}sub${sep}f2.txt`, "a new version of f2\n");
  const second = await copyFromShadowCopy([f.volume], f.dest, {
    ...base,
    incremental: true,
    exclude: ["*.log"],
  });
  assertEquals([second.totals.files, second.totals.unchanged], [1, 10]);
  assertEquals(
    await Deno.readTextFile(`${f.copied}${sep}sub${sep}f2.txt`),
    "a new version of f2\n",
  );
  const all = await copyFromShadowCopy([f.volume], f.dest, {
    ...base,
    incremental: true,
    honourWriterExclusions: false,
  });
  assertEquals([all.totals.files, all.totals.unchanged], [2, 11], "the .tmp and .log files now");
  nothingLeft();
});

Deno.test("abort during the copy: OperationAbortedError, shadow copies released, no handle left", async () => {
  await using f = await fixture(30);
  const controller = new AbortController();
  let reports = 0;
  await assertRejects(
    () =>
      copyFromShadowCopy([f.volume], f.dest, {
        ...base,
        chunkSize: 16,
        signal: controller.signal,
        onProgress: () => {
          if (++reports === 3) controller.abort();
        },
      }),
    OperationAbortedError,
  );
  nothingLeft();
  if (!windows) {
    const fds = [...Deno.readDirSync("/proc/self/fd")].map((e) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${e.name}`);
      } catch {
        return "";
      }
    });
    assert(
      !fds.some((p) => p.includes("HarddiskVolumeShadowCopy")),
      "no file of the snapshot open",
    );
  }
  const aborted = new AbortController();
  aborted.abort();
  await assertRejects(
    () => copyFromShadowCopy([f.volume], f.dest, { ...base, signal: aborted.signal }),
    OperationAbortedError,
  );
  nothingLeft();
});

Deno.test("a single file, two sources, and a name clash", async () => {
  await using f = await fixture(3);
  const other = `${f.volume}${sep}..${sep}other`;
  await Deno.mkdir(other);
  await Deno.writeTextFile(`${other}${sep}x.txt`, "x");
  const summary = await copyFromShadowCopy(
    [`${f.volume}${sep}notes ü.log`, other],
    f.dest,
    base,
  );
  assertEquals(summary.sources.map((s) => s.kind), ["file", "directory"]);
  assertEquals(await Deno.readTextFile(`${f.dest}${sep}notes ü.log`), "log");
  assertEquals(await Deno.readTextFile(`${f.dest}${sep}other${sep}x.txt`), "x");
  await assertRejects(
    () =>
      copyFromShadowCopy(
        [`${f.volume}${sep}sub`, `${other}${sep}..${sep}volume${sep}sub`],
        f.dest,
        base,
      ),
    RangeError,
  );
  nothingLeft();
});

Deno.test({
  name: windows
    ? "a source that is a link whose target is gone is copied as the link (skipped: POSIX links)"
    : "a source that is a link whose target is gone is copied as the link",
  ignore: windows,
  fn: async () => {
    await using f = await fixture(1);
    const link = `${f.volume}${sep}dangling`;
    await Deno.symlink(`${f.volume}${sep}gone.txt`, link);
    // The destination folder does not exist yet: the copy makes it, as for a file source.
    const summary = await copyFromShadowCopy([link], f.dest, base);
    assertEquals(summary.sources.map((s) => s.kind), ["symlink"]);
    assertEquals(await Deno.readLink(`${f.dest}${sep}dangling`), `${f.volume}${sep}gone.txt`);
    nothingLeft();
  },
});

Deno.test("a file source alone goes into a destination folder the copy makes", async () => {
  await using f = await fixture(1);
  const dest = `${f.dest}${sep}new${sep}folder`;
  const summary = await copyFromShadowCopy([`${f.volume}${sep}notes ü.log`], dest, base);
  assertEquals(summary.totals.files, 1);
  assertEquals(await Deno.readTextFile(`${dest}${sep}notes ü.log`), "log");
  nothingLeft();
});
