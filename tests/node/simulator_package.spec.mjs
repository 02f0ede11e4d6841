/**
 * The simulator's platform package, `@vss/requester-simulator-linux-x64-gnu`,
 * as npm installs it next to `@vss/requester`: its package.json fields, a
 * main package without native libraries, the library loading the simulator
 * from it (`import` and `require`), the typed error with a hint when it is
 * missing or of another version, and an offline install of the two
 * tarballs together. Each library case runs in a child Node process.
 *
 * Set by scripts/build_npm.ts on the Linux lane: `VSS_NPM_MAIN_TARBALL` and
 * `VSS_NPM_SIMULATOR_TARBALL`, the tarballs it built.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const NAME = "@vss/requester";
const SIMULATOR_PACKAGE = "@vss/requester-simulator-linux-x64-gnu";
const modules = join(process.cwd(), "node_modules");
const installed = join(modules, ...NAME.split("/"));
const simulatorDir = join(modules, ...SIMULATOR_PACKAGE.split("/"));
const main = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
/** Where npm installs the platform package: Linux x64 with glibc. */
const glibc = process.platform === "linux" &&
  Boolean(process.report.getReport().header.glibcVersionRuntime);
const platformPackage = glibc && process.arch === "x64";
const noPlatformPackage = platformPackage ? false : "npm installs the simulator package on " +
  `Linux x64 with glibc only (this is ${process.platform}-${process.arch})`;

/** Runs `code` as `file` in `cwd` with Node, without the simulator variables, and parses its last line. */
function run(cwd, file, code) {
  writeFileSync(join(cwd, file), code);
  const env = { ...process.env };
  delete env.VSS_LIBRARY_PATH;
  delete env.VSS_SIM_PATH;
  const result = spawnSync(process.execPath, [join(cwd, file)], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, output);
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** Every file under `dir`, relative to it. */
function files(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
  );
}

test("the main package: the simulator package as an exact optional dependency, no libc", () => {
  assert.deepEqual(main.optionalDependencies, { [SIMULATOR_PACKAGE]: main.version });
  assert.deepEqual(main.os, ["win32", "linux"]);
  assert.deepEqual(main.cpu, ["x64", "arm64"]);
  assert.equal(main.libc, undefined, "npm would refuse a package with libc on Windows");
  const native = files(installed).filter((f) => /\.(so|dll|node)$/.test(f));
  assert.deepEqual(native, [], "the main package carries no native library");
});

test("the platform package's package.json", { skip: noPlatformPackage }, () => {
  const pkg = JSON.parse(readFileSync(join(simulatorDir, "package.json"), "utf8"));
  assert.equal(pkg.name, SIMULATOR_PACKAGE);
  assert.equal(pkg.version, main.version, "the same version as the main package");
  assert.deepEqual(pkg.os, ["linux"]);
  assert.deepEqual(pkg.cpu, ["x64"]);
  assert.deepEqual(pkg.libc, ["glibc"]);
  assert.equal(pkg.license, main.license);
  assert.deepEqual(pkg.files, ["libvss_sim.so"]);
  assert.deepEqual(files(simulatorDir).sort(), [
    "LICENSE",
    "README.md",
    "libvss_sim.so",
    "package.json",
  ]);
  // An ELF shared object for x86-64.
  const header = readFileSync(join(simulatorDir, "libvss_sim.so")).subarray(0, 20);
  assert.deepEqual([...header.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  assert.equal(header[18] | (header[19] << 8), 0x3e);
});

for (const format of ["mjs", "cjs"]) {
  test(`the library loads the simulator from the platform package (${format})`, {
    skip: noPlatformPackage,
  }, () => {
    const load = format === "mjs"
      ? `import { openVss } from "${NAME}";\nimport { openSimulator, simulatorPath } from "${NAME}/simulator";`
      : `const { openVss } = require("${NAME}");\nconst { openSimulator, simulatorPath } = require("${NAME}/simulator");`;
    const out = run(
      process.cwd(),
      `simulator_package.${format}`,
      `${load}
const { runtime, sim } = openSimulator();
console.log(JSON.stringify({
  vss: runtime.libs.paths.vss,
  same: openVss() !== null,
  control: simulatorPath,
  snapshots: sim.snapshotCount(),
}));
`,
    );
    const expected = realpathSync(join(simulatorDir, "libvss_sim.so"));
    assert.equal(realpathSync(out.vss), expected);
    assert.equal(realpathSync(out.control), expected);
    assert.equal(out.snapshots, 0);
  });
}

/**
 * A project with the main package (and koffi) but without the platform
 * package, as after `--omit=optional` or on another platform; `simulator`
 * is a stand-in platform package to put there instead (its package.json).
 */
function projectWithout(simulator) {
  const dir = mkdtempSync(join(tmpdir(), "vss-no-simulator-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
  cpSync(installed, join(dir, "node_modules", ...NAME.split("/")), { recursive: true });
  if (simulator) {
    const target = join(dir, "node_modules", ...SIMULATOR_PACKAGE.split("/"));
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, "package.json"), JSON.stringify(simulator));
  }
  return dir;
}

/** Each way of asking for the simulator, and what it threw. */
const ASK = `
const ask = async (what, f) => {
  try {
    await f();
    return { what, threw: false };
  } catch (error) {
    return {
      what,
      typed: error instanceof VssUnavailableError,
      message: error.message,
      hint: error.hint,
    };
  }
};
const simulator = process.platform === "win32" ? { simulator: true } : {};
Promise.all([
  ask("openVss", () => openVss(simulator)),
  // Outside Windows the default runtime is the simulator.
  ...process.platform === "win32"
    ? []
    : [ask("createShadowCopySet", () => createShadowCopySet(["C:\\\\"], { writers: false }))],
  ask("new Simulator", () => new Simulator()),
  ask("openSimulator", () => openSimulator()),
]).then((results) => console.log(JSON.stringify({ results, path: simulatorPath })));
`;

for (const format of ["mjs", "cjs"]) {
  test(`without the platform package, asking for the simulator is VssUnavailableError naming it (${format})`, () => {
    const dir = projectWithout(null);
    try {
      const load = format === "mjs"
        ? `import { createShadowCopySet, openVss, VssUnavailableError } from "${NAME}";
import { openSimulator, Simulator, simulatorPath } from "${NAME}/simulator";
import process from "node:process";`
        : `const { createShadowCopySet, openVss, VssUnavailableError } = require("${NAME}");
const { openSimulator, Simulator, simulatorPath } = require("${NAME}/simulator");`;
      const out = run(dir, `missing.${format}`, `${load}\n${ASK}`);
      assert.equal(out.path, "", "simulatorPath is empty when there is no simulator");
      for (const result of out.results) {
        assert.equal(result.typed, true, JSON.stringify(result));
        assert.match(result.message, /the simulator is not installed/, result.what);
        assert.ok(result.message.includes(SIMULATOR_PACKAGE), result.what);
        assert.ok(result.hint.includes(SIMULATOR_PACKAGE), result.what);
        if (platformPackage) {
          assert.match(result.hint, /--omit=optional/, "says why it may be missing");
          assert.ok(result.hint.includes(`npm install ${SIMULATOR_PACKAGE}@${main.version}`));
        } else {
          assert.match(result.hint, /Linux x64 with glibc only/, "says why it is missing");
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("a platform package of another version is VssUnavailableError naming both versions", () => {
  const dir = projectWithout({ name: SIMULATOR_PACKAGE, version: "0.0.0-other" });
  try {
    const out = run(
      dir,
      "other_version.mjs",
      `import { createShadowCopySet, openVss, VssUnavailableError } from "${NAME}";
import { openSimulator, Simulator, simulatorPath } from "${NAME}/simulator";
import process from "node:process";
${ASK}`,
    );
    for (const result of out.results) {
      assert.equal(result.typed, true, JSON.stringify(result));
      assert.ok(result.message.includes("0.0.0-other"), result.message);
      assert.ok(result.message.includes(main.version), result.message);
      assert.ok(result.hint.includes(`${SIMULATOR_PACKAGE}@${main.version}`), result.hint);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const tarballs = [process.env.VSS_NPM_MAIN_TARBALL, process.env.VSS_NPM_SIMULATOR_TARBALL];

test("the two tarballs install offline, the platform package first: npm asks no registry for it", {
  skip: tarballs.every(Boolean) && platformPackage
    ? false
    : "runs on the Linux x64 lane, which passes the tarballs (VSS_NPM_*_TARBALL)",
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "vss-offline-install-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
    // --offline: npm takes everything from the tarballs and its cache and never uses the
    // network (koffi is in the cache from the install that runs these tests). The platform
    // package goes first, so the main package's optional dependency on it is already met.
    let log = "";
    for (const tarball of [tarballs[1], tarballs[0]]) {
      const npm = spawnSync("npm", [
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=silly",
        tarball,
      ], { cwd: dir, encoding: "utf8", timeout: 300_000 });
      log += `${npm.stdout}${npm.stderr}`;
      assert.equal(npm.status, 0, log);
    }
    // The registry form of the name (`@vss%2f...`) or a registry manifest (`...@<version>`).
    const escaped = SIMULATOR_PACKAGE.replace("/", "%2f");
    assert.ok(!log.includes(escaped), "no registry request for the platform package");
    assert.ok(
      !log.includes(`fetch manifest ${SIMULATOR_PACKAGE}@${main.version}`),
      "npm did not look the optional dependency up",
    );
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
    const entry = lock.packages[`node_modules/${SIMULATOR_PACKAGE}`];
    assert.ok(entry, "the platform package is installed");
    assert.match(entry.resolved, /^file:.*vss-requester-simulator-linux-x64-gnu-[^/]+\.tgz$/);
    assert.equal(entry.version, main.version);
    const out = run(
      dir,
      "offline.cjs",
      `const { openSimulator } = require("${NAME}/simulator");
const { runtime } = openSimulator();
console.log(JSON.stringify({ vss: runtime.libs.paths.vss }));
`,
    );
    assert.equal(
      realpathSync(out.vss),
      realpathSync(join(dir, "node_modules", ...SIMULATOR_PACKAGE.split("/"), "libvss_sim.so")),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npm installs the platform package only on Linux x64 with glibc (os, cpu, libc)", {
  skip: tarballs.every(Boolean) ? false : "runs on the Linux lane, which passes the tarballs",
}, () => {
  // As an optional dependency, the way the main package names it; npm's --os, --cpu and
  // --libc stand for other machines.
  const cases = [
    { args: [], installed: true },
    { args: ["--cpu=arm64"], installed: false },
    { args: ["--libc=musl"], installed: false },
    { args: ["--os=win32", "--cpu=x64"], installed: false },
    { args: ["--os=darwin", "--cpu=arm64"], installed: false },
  ];
  for (const { args, installed } of cases) {
    const dir = mkdtempSync(join(tmpdir(), "vss-platform-"));
    try {
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({
          private: true,
          optionalDependencies: { [SIMULATOR_PACKAGE]: `file:${tarballs[1]}` },
        }),
      );
      const npm = spawnSync(
        "npm",
        ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", ...args],
        { cwd: dir, encoding: "utf8", timeout: 120_000 },
      );
      assert.equal(npm.status, 0, `${npm.stdout}${npm.stderr}`);
      const present = existsSync(join(dir, "node_modules", ...SIMULATOR_PACKAGE.split("/")));
      assert.equal(present, installed, `npm install ${args.join(" ")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
