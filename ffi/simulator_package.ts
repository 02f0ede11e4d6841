/**
 * The npm platform package that carries the Linux x64 (glibc) simulator:
 * named here once, for the package build, the code that finds the simulator
 * in it and the hints that send users to it.
 *
 * @module
 */

/**
 * The platform package's name.
 *
 * @example
 * ```ts
 * import { SIMULATOR_PACKAGE } from "./simulator_package.ts";
 * console.log(`npm install ${SIMULATOR_PACKAGE}`);
 * ```
 */
export const SIMULATOR_PACKAGE = "@vss/requester-simulator-linux-x64-gnu";

/**
 * The simulator library in {@linkcode SIMULATOR_PACKAGE}.
 *
 * @example
 * ```ts
 * import { SIMULATOR_FILE, SIMULATOR_PACKAGE } from "./simulator_package.ts";
 * console.log(`${SIMULATOR_PACKAGE}/${SIMULATOR_FILE}`);
 * ```
 */
export const SIMULATOR_FILE = "libvss_sim.so";
