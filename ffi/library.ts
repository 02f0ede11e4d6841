/**
 * Loads the VSS library and the COM runtime it needs.
 *
 * On Windows: `vssapi.dll`, `ole32.dll` and `oleaut32.dll` by absolute path
 * from the system directory (GetSystemDirectoryW), never through the DLL
 * search order, which looks in the directory of the executable first. A
 * different VSS implementation (the simulator) is loaded on Windows only when
 * the calling code names it (`libraryPath`, `simulator`); environment
 * variables are not read there. Elsewhere: the library named in code or by
 * `VSS_LIBRARY_PATH`, which also supplies the COM runtime functions (BSTRs,
 * task memory, initialisation).
 *
 * The VSS library is never unloaded (see {@linkcode VssLibraries.close}).
 *
 * @module
 */

import { VSSAPI_SYMBOLS } from "./generated/functions.ts";
import { VssUnavailableError } from "./errors.ts";
import { backend } from "./backend/mod.ts";
import type {
  ForeignLibraryInterface,
  NativeLibrary,
  StaticForeignSymbols,
} from "./backend/types.ts";
import { isPermissionError, os, permissionHint, readEnv } from "./platform.ts";
import { systemLibraryPath } from "./system_directory.ts";
import { win32 } from "node:path";
import { SIMULATOR_PACKAGE } from "./simulator_package.ts";

/**
 * The COM runtime functions the binding binds from ole32 (from the VSS
 * library itself outside Windows), as FFI signatures.
 *
 * @example Look up a bound signature
 * ```ts
 * import { OLE32_SYMBOLS } from "./library.ts";
 *
 * const { parameters, result } = OLE32_SYMBOLS.CoCreateInstance;
 * console.log(`${result} CoCreateInstance(${parameters.join(", ")})`);
 * ```
 */
export const OLE32_SYMBOLS = {
  CoInitializeEx: { parameters: ["pointer", "u32"], result: "i32" },
  CoUninitialize: { parameters: [], result: "void" },
  CoInitializeSecurity: {
    parameters: ["pointer", "i32", "pointer", "pointer", "u32", "u32", "pointer", "u32", "pointer"],
    result: "i32",
  },
  CoCreateInstance: {
    parameters: ["pointer", "pointer", "u32", "pointer", "pointer"],
    result: "i32",
  },
} as const satisfies ForeignLibraryInterface;

/**
 * CoIncrementMTAUsage (Windows 8 and later), bound on its own because older
 * systems and the simulator lack it: it keeps the multithreaded apartment
 * alive when the calling thread is single-threaded.
 */
export const MTA_USAGE_SYMBOLS = {
  CoIncrementMTAUsage: { parameters: ["buffer"], result: "i32" },
} as const satisfies ForeignLibraryInterface;

/**
 * Memory functions: BSTRs from oleaut32 and task memory from ole32, as FFI
 * signatures; bound as {@linkcode VssLibraries.memory}.
 *
 * @example Allocate and free task memory through a loaded runtime
 * ```ts ignore
 * import { VssRuntime } from "./runtime.ts";
 *
 * const runtime = VssRuntime.load();
 * const block = runtime.libs.memory.CoTaskMemAlloc(64);
 * runtime.libs.memory.CoTaskMemFree(block);
 * runtime.close();
 * ```
 */
export const MEMORY_SYMBOLS = {
  SysAllocStringLen: { parameters: ["buffer", "u32"], result: "pointer" },
  SysFreeString: { parameters: ["pointer"], result: "void" },
  SysStringLen: { parameters: ["pointer"], result: "u32" },
  CoTaskMemAlloc: { parameters: ["usize"], result: "pointer" },
  CoTaskMemFree: { parameters: ["pointer"], result: "void" },
} as const satisfies ForeignLibraryInterface;

const BSTR_SYMBOLS = {
  SysAllocStringLen: MEMORY_SYMBOLS.SysAllocStringLen,
  SysFreeString: MEMORY_SYMBOLS.SysFreeString,
  SysStringLen: MEMORY_SYMBOLS.SysStringLen,
} as const satisfies ForeignLibraryInterface;
const TASK_MEMORY_SYMBOLS = {
  CoTaskMemAlloc: MEMORY_SYMBOLS.CoTaskMemAlloc,
  CoTaskMemFree: MEMORY_SYMBOLS.CoTaskMemFree,
} as const satisfies ForeignLibraryInterface;

/**
 * Where to load VSS from. Empty options mean the system's `vssapi.dll` on
 * Windows and `VSS_LIBRARY_PATH` elsewhere. On Windows no environment
 * variable is read: only these options select another library.
 *
 * @example Test against the simulator DLL on Windows
 * ```ts
 * import type { LoadOptions } from "./library.ts";
 *
 * const options: LoadOptions = {
 *   libraryPath: "build\\simulator\\windows\\vss_sim.dll",
 *   simulator: true, // on Windows the simulator also supplies BSTRs and task memory
 * };
 * console.log(options.libraryPath);
 * ```
 */
export interface LoadOptions {
  /**
   * A VSS implementation to load instead of the system's `vssapi.dll`.
   * Outside Windows the default is `VSS_LIBRARY_PATH`; on Windows there is no
   * default: only code chooses another library.
   */
  libraryPath?: string;
  /**
   * A library whose BSTR and task-memory exports replace oleaut32/ole32's
   * (outside Windows the default is `VSS_COM_RUNTIME_PATH`, then the VSS
   * library itself; on Windows, with `simulator`, the simulator).
   */
  comRuntimePath?: string;
  /**
   * `libraryPath` is the VSS simulator: the runtime reports kind
   * `simulator`, and on Windows the simulator also supplies BSTRs and task
   * memory unless `comRuntimePath` says otherwise.
   */
  simulator?: boolean;
}

/** What kind of VSS a runtime loaded: the system's, the simulator, or another library named by path. */
export type LibraryKind = "system" | "simulator" | "custom";

/**
 * Which libraries a runtime loaded, by the path given to the loader.
 *
 * @example Say on stderr when the VSS in use is not the system's
 * ```ts
 * import type { LoadedLibraries } from "./library.ts";
 *
 * function announce(loaded: LoadedLibraries): void {
 *   if (loaded.kind !== "system") console.error(`vss: using ${loaded.kind} VSS ${loaded.vss}`);
 * }
 * announce({ vss: "/opt/vss/libvss_sim.so", kind: "simulator", ole32: "-", memory: "-" });
 * ```
 */
export interface LoadedLibraries {
  /** The VSS library (an absolute path in the system directory for the system's). */
  readonly vss: string;
  /** `system` (vssapi.dll from the system directory), `simulator`, or `custom`. */
  readonly kind: LibraryKind;
  /** Where COM initialisation and activation come from. */
  readonly ole32: string;
  /** Where BSTRs and task memory come from. */
  readonly memory: string;
}

/**
 * The loaded libraries, with their symbols bound: what
 * {@linkcode loadLibraries} returns and {@linkcode VssRuntime.libs} holds.
 *
 * @example See what was loaded
 * ```ts ignore
 * import { loadLibraries, type VssLibraries } from "./library.ts";
 *
 * const libs: VssLibraries = loadLibraries();
 * console.log(libs.paths.vss, libs.paths.kind, libs.paths.memory);
 * ```
 */
export interface VssLibraries {
  /** The requester exports of vssapi.dll (or the library given instead). */
  readonly vss: StaticForeignSymbols<typeof VSSAPI_SYMBOLS>;
  /** COM initialisation and activation. */
  readonly ole32: StaticForeignSymbols<typeof OLE32_SYMBOLS>;
  /** CoIncrementMTAUsage, or null where the COM runtime lacks it (the simulator, old Windows). */
  readonly mtaUsage: StaticForeignSymbols<typeof MTA_USAGE_SYMBOLS> | null;
  /** BSTR and task-memory functions. */
  readonly memory: StaticForeignSymbols<typeof MEMORY_SYMBOLS>;
  /** What was loaded, and what kind of VSS it is. */
  readonly paths: LoadedLibraries;
  /**
   * Does not unload anything: COM objects, asynchronous operations still
   * running inside VSS, and finalizers that release objects can execute
   * code of these libraries at any time, and an unloaded library would turn
   * that into a crash. The libraries stay mapped until the process exits.
   */
  close(): void;
}

function open<S extends ForeignLibraryInterface>(path: string, symbols: S): NativeLibrary<S> {
  try {
    return backend.open(path, symbols);
  } catch (error) {
    // The backend already explains what it can (a missing koffi, another CPU, an older glibc).
    if (error instanceof VssUnavailableError) throw error;
    if (isPermissionError(error)) {
      throw new VssUnavailableError(`loading ${path} needs FFI permission`, permissionHint, {
        cause: error,
      });
    }
    throw new VssUnavailableError(
      `${path} could not be loaded (${(error as Error).message})`,
      os === "windows"
        ? "Check that the path is right and the DLL is 64-bit; vssapi.dll ships with Windows."
        : "Check that libraryPath (or VSS_LIBRARY_PATH) names a VSS simulator built for this " +
          "machine; in a checkout of the repository, build one with `bash simulator/build.sh`.",
      { cause: error },
    );
  }
}

/** CoIncrementMTAUsage from `path`, or null when the library does not export it. */
function openMtaUsage(path: string): VssLibraries["mtaUsage"] {
  try {
    return backend.open(path, MTA_USAGE_SYMBOLS).symbols;
  } catch {
    return null;
  }
}

/**
 * A library path as it is loaded, reported and compared. On Windows: an
 * absolute path with backslashes only (`C:/x\y/vss_sim.dll` becomes
 * `C:\x\y\vss_sim.dll`; LoadLibraryExW's page asks for backslashes, and a
 * relative path would go through the DLL search order), resolved against
 * `cwd` (default: the process's). Elsewhere the path is kept as given.
 *
 * @example The same DLL, however it is spelled
 * ```ts
 * import { normalizeLibraryPath } from "./library.ts";
 *
 * const a = normalizeLibraryPath("C:/x\\y/vss_sim.dll", "windows");
 * const b = normalizeLibraryPath("C:\\x\\y\\vss_sim.dll", "windows");
 * console.log(a === b, a); // true C:\x\y\vss_sim.dll
 * ```
 */
export function normalizeLibraryPath(
  path: string,
  platform: string = os,
  cwd?: string,
): string {
  if (platform !== "windows") return path;
  return cwd === undefined ? win32.resolve(path) : win32.resolve(cwd, path);
}

/** The paths to load: decided from the options, and outside Windows from the environment. */
export function resolveLibraries(options: LoadOptions = {}): LoadedLibraries | null {
  if (os === "windows") {
    const system = (name: string) => systemLibraryPath(name);
    const given = (path: string | undefined) =>
      path === undefined ? undefined : normalizeLibraryPath(path);
    const vss = given(options.libraryPath) ?? system("vssapi.dll");
    const custom = options.libraryPath !== undefined;
    const memory = given(options.comRuntimePath) ??
      (options.simulator && custom ? vss : `${system("oleaut32.dll")} + ${system("ole32.dll")}`);
    const kind = !custom ? "system" : options.simulator ? "simulator" : "custom";
    return { vss, kind, ole32: system("ole32.dll"), memory };
  }
  const vss = options.libraryPath ?? readEnv("VSS_LIBRARY_PATH");
  if (vss === undefined) return null;
  const memory = options.comRuntimePath ?? readEnv("VSS_COM_RUNTIME_PATH") ?? vss;
  return { vss, kind: options.simulator ? "simulator" : "custom", ole32: vss, memory };
}

/**
 * Loads VSS and the COM runtime (see {@linkcode LoadOptions} for what is
 * chosen where). The libraries stay loaded until the process exits.
 *
 * @example Load the simulator outside Windows
 * ```ts
 * import { loadLibraries } from "./library.ts";
 * const libs = loadLibraries({
 *   libraryPath: "build/simulator/linux/libvss_sim.so",
 *   simulator: true,
 * });
 * console.log(libs.paths.kind); // simulator
 * ```
 */
export function loadLibraries(options: LoadOptions = {}): VssLibraries {
  let paths: LoadedLibraries | null;
  try {
    paths = resolveLibraries(options); // on Windows: kernel32's GetSystemDirectoryW, through FFI
  } catch (error) {
    if (!isPermissionError(error)) throw error;
    const what = options.libraryPath ?? "vssapi.dll";
    throw new VssUnavailableError(`loading ${what} needs FFI permission`, permissionHint, {
      cause: error,
    });
  }
  if (paths === null) {
    throw new VssUnavailableError(
      `this is ${os}, and the Volume Shadow Copy Service exists only on Windows`,
      "Outside Windows, use a VSS simulator: openVss() loads this copy's (in a checkout, " +
        "`bash simulator/build.sh` builds it; from npm, the optional package " +
        `${SIMULATOR_PACKAGE} brings it on Linux x64), or name one with ` +
        "libraryPath or VSS_LIBRARY_PATH.",
    );
  }
  const vss = open(paths.vss, VSSAPI_SYMBOLS);
  const ole32 = open(paths.ole32, OLE32_SYMBOLS);
  let memory: VssLibraries["memory"];
  const [oleaut32Path, taskPath] = paths.memory.split(" + ");
  if (taskPath !== undefined) {
    memory = {
      ...open(oleaut32Path, BSTR_SYMBOLS).symbols,
      ...open(taskPath, TASK_MEMORY_SYMBOLS).symbols,
    };
  } else {
    memory = open(paths.memory, MEMORY_SYMBOLS).symbols;
  }
  return {
    vss: vss.symbols,
    ole32: ole32.symbols,
    mtaUsage: openMtaUsage(paths.ole32),
    memory,
    paths,
    close: () => {},
  };
}
