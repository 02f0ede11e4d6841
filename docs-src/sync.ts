/**
 * `deno task docs:sync [--download] [--from DIR]`: fills the verified corpus
 * cache. See {@link ./corpus.ts}.
 *
 * @module
 */

import { cacheRoot, CorpusError, syncCorpus } from "./corpus.ts";

if (import.meta.main) {
  const args = [...Deno.args];
  const download = args.includes("--download");
  const fromIndex = args.indexOf("--from");
  const from = fromIndex >= 0 ? args[fromIndex + 1] : undefined;
  try {
    const report = await syncCorpus({ download, from });
    console.log(
      `corpus cache ${cacheRoot}: ${report.alreadyCached} already verified, ` +
        `${report.copied} copied, ${report.downloaded} downloaded`,
    );
  } catch (error) {
    if (!(error instanceof CorpusError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
}
