/**
 * The requester scenario (tests/scenarios/requester.ts) under Deno, on the
 * repository's modules. Runs on both lanes.
 */

import { requesterScenario } from "../scenarios/requester.ts";
import * as binding from "../../ffi/mod.ts";
import * as requester from "../../requester/mod.ts";
import * as simulator from "../../simulator/control.ts";

requesterScenario({
  test: Deno.test,
  lane: Deno.build.os === "windows" ? "Wine" : "Linux",
  binding,
  requester,
  simulator,
});
