/**
 * The every-method scenario (tests/scenarios/every_method.ts) under Deno, on
 * the repository's modules; the generated vtables must cover every method of
 * the ABI model. Runs on both lanes.
 */

import { everyMethod } from "../scenarios/every_method.ts";
import * as binding from "../../ffi/mod.ts";
import * as simulator from "../../simulator/control.ts";
import type { AbiModel } from "../../gen/model.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);
const methods = Object.values(abi.interfaces).reduce((n, i) => n + i.methods.length, 0);

everyMethod({
  test: Deno.test,
  lane: Deno.build.os === "windows" ? "Windows ABI (Wine)" : "Linux",
  binding,
  simulator,
}, methods);
