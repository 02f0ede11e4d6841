/**
 * Reading and copying a shadow copy through the files entry point, on the
 * simulator's directory volumes: a copy out of the snapshot matches the
 * tree, positioned reads issued at once each get their own bytes, ranges
 * and streams, the typed errors (a folder, a missing file, a closed file),
 * an incremental second copy. Under Deno the plain files go through
 * `Deno.FsFile`, under Node through node:fs/promises: this scenario runs on
 * both.
 *
 * @module
 */

import { assert, assertEquals, assertRejects } from "../assert.ts";
import { assertNothingLeft } from "./harness.ts";
import type { RequesterScenarioRuntime } from "./requester.ts";
import type * as Files from "../../requester/files/mod.ts";

/** The file system calls a runner lends the scenario (it may use neither `Deno` nor `node:fs`). */
export interface ScenarioHost {
  /** The path separator of the platform. */
  sep: string;
  /** A new empty folder. */
  makeTempDir(): Promise<string>;
  /** Creates a folder and its parents. */
  mkdir(path: string): Promise<void>;
  /** Writes a file. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Reads a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Removes a folder and what it holds, read-only files included. */
  removeTree(path: string): Promise<void>;
}

/** A scenario runtime with the files API (`requester/files/mod.ts`, or the package's `./files`). */
export interface FilesScenarioRuntime extends RequesterScenarioRuntime {
  /** The files API. */
  files: typeof Files;
  /** File system calls of the runner's runtime. */
  host: ScenarioHost;
}

/** Bytes that differ at every position (so a read from the wrong offset shows). */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return bytes;
}

/** Registers the files tests; they share one runtime and simulator. */
export function filesScenario(env: FilesScenarioRuntime): void {
  const { lane, host } = env;
  const { copyFromShadowCopy, openShadowFile, readShadowFile, streamShadowFile, ShadowFileError } =
    env.files;
  const { runtime, sim } = env.simulator.openSimulator();
  const { sep } = host;
  const snapshot = (volume: string) =>
    env.requester.createShadowCopySet([volume], { runtime, writers: false });

  /** A directory volume with a 2.5 MiB file (several chunks), an empty file and a subfolder. */
  async function fixture() {
    sim.reset();
    const work = await host.makeTempDir();
    const volume = `${work}${sep}volume`;
    await host.mkdir(`${volume}${sep}sub`);
    const files: Record<string, Uint8Array> = {
      "big.bin": pattern(5 * 2 ** 19 + 17, 1),
      "empty.bin": new Uint8Array(0),
      [`sub${sep}small.txt`]: new TextEncoder().encode("small file"),
    };
    for (const [name, bytes] of Object.entries(files)) {
      await host.writeFile(`${volume}${sep}${name}`, bytes);
    }
    return {
      work,
      volume,
      files,
      async [Symbol.asyncDispose]() {
        await host.removeTree(work);
      },
    };
  }

  function clean(): void {
    assertNothingLeft(sim);
    assertEquals(sim.snapshotCount(), 0, "no shadow copy left behind");
  }

  env.test(`${lane}: files: a copy out of the shadow copy matches the tree; the second is incremental`, async () => {
    await using f = await fixture();
    const dest = `${f.work}${sep}backup`;
    const options = { shadowCopy: { runtime, writers: false as const }, chunkSize: 1 << 20 };
    const first = await copyFromShadowCopy([f.volume], dest, options);
    assertEquals(first.totals.files, 3);
    assertEquals(
      first.totals.bytes,
      Object.values(f.files).reduce((n, b) => n + b.length, 0),
    );
    for (const [name, bytes] of Object.entries(f.files)) {
      assertEquals(await host.readFile(`${dest}${sep}volume${sep}${name}`), bytes, name);
    }
    const second = await copyFromShadowCopy([f.volume], dest, { ...options, incremental: true });
    assertEquals([second.totals.files, second.totals.unchanged], [0, 3]);
    clean();
  });

  env.test(`${lane}: files: positioned reads made at once each get their own bytes`, async () => {
    await using f = await fixture();
    const big = f.files["big.bin"];
    const set = await snapshot(f.volume);
    try {
      await using file = await openShadowFile(set.mapPath(`${f.volume}${sep}big.bin`));
      assertEquals(file.size, big.length);
      const positions = [2 ** 20 + 3, 0, big.length - 100, 77, 2 ** 21];
      const buffers = positions.map(() => new Uint8Array(4096));
      const counts = await Promise.all(positions.map((p, i) => file.read(buffers[i], p)));
      positions.forEach((p, i) => {
        const want = big.subarray(p, p + 4096);
        assertEquals(counts[i], want.length, `count at ${p}`);
        assertEquals(buffers[i].subarray(0, counts[i]), want, `bytes at ${p}`);
      });
      assertEquals(await file.read(new Uint8Array(10), big.length), 0, "0 at the end");
      const range = await readShadowFile(set.mapPath(`${f.volume}${sep}big.bin`), {
        offset: 1000,
        length: 3 * 2 ** 20,
      });
      assertEquals(range, big.subarray(1000, 1000 + 3 * 2 ** 20));
      let streamed = 0;
      const stream = streamShadowFile(set.mapPath(`${f.volume}${sep}big.bin`), {
        chunkSize: 300_000,
      });
      for await (const chunk of stream) {
        assertEquals(chunk, big.subarray(streamed, streamed + chunk.length));
        streamed += chunk.length;
      }
      assertEquals(streamed, big.length);
      await file.close();
      const closed = await assertRejects(() => file.read(new Uint8Array(1), 0), ShadowFileError);
      assertEquals(closed.code, "EBADF");
    } finally {
      await set.complete();
    }
    clean();
  });

  env.test(`${lane}: files: a folder and a missing file are typed errors`, async () => {
    await using f = await fixture();
    const set = await snapshot(f.volume);
    try {
      const folder = await assertRejects(
        () => openShadowFile(set.mapPath(`${f.volume}${sep}sub`)),
        ShadowFileError,
      );
      assertEquals(folder.code, "EISDIR");
      const missing = await assertRejects(
        () => openShadowFile(set.mapPath(`${f.volume}${sep}none.bin`)),
        ShadowFileError,
      );
      assert(missing.notFound, `notFound for ${missing.code}`);
    } finally {
      await set.complete();
    }
    clean();
  });
}
