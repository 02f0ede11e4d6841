/**
 * The package as a Node user meets it, installed from the tarball: loading
 * with `require`, a CommonJS TypeScript consumer that compiles and runs,
 * Node's permission model without `--allow-addons`, a missing koffi, the
 * load-time checks of the simulator, and the README's examples run
 * as written. Each case runs in a child Node process (the working directory
 * is the scratch project the build installed the package into).
 *
 * Set by scripts/build_npm.ts: `VSS_TSC` (the TypeScript compiler) and
 * `VSS_TYPE_ROOTS` (where `@types/node` is), for the TypeScript consumer.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const NAME = "@vss/requester";
const windows = process.platform === "win32";
const work = join(process.cwd(), "package-tests");
mkdirSync(work, { recursive: true });
const installed = join(process.cwd(), "node_modules", ...NAME.split("/"));

/** Runs `node [flags] file` (the file written from `code`) and returns its result. */
function node(file, code, { flags = [], env = {}, cwd = work } = {}) {
  const path = join(cwd, file);
  writeFileSync(path, code);
  const result = spawnSync(process.execPath, [...flags, path], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

/** Parses the last line of a child's stdout as JSON (what the scripts print). */
function lastJson(result) {
  assert.equal(result.status, 0, result.output);
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

test("require() loads every entry point, the errors and package.json", async () => {
  const result = node(
    "require.cjs",
    `const vss = require("${NAME}");
const binding = require("${NAME}/binding");
const simulator = require("${NAME}/simulator");
const pkg = require("${NAME}/package.json");
console.log(JSON.stringify({
  create: typeof vss.createShadowCopySet,
  unavailable: new vss.VssUnavailableError("x", "y") instanceof vss.VssLibraryError,
  runtime: typeof binding.VssRuntime,
  ctx: binding.VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
  sim: typeof simulator.openSimulator,
  version: pkg.version,
}));
`,
  );
  const out = lastJson(result);
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.deepEqual(out, {
    create: "function",
    unavailable: true,
    runtime: "function",
    ctx: (await import("@vss/requester/binding")).VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL,
    sim: "function",
    version: pkg.version,
  });
});

test("require() runs a backup on the simulator", () => {
  const result = node(
    "require_backup.cjs",
    `const { createShadowCopySet, listShadowCopies } = require("${NAME}");
const { openSimulator } = require("${NAME}/simulator");
(async () => {
  const { runtime, sim } = openSimulator();
  const set = await createShadowCopySet(["C:\\\\"], { backupType: "copy", writers: false, runtime });
  const during = (await listShadowCopies({ runtime })).length;
  await set.complete({ succeeded: true });
  console.log(JSON.stringify({ volumes: set.snapshots.length, during, after: sim.snapshotCount() }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  assert.deepEqual(lastJson(result), { volumes: 1, during: 1, after: 0 });
});

test("a CommonJS TypeScript project compiles against the .d.cts files and runs", {
  skip: windows ? "compiled and run on the Linux lane (the declarations are the same)" : false,
}, () => {
  const tsc = process.env.VSS_TSC;
  assert.ok(tsc, "VSS_TSC names the TypeScript compiler (set by scripts/build_npm.ts)");
  const dir = join(work, "cts-consumer");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "commonjs" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: false,
        outDir: "out",
        types: ["node"],
        typeRoots: [process.env.VSS_TYPE_ROOTS],
      },
      files: ["consumer.ts"],
    }),
  );
  writeFileSync(
    join(dir, "consumer.ts"),
    `import { createShadowCopySet, VssLibraryError, type ShadowCopy } from "${NAME}";
import { VSS_SNAPSHOT_CONTEXT } from "${NAME}/binding";
import { openSimulator, type Simulator } from "${NAME}/simulator";

async function main(): Promise<void> {
  const { runtime, sim }: { runtime: unknown; sim: Simulator } = openSimulator();
  const set = await createShadowCopySet(["C:\\\\"], {
    backupType: "copy",
    writers: false,
    runtime: runtime as never,
  });
  const copies: readonly ShadowCopy[] = set.snapshots;
  await set.complete({ succeeded: true });
  const isError: boolean = new VssLibraryError("x") instanceof Error;
  console.log(JSON.stringify({
    copies: copies.length,
    left: sim.snapshotCount(),
    ctx: VSS_SNAPSHOT_CONTEXT.VSS_CTX_BACKUP,
    isError,
    commonjs: typeof require === "function" && typeof module === "object",
  }));
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`,
  );
  const compiled = spawnSync(process.execPath, [tsc, "-p", dir], { cwd: dir, encoding: "utf8" });
  assert.equal(compiled.status, 0, `tsc:\n${compiled.stdout}${compiled.stderr}`);
  const emitted = readFileSync(join(dir, "out", "consumer.js"), "utf8");
  assert.match(emitted, /require\("@vss\/requester"\)/, "compiled to require()");
  const ran = spawnSync(process.execPath, [join(dir, "out", "consumer.js")], {
    cwd: dir,
    encoding: "utf8",
  });
  assert.deepEqual(lastJson({ ...ran, output: `${ran.stdout}${ran.stderr}` }), {
    copies: 1,
    left: 0,
    ctx: 0,
    isError: true,
    commonjs: true,
  });
});

/** Node's permission flag: `--permission` (Node 22.13+/23.5+), else the Node 20 name. */
const PERMISSION = process.allowedNodeEnvironmentFlags.has("--permission")
  ? "--permission"
  : "--experimental-permission";

for (const format of ["mjs", "cjs"]) {
  test(`${PERMISSION} without --allow-addons: importing works, the first call is VssUnavailableError (${format})`, () => {
    const load = format === "mjs"
      ? `import * as vss from "${NAME}";`
      : `const vss = require("${NAME}");`;
    const result = node(
      `permission.${format}`,
      `${load}
vss.listShadowCopies().then(
  () => console.log(JSON.stringify({ unavailable: false })),
  (error) => console.log(JSON.stringify({
    unavailable: error instanceof vss.VssUnavailableError,
    message: error.message,
    hint: error.hint,
  })),
);
`,
      { flags: [PERMISSION, "--allow-fs-read=*"] },
    );
    const out = lastJson(result);
    assert.equal(out.unavailable, true, result.output);
    assert.match(out.message, /needs FFI permission/);
    assert.match(out.hint, /--allow-addons/);
  });
}

test("a missing koffi is VssUnavailableError that names koffi, at the first call", () => {
  const dir = mkdtempSync(join(tmpdir(), "vss-no-koffi-"));
  try {
    cpSync(installed, join(dir, "node_modules", ...NAME.split("/")), { recursive: true });
    const result = node(
      "no_koffi.cjs",
      `const vss = require("${NAME}");
vss.listShadowCopies().then(
  () => console.log(JSON.stringify({ unavailable: false })),
  (error) => console.log(JSON.stringify({
    unavailable: error instanceof vss.VssUnavailableError,
    message: error.message,
    hint: error.hint,
  })),
);
`,
      { cwd: dir, env: { NODE_PATH: "" } },
    );
    const out = lastJson(result);
    assert.equal(out.unavailable, true, result.output);
    assert.match(out.message, /koffi/);
    assert.match(out.hint, /koffi/, "the hint says what to do about koffi");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the simulator's load-time checks: another CPU, an older glibc", async () => {
  const { explainLoadFailure } = await import(
    new URL(`file:///${join(installed, "ffi", "backend", "node.js").replace(/^\//, "")}`).href
  );
  const elf = join(work, "arm64.so");
  const header = new Uint8Array(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  header[18] = process.arch === "arm64" ? 0x3e : 0xb7; // another CPU than this one
  writeFileSync(elf, header);
  const cpu = explainLoadFailure(elf, new Error("wrong ELF class"));
  if (process.platform === "linux") {
    assert.ok(cpu, "a library for another CPU is explained");
    assert.match(cpu.message, new RegExp(`this process is ${process.arch}`));
    assert.match(cpu.hint, /VSS_LIBRARY_PATH/);
  } else {
    assert.equal(cpu, null, "ELF checks only on Linux");
  }
  const glibc = explainLoadFailure(
    "/x/libvss_sim.so",
    new Error("/lib/libc.so.6: version `GLIBC_2.99' not found (required by /x/libvss_sim.so)"),
  );
  assert.match(glibc.message, /needs glibc 2\.99 or later/);
  assert.match(glibc.hint, /glibc 2\.34/);
});

/** The README's code blocks: `js` ones run as ES modules, `cjs` ones as CommonJS. */
function readmeExamples() {
  const readme = readFileSync(join(installed, "README.md"), "utf8");
  return [...readme.matchAll(/```(js|cjs)\n([\s\S]*?)```/g)].map((m, i) => ({
    index: i + 1,
    format: m[1] === "cjs" ? "cjs" : "mjs",
    code: m[2],
  }));
}

test("the README has ESM and CommonJS examples", () => {
  const formats = readmeExamples().map((e) => e.format);
  assert.ok(formats.includes("mjs") && formats.includes("cjs"), formats.join(" "));
});

for (const example of readmeExamples()) {
  const simulated = example.code.includes("openSimulator");
  test(`README example ${example.index} (${example.format}) runs as written`, {
    skip: windows && !simulated
      ? "on Windows this example calls the system's VSS (the Windows lane has only the simulator)"
      : false,
  }, () => {
    // As a user runs it: no VSS_LIBRARY_PATH, so outside Windows the simulator package loads.
    const env = { VSS_LIBRARY_PATH: "", VSS_SIM_PATH: windows ? process.env.VSS_SIM_PATH : "" };
    const result = node(`readme_${example.index}.${example.format}`, example.code, { env });
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.stderr, /error|warning/i, "nothing on stderr");
  });
}
