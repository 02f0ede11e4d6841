/**
 * The npm package's {@linkcode locateSimulator} and {@linkcode findSimulator}:
 * scripts/build_npm.ts compiles this module in place of
 * `simulator/location.ts` (same exports). The simulator comes from the
 * platform package {@linkcode SIMULATOR_PACKAGE}, an optional dependency of
 * the main package at the same version, which npm installs only on Linux x64
 * with glibc (its package.json declares `os`, `cpu` and `libc`).
 *
 * @module
 */

import process from "node:process";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { VssUnavailableError } from "../ffi/errors.ts";
import { SIMULATOR_FILE, SIMULATOR_PACKAGE } from "../ffi/simulator_package.ts";

/** The platform as npm compares it with `os`, `cpu` and `libc`: `linux-x64 (glibc)`. */
function platform(): string {
  if (process.platform !== "linux") return `${process.platform}-${process.arch}`;
  const report = process.report?.getReport?.() as
    | { header?: { glibcVersionRuntime?: string } }
    | undefined;
  const libc = report?.header?.glibcVersionRuntime ? "glibc" : "not glibc (musl?)";
  return `linux-${process.arch}, ${libc}`;
}

/** Whether npm installs {@linkcode SIMULATOR_PACKAGE} on this platform. */
function supported(): boolean {
  return platform() === "linux-x64, glibc";
}

/** What to do when the simulator package is missing, for this platform. */
function missingHint(version: string): string {
  if (supported()) {
    return `npm installs ${SIMULATOR_PACKAGE} with @vss/requester as an optional dependency; ` +
      "it is left out when the install ran with --omit=optional (or --no-optional) or from a " +
      `lockfile made on another platform. Install it: npm install ${SIMULATOR_PACKAGE}@${version}`;
  }
  const where = process.platform === "win32"
    ? "pass its path as libraryPath (and to new Simulator(path))"
    : "name it with VSS_LIBRARY_PATH (and VSS_SIM_PATH for the simulator control), or pass " +
      "its path as libraryPath";
  return `${SIMULATOR_PACKAGE} is built for Linux x64 with glibc only, so npm does not install ` +
    `it here (${platform()}). Build the simulator from the @vss/requester repository for ` +
    `this machine and ${where}.`;
}

/**
 * The simulator library in the installed {@linkcode SIMULATOR_PACKAGE}, or
 * the reason it cannot be used: the package is missing (not this platform,
 * or left out of the install), or its version is not the one this package
 * depends on (built only when asked for: the hint reads a process report).
 */
function locate(): { path: string } | { error: () => VssUnavailableError } {
  const requireHere = createRequire(import.meta.url);
  const main = requireHere("../package.json") as {
    optionalDependencies?: Record<string, string>;
  };
  const version = main.optionalDependencies?.[SIMULATOR_PACKAGE] ?? "(unknown)";
  let manifest: string;
  try {
    manifest = requireHere.resolve(`${SIMULATOR_PACKAGE}/package.json`);
  } catch (error) {
    return {
      error: () =>
        new VssUnavailableError(
          `the simulator is not installed (the package ${SIMULATOR_PACKAGE} was not found)`,
          missingHint(version),
          { cause: error },
        ),
    };
  }
  const found = (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version;
  if (found !== version) {
    return {
      error: () =>
        new VssUnavailableError(
          `${SIMULATOR_PACKAGE} ${found} is installed, but @vss/requester needs version ${version}`,
          `Install the matching simulator: npm install ${SIMULATOR_PACKAGE}@${version}`,
        ),
    };
  }
  return { path: join(dirname(manifest), SIMULATOR_FILE) };
}

/**
 * The simulator library in the installed {@linkcode SIMULATOR_PACKAGE}; throws
 * `VssUnavailableError` with a hint that names the package when it is not
 * installed or not the matching version.
 *
 * @example
 * ```ts
 * import { locateSimulator } from "./location_npm.ts";
 *
 * try {
 *   console.log(locateSimulator());
 * } catch (error) {
 *   console.error(error);
 * }
 * ```
 */
export function locateSimulator(): string {
  const found = locate();
  if ("error" in found) throw found.error();
  return found.path;
}

/**
 * The simulator library in the installed {@linkcode SIMULATOR_PACKAGE}, or
 * `undefined` when it is missing or not the matching version.
 *
 * @example
 * ```ts
 * import { findSimulator } from "./location_npm.ts";
 *
 * console.log(findSimulator() ?? "no simulator package");
 * ```
 */
export function findSimulator(): string | undefined {
  const found = locate();
  return "path" in found ? found.path : undefined;
}
