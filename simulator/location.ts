/**
 * Where this copy of the library finds the VSS simulator: in a checkout, the
 * build under `build/simulator/` for this platform. The npm package compiles
 * `simulator/location_npm.ts` in this module's place (same exports), which
 * looks in the platform package instead.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { os } from "../ffi/platform.ts";

/**
 * The simulator library of this copy of the library: the `.so` under
 * `build/simulator/linux/`, or `vss_sim.dll` on Windows (it may not be built
 * yet; loading it then fails with a hint).
 *
 * @example
 * ```ts
 * import { locateSimulator } from "./location.ts";
 *
 * console.log(locateSimulator()); // .../build/simulator/linux/libvss_sim.so
 * ```
 */
export function locateSimulator(): string {
  return fileURLToPath(
    new URL(
      os === "windows"
        ? "../build/simulator/windows/vss_sim.dll"
        : "../build/simulator/linux/libvss_sim.so",
      import.meta.url,
    ),
  );
}

/**
 * {@linkcode locateSimulator}, or `undefined` where this copy has no
 * simulator (never in a checkout).
 *
 * @example
 * ```ts
 * import { findSimulator } from "./location.ts";
 *
 * console.log(findSimulator() ?? "no simulator");
 * ```
 */
export function findSimulator(): string | undefined {
  return locateSimulator();
}
