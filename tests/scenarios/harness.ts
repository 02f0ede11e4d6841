/**
 * What a shared scenario gets from its runner. A scenario is written once,
 * runtime-neutral (no `Deno.*`, no `node:*` other than `node:assert`, which
 * both runtimes have), and registered by a thin runner per runtime: the Deno
 * runners in tests/ffi/ and tests/requester/ pass the repository's modules,
 * the Node runners in tests/node/ pass the installed package's entry points
 * (scripts/build_npm.ts transpiles the scenarios for them).
 *
 * @module
 */

import { assertEquals } from "../assert.ts";
import type * as Binding from "../../ffi/mod.ts";
import type * as SimulatorControl from "../../simulator/control.ts";

/** A test body; it may be asynchronous. */
export type TestBody = () => void | Promise<void>;

/** The runtime a scenario runs in, as its runner hands it over. */
export interface ScenarioRuntime {
  /** Registers a test: `Deno.test` or `node:test`'s `test`. */
  test(name: string, body: TestBody): unknown;
  /** The lane, as test names start with it: "Linux", "Wine", "Node". */
  lane: string;
  /** The low-level binding (`ffi/mod.ts`, or the package's `./binding` entry point). */
  binding: typeof Binding;
  /** The simulator control (`simulator/control.ts`, or the package's `./simulator`). */
  simulator: typeof SimulatorControl;
}

/** Asserts the simulator holds no object, BSTR or task memory and saw no bad free. */
export function assertNothingLeft(sim: SimulatorControl.Simulator): void {
  assertEquals(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  assertEquals(sim.unknownFrees(), 0);
}
