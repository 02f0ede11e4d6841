import { readCorpus } from "./docs-src/corpus.ts";
import { crawlCorpus } from "./gen/pages/crawl.ts";
import { readHeaders } from "./gen/headers/mod.ts";
import { buildAbi } from "./gen/abi/build.ts";
import { parseExplanations } from "./gen/abi/disagreements.ts";
import { memoryProject } from "./gen/emit/source_file.ts";
import { emitWrappers } from "./gen/emit/wrappers.ts";
const { abi, log } = buildAbi(
  crawlCorpus(await readCorpus()),
  await readHeaders(),
  parseExplanations(Deno.readTextFileSync("gen/explained_disagreements.txt")),
);
console.log(
  log.unexplained().map((d) => `${d.id} ${JSON.stringify(d.pages)} ${JSON.stringify(d.headers)}`)
    .join("\n"),
);
const p = memoryProject();
emitWrappers(p, abi);
Deno.writeTextFileSync("/tmp/wrappers.ts", p.getSourceFile("wrappers.ts")!.getFullText());
