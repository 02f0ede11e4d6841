/**
 * `deno task gen [--check]`: reads the reference pages and the SDK headers,
 * builds the ABI model, and writes `ffi/generated/`. With `--check` it writes
 * nothing and exits 1 when the committed output differs.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { readCorpus } from "../docs-src/corpus.ts";
import { crawlCorpus } from "./pages/crawl.ts";
import { readHeaders } from "./headers/mod.ts";
import { buildAbi } from "./abi/build.ts";
import { parseExplanations } from "./abi/disagreements.ts";
import { renderOutputs } from "./emit/mod.ts";

const root = new URL("../", import.meta.url);
const path = (p: string) => fileURLToPath(new URL(p, root));
const OUTPUT_DIRS = ["ffi/generated", "simulator/generated", "thunks/generated"];
const EXPLANATIONS = "gen/explained_disagreements.txt";

/** What one generator run produced. */
export interface GenerateResult {
  files: Map<string, string>;
  counts: Record<string, number | string>;
  problems: string[];
}

/** Runs the whole pipeline in memory. */
export async function generate(): Promise<GenerateResult> {
  const pages = crawlCorpus(await readCorpus());
  const headers = await readHeaders();
  const explanations = parseExplanations(await Deno.readTextFile(path(EXPLANATIONS)), EXPLANATIONS);
  const { abi, log } = buildAbi(pages, headers, explanations);
  const files = await renderOutputs(abi);
  const unexplained = log.unexplained();
  const stale = log.stale();
  const methods = Object.values(abi.interfaces).reduce((n, i) => n + i.methods.length, 0);
  const counts = {
    interfaces: Object.keys(abi.interfaces).length,
    methods,
    enums: Object.keys(abi.enums).length,
    structs: Object.keys(abi.structs).length,
    functions: Object.keys(abi.functions).length,
    hresults: Object.keys(abi.hresults).length,
    "pages read": pages.pagesRead.length,
    "not bound": abi.notBound.length,
    disagreements: `${abi.disagreements.length} (${
      abi.disagreements.length - unexplained.length
    } explained / ${unexplained.length} unexplained)`,
  };
  const problems = [
    ...unexplained.map((d) =>
      `unexplained disagreement ${d.id}: pages ${JSON.stringify(d.pages)} vs headers ${
        JSON.stringify(d.headers)
      } (rule applied: ${d.rule})`
    ),
    ...stale.map((id) => `${EXPLANATIONS} explains "${id}", which no longer occurs`),
  ];
  return { files, counts, problems };
}

async function readOrNull(p: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(p);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

if (import.meta.main) {
  const started = performance.now();
  const check = Deno.args.includes("--check");
  const { files, counts, problems } = await generate();
  for (const [k, v] of Object.entries(counts)) console.log(`${k.padEnd(14)} ${v}`);
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
    console.error(`Explain each reviewed disagreement in ${EXPLANATIONS} as "id :: reason".`);
    Deno.exit(1);
  }
  const stale: string[] = [];
  for (const [name, text] of files) {
    const target = path(name);
    if (await readOrNull(target) === text) continue;
    stale.push(name);
    if (!check) {
      await Deno.mkdir(path(name.slice(0, name.lastIndexOf("/") + 1)), { recursive: true });
      await Deno.writeTextFile(target, text);
    }
  }
  const present = OUTPUT_DIRS.flatMap((dir) => {
    try {
      return [...Deno.readDirSync(path(dir))].map((e) => `${dir}/${e.name}`);
    } catch {
      return [];
    }
  });
  const extra = present.filter((n) => !files.has(n));
  if (check) {
    if (stale.length > 0 || extra.length > 0) {
      const listed = [...stale, ...extra.map((e) => `${e} (not generated)`)].join(", ");
      console.error(`generated output is stale: ${listed}. Run \`deno task gen\`.`);
      Deno.exit(1);
    }
    console.log(`generated output is up to date (${files.size} files)`);
  } else {
    for (const e of extra) await Deno.remove(path(e));
    console.log(`wrote ${stale.length} of ${files.size} generated files`);
  }
  console.log(`done in ${Math.round(performance.now() - started)} ms`);
}
