/**
 * The VSS simulator: where its library is, its control API (volumes, writers,
 * failure injection, timing, call log, leak counters) and a runtime loaded on
 * it, so a backup tool can be developed and tested without Windows.
 *
 * @example Configure a writer, then back up against the simulator
 * ```ts ignore
 * import { Simulator } from "@vss/requester/simulator";
 *
 * const sim = new Simulator();
 * const writer = sim.addWriter({ name: "My Writer" });
 * sim.addComponent(writer, { name: "data" });
 * ```
 *
 * @module
 */

export * from "./control.ts";
