/**
 * The files scenario (tests/scenarios/files.ts) under Node, on the installed
 * package: reading and copying a shadow copy through `./files`, with
 * node:fs/promises doing the plain file I/O. scripts/build_npm.ts
 * transpiles the scenarios next to this file's folder.
 */

import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { test } from "node:test";
import * as requester from "@vss/requester";
import * as binding from "@vss/requester/binding";
import * as files from "@vss/requester/files";
import * as simulator from "@vss/requester/simulator";
import { filesScenario } from "../scenarios/files.js";

/** Gives the owner write access back everywhere below `dir` (a copy keeps read-only files). */
async function writable(dir) {
  await chmod(dir, 0o700);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await writable(path);
    else if (e.isFile()) await chmod(path, 0o600);
  }
}

filesScenario({
  test,
  lane: "Node",
  binding,
  requester,
  simulator,
  files,
  host: {
    sep,
    makeTempDir: () => mkdtemp(join(tmpdir(), "vss-files-scenario-")),
    mkdir: (path) => mkdir(path, { recursive: true }).then(() => {}),
    writeFile: (path, bytes) => writeFile(path, bytes),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    removeTree: async (path) => {
      await writable(path);
      await rm(path, { recursive: true, force: true });
    },
  },
});
