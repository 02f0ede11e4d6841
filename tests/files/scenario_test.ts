/**
 * The files scenario (tests/scenarios/files.ts) under Deno, on the
 * repository's modules. Runs on both lanes.
 */

import { filesScenario } from "../scenarios/files.ts";
import { removeTree } from "./cleanup.ts";
import * as binding from "../../ffi/mod.ts";
import * as files from "../../requester/files/mod.ts";
import * as requester from "../../requester/mod.ts";
import * as simulator from "../../simulator/control.ts";

filesScenario({
  test: Deno.test,
  lane: Deno.build.os === "windows" ? "Wine" : "Linux",
  binding,
  requester,
  simulator,
  files,
  host: {
    sep: Deno.build.os === "windows" ? "\\" : "/",
    makeTempDir: () => Deno.makeTempDir({ prefix: "vss-files-scenario-" }),
    mkdir: (path) => Deno.mkdir(path, { recursive: true }),
    writeFile: (path, bytes) => Deno.writeFile(path, bytes),
    readFile: (path) => Deno.readFile(path),
    removeTree,
  },
});
