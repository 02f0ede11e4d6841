import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import {
  CorpusError,
  corpusPath,
  localCorpusDir,
  pinnedSources,
  syncCorpus,
} from "../../docs-src/corpus.ts";

const first = pinnedSources[0];
const someFile = first.files[0];

async function copyCorpus(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "vss-corpus-" });
  const from = localCorpusDir();
  for (const source of pinnedSources) {
    for (const file of source.files) {
      const relative = corpusPath(source, file);
      const target = `${dir}/${relative}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.copyFile(`${from}/${relative}`, target);
    }
  }
  return dir;
}

Deno.test("the manifest pins every page with commit and sha256, and no page text", () => {
  const total = pinnedSources.reduce((n, s) => n + s.files.length, 0);
  assertEquals(total, 406);
  for (const s of pinnedSources) {
    for (const f of s.files) {
      assertMatch(f.commit, /^[0-9a-f]{40}$/);
      assertMatch(f.sha256, /^[0-9a-f]{64}$/);
      assertEquals(Object.keys(f).sort(), ["commit", "path", "sha256"]);
    }
  }
});

Deno.test("an altered page is an error naming the file and the expected sha256", async () => {
  const from = await copyCorpus();
  const cache = await Deno.makeTempDir({ prefix: "vss-cache-" });
  try {
    await Deno.writeTextFile(`${from}/${corpusPath(first, someFile)}`, "changed\n", {
      append: true,
    });
    const error = await assertRejects(() => syncCorpus({ from, cache }), CorpusError);
    assertMatch(
      error.message,
      new RegExp(`${corpusPath(first, someFile)}: altered \\(expected sha256 ${someFile.sha256}`),
    );
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a missing page is an error naming the file and the expected sha256", async () => {
  const from = await copyCorpus();
  const cache = await Deno.makeTempDir({ prefix: "vss-cache-" });
  try {
    await Deno.remove(`${from}/${corpusPath(first, someFile)}`);
    const error = await assertRejects(() => syncCorpus({ from, cache }), CorpusError);
    assertMatch(
      error.message,
      new RegExp(
        `${corpusPath(first, someFile)}: missing \\(expected sha256 ${someFile.sha256}\\)`,
      ),
    );
    assertMatch(error.message, /docs:sync/);
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a complete copy fills the cache, and a second sync finds everything verified", async () => {
  const cache = await Deno.makeTempDir({ prefix: "vss-cache-" });
  try {
    const first = await syncCorpus({ cache });
    assertEquals(first, { alreadyCached: 0, copied: 406, downloaded: 0 });
    const second = await syncCorpus({ cache });
    assertEquals(second, { alreadyCached: 406, copied: 0, downloaded: 0 });
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
