/**
 * One VSS runtime per process, opened on first use: the system's VSS on
 * Windows (unless the code asks for the simulator), the VSS simulator
 * elsewhere (VSS_LIBRARY_PATH, or this checkout's build).
 *
 * @module
 */

import { type ComWarning, VssRuntime } from "../ffi/runtime.ts";
import { type LoadOptions, normalizeLibraryPath } from "../ffi/library.ts";
import { VssUnavailableError } from "../ffi/errors.ts";
import { arch, isFile, isPermissionError, os, readEnv } from "../ffi/platform.ts";
import { backend } from "../ffi/backend/mod.ts";
import { RuntimeConflictError, UnsupportedProcessError } from "./errors.ts";
import { locateSimulator } from "../simulator/location.ts";
import { SIMULATOR_PACKAGE } from "../ffi/simulator_package.ts";

/** The process's runtime and what it was opened with. */
let shared: { runtime: VssRuntime; opened: ResolvedOptions } | null = null;

/**
 * The simulator this copy of the library comes with: in a checkout, its
 * build for this platform (the `.so` under `build/simulator/linux/`, or
 * `vss_sim.dll` on Windows); in the npm package, the library of the platform
 * package `@vss/requester-simulator-linux-x64-gnu` (a `VssUnavailableError`
 * naming it when it is not installed).
 *
 * @example Check that the simulator was built
 * ```ts
 * import { bundledSimulatorPath } from "./mod.ts";
 *
 * const path = bundledSimulatorPath();
 * const built = await Deno.stat(path).then(() => true, () => false);
 * console.log(built ? `simulator at ${path}` : "run: bash simulator/build.sh linux");
 * ```
 */
export function bundledSimulatorPath(): string {
  return locateSimulator();
}

const runtimeLabel = () => backend.runtime === "node" ? "Node.js" : "Deno";

/**
 * Refuses processes that are not 64-bit: VSS applications must run natively
 * and not under WOW64 (usage-conventions.md, "Supported Configurations and
 * Restrictions"). Deno and Node ship 64-bit builds only, so this guards
 * against unusual builds.
 */
export function checkProcess(): void {
  if (arch !== "x86_64" && arch !== "aarch64") {
    throw new UnsupportedProcessError(
      `this process is ${arch}; VSS requesters must run as native 64-bit processes`,
      { hint: `Use the 64-bit ${runtimeLabel()} build for your machine.` },
    );
  }
}

/**
 * Options for {@linkcode openVss}: where to load VSS from, whether COM
 * security is left to the host, and where COM warnings go. A process opens
 * VSS once; a later call with other loading options is a
 * {@linkcode RuntimeConflictError}, and a later call without any returns the
 * runtime already open.
 *
 * @example Use the simulator build of this checkout, also on Windows
 * ```ts ignore
 * import { listShadowCopies, openVss } from "./mod.ts";
 *
 * const runtime = openVss({ simulator: true });
 * console.error(`using ${runtime.loaded.kind} VSS: ${runtime.loaded.vss}`);
 * console.log((await listShadowCopies({ runtime })).length);
 * ```
 */
export interface OpenOptions extends LoadOptions {
  /** Skip CoInitializeSecurity: the host process already called it. */
  skipComSecurity?: boolean;
  /**
   * Receives what COM initialisation could not do as the requester guidance
   * asks (security already set, a single-threaded thread, exception handling
   * left on). Default: `console.warn` of the message and hint.
   */
  onWarning?: (warning: ComWarning) => void;
}

/** Whether two normalised library paths name the same file (case-insensitively on Windows). */
function sameLibrary(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return os === "windows" ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** What a runtime was opened with, after the environment and the bundled simulator are applied. */
interface ResolvedOptions {
  libraryPath: string | undefined;
  comRuntimePath: string | undefined;
  simulator: boolean;
  security: boolean;
  bundled: boolean;
}

/** Whether `options` says anything about which library to load. */
function choosesLibrary(options: OpenOptions): boolean {
  return options.libraryPath !== undefined || options.comRuntimePath !== undefined ||
    options.simulator !== undefined || options.skipComSecurity !== undefined;
}

/**
 * The options with the defaults applied. On Windows only code chooses a
 * non-system library (`simulator`, `libraryPath`); elsewhere
 * `VSS_LIBRARY_PATH` is read, and without it the bundled simulator is used.
 */
function resolve(options: OpenOptions): ResolvedOptions {
  const windows = os === "windows";
  let libraryPath = options.libraryPath ?? (windows ? undefined : readEnv("VSS_LIBRARY_PATH"));
  let simulator = options.simulator ?? false;
  const bundled = libraryPath === undefined && (simulator || !windows);
  if (bundled) {
    libraryPath = bundledSimulatorPath();
    simulator = true;
  }
  if (libraryPath !== undefined) libraryPath = normalizeLibraryPath(libraryPath);
  let comRuntimePath = options.comRuntimePath === undefined
    ? undefined
    : normalizeLibraryPath(options.comRuntimePath);
  if (windows && simulator && comRuntimePath === undefined) comRuntimePath = libraryPath;
  return { libraryPath, comRuntimePath, simulator, security: !options.skipComSecurity, bundled };
}

function describe(o: ResolvedOptions): string {
  return `libraryPath ${o.libraryPath ?? "(system vssapi.dll)"}, comRuntimePath ${
    o.comRuntimePath ?? "(default)"
  }, COM security ${o.security ? "set" : "skipped"}`;
}

function load(o: ResolvedOptions): VssRuntime {
  try {
    const { libraryPath, comRuntimePath, simulator } = o;
    return VssRuntime.load({ libraryPath, comRuntimePath, simulator });
  } catch (error) {
    // A missing permission is reported as it is; a missing simulator says why it was wanted.
    if (
      !o.bundled || !(error instanceof VssUnavailableError) || isPermissionError(error.cause) ||
      isFile(o.libraryPath!)
    ) {
      throw error;
    }
    throw new VssUnavailableError(
      `no simulator was found at ${o.libraryPath}`,
      "In a checkout, build it: `bash simulator/build.sh`. From npm, the simulator comes in the " +
        `optional package ${SIMULATOR_PACKAGE} (Linux x64, glibc); elsewhere ` +
        "build one from the repository and pass its path as libraryPath" +
        (os === "windows" ? "." : " (or VSS_LIBRARY_PATH)."),
      { cause: error },
    );
  }
}

const printWarning = (w: ComWarning) => console.warn(`vss: warning: ${w.message}\n  ${w.hint}`);

/**
 * The process's VSS runtime, loaded and COM-initialised on first call. On
 * Windows it is the system's vssapi.dll (loaded by absolute path from the
 * system directory) unless the code asks for another library (`simulator`,
 * `libraryPath`): no environment variable changes that. Elsewhere it is the
 * simulator: `VSS_LIBRARY_PATH`, or the build in this checkout. A later call
 * without loading options returns the same runtime; one with different
 * options is a {@linkcode RuntimeConflictError}. COM initialisation warnings
 * go to `onWarning`.
 *
 * @example Open VSS once and pass it to the management functions
 * ```ts ignore
 * import { listShadowCopies, openVss } from "./mod.ts";
 *
 * const runtime = openVss(); // the simulator outside Windows
 * if (runtime.loaded.kind !== "system") console.warn(`not the system VSS: ${runtime.describe()}`);
 * console.log((await listShadowCopies({ runtime })).length, "shadow copies");
 * ```
 */
export function openVss(options: OpenOptions = {}): VssRuntime {
  if (shared !== null) {
    const { opened, runtime } = shared;
    if (!choosesLibrary(options)) return runtime;
    const wanted = resolve(options);
    const same = sameLibrary(opened.libraryPath, wanted.libraryPath) &&
      sameLibrary(opened.comRuntimePath, wanted.comRuntimePath) &&
      opened.security === wanted.security;
    if (same) return runtime;
    throw new RuntimeConflictError(
      `openVss was called with ${describe(wanted)}, but VSS is already open with ${
        describe(opened)
      }`,
      {
        hint: "Open VSS once, early, with the options the program needs, and pass the runtime on.",
      },
    );
  }
  checkProcess();
  const wanted = resolve(options);
  const runtime = load(wanted);
  const result = runtime.initializeCom({ security: wanted.security });
  result.warnings.forEach(options.onWarning ?? printWarning);
  shared = { runtime, opened: wanted };
  return runtime;
}

/**
 * True when the runtime in use is not the system's vssapi.dll (the
 * simulator, or another library given by path).
 *
 * @example Warn when the results come from the simulator
 * ```ts ignore
 * import { isSimulated, openVss } from "./mod.ts";
 *
 * if (isSimulated(openVss())) console.warn("not real VSS: using the simulator");
 * ```
 */
export function isSimulated(runtime: VssRuntime): boolean {
  return runtime.loaded.kind !== "system";
}
