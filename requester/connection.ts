/**
 * One VSS runtime per process, opened on first use: real VSS on Windows, the
 * VSS simulator elsewhere (VSS_LIBRARY_PATH, or this checkout's build).
 *
 * @module
 */

import { VssRuntime } from "../ffi/runtime.ts";
import type { LoadOptions } from "../ffi/library.ts";
import { VssUnavailableError } from "../ffi/errors.ts";
import { arch, isFile, isPermissionError, os, readEnv } from "../ffi/platform.ts";
import { backend } from "../ffi/backend/mod.ts";
import type { NativeLibrary } from "../ffi/backend/types.ts";
import { UnsupportedProcessError } from "./errors.ts";

let shared: VssRuntime | null = null;

/**
 * Where the simulator of this checkout is built, for this platform: the
 * `.so` under `build/simulator/linux/`, or `vss_sim.dll` on Windows.
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
  const root = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(
    /^\/([A-Za-z]:)/,
    "$1",
  );
  return os === "windows"
    ? `${root}build/simulator/windows/vss_sim.dll`
    : `${root}build/simulator/linux/libvss_sim.so`;
}

const KERNEL32 = {
  IsWow64Process2: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  GetCurrentProcess: { parameters: [], result: "pointer" },
} as const;

/** Refuses 32-bit processes and x64 processes emulated on ARM64 Windows. */
export function checkProcess(): void {
  if (arch !== "x86_64" && arch !== "aarch64") {
    throw new UnsupportedProcessError(
      `this process is ${arch}; VSS requesters must match the system's native architecture`,
      `Use the 64-bit ${backend.runtime === "node" ? "Node.js" : "Deno"} build for your machine.`,
    );
  }
  if (os !== "windows" || arch !== "x86_64") return;
  let kernel32: NativeLibrary<typeof KERNEL32> | null = null;
  try {
    kernel32 = backend.open("kernel32.dll", KERNEL32);
    const processMachine = new Uint16Array(1);
    const nativeMachine = new Uint16Array(1);
    if (
      !kernel32.symbols.IsWow64Process2(
        kernel32.symbols.GetCurrentProcess(),
        processMachine,
        nativeMachine,
      )
    ) return;
    const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
    if (nativeMachine[0] !== IMAGE_FILE_MACHINE_AMD64 && nativeMachine[0] !== 0) {
      throw new UnsupportedProcessError(
        `this x64 process runs emulated on a ${
          nativeMachine[0] === 0xaa64 ? "ARM64" : "non-x64"
        } machine; ` +
          "VSS refuses emulated requesters",
        `Use the native ARM64 ${backend.runtime === "node" ? "Node.js" : "Deno"} build.`,
      );
    }
  } catch (error) {
    if (error instanceof UnsupportedProcessError) throw error;
    // Older Windows without IsWow64Process2: nothing to check.
  } finally {
    kernel32?.close();
  }
}

/**
 * Options for {@linkcode openVss}: where to load VSS from, and whether COM
 * security is left to the host. Only the first `openVss` call uses them.
 *
 * @example Point the process at a simulator build
 * ```ts
 * import type { OpenOptions } from "./mod.ts";
 *
 * const options: OpenOptions = {
 *   libraryPath: "build/simulator/linux/libvss_sim.so",
 *   skipComSecurity: false,
 * };
 * ```
 */
export interface OpenOptions extends LoadOptions {
  /** Skip CoInitializeSecurity (the host already called it). */
  skipComSecurity?: boolean;
}

/**
 * The process's VSS runtime, loaded and COM-initialised on first call.
 * Outside Windows it is the simulator: `VSS_LIBRARY_PATH`, or the build in
 * this checkout (`bash simulator/build.sh`).
 *
 * @example Open VSS once and pass it to the management functions
 * ```ts ignore
 * import { listShadowCopies, openVss } from "./mod.ts";
 *
 * const runtime = openVss(); // the simulator outside Windows
 * console.log(runtime.describe());
 * console.log((await listShadowCopies({ runtime })).length);
 * ```
 */
export function openVss(options: OpenOptions = {}): VssRuntime {
  if (shared) return shared;
  checkProcess();
  let libraryPath = options.libraryPath ?? readEnv("VSS_LIBRARY_PATH");
  let comRuntimePath = options.comRuntimePath;
  const bundled = libraryPath === undefined && os !== "windows";
  if (bundled) libraryPath = bundledSimulatorPath();
  if (os === "windows" && libraryPath !== undefined && comRuntimePath === undefined) {
    comRuntimePath = readEnv("VSS_COM_RUNTIME_PATH");
  }
  let runtime: VssRuntime;
  try {
    runtime = VssRuntime.load({ libraryPath, comRuntimePath });
  } catch (error) {
    // A missing permission is reported as it is; a missing simulator says why it was wanted.
    if (
      !bundled || !(error instanceof VssUnavailableError) || isPermissionError(error.cause) ||
      isFile(libraryPath!)
    ) {
      throw error;
    }
    throw new VssUnavailableError(
      `this is ${os}, where VSS does not exist, and no simulator was found at ${libraryPath}`,
      "Build it with `bash simulator/build.sh linux`, or set VSS_LIBRARY_PATH to a VSS implementation.",
      { cause: error },
    );
  }
  runtime.initializeCom({ security: options.skipComSecurity ? false : true });
  shared = runtime;
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
  return runtime.libs.paths.vss !== "vssapi.dll";
}
