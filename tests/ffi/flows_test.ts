/**
 * The flows scenario (tests/scenarios/flows.ts) under Deno, on the
 * repository's modules. Runs on both lanes.
 */

import { flows } from "../scenarios/flows.ts";
import * as binding from "../../ffi/mod.ts";
import * as simulator from "../../simulator/control.ts";

flows({
  test: Deno.test,
  lane: Deno.build.os === "windows" ? "Wine" : "Linux",
  binding,
  simulator,
});
