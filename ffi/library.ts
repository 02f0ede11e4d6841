/**
 * Loads the VSS library and the COM runtime it needs.
 *
 * On Windows: `vssapi.dll`, `ole32.dll` and `oleaut32.dll` by system name.
 * Elsewhere (or to test on Windows): a VSS implementation given by path, such
 * as the simulator; outside Windows that library also supplies the COM
 * runtime functions (BSTRs, task memory, initialisation).
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
 * Where to load VSS from. Empty options mean `vssapi.dll` on Windows and
 * `VSS_LIBRARY_PATH` elsewhere.
 *
 * @example Test against the simulator DLL on Windows
 * ```ts
 * import type { LoadOptions } from "./library.ts";
 *
 * const options: LoadOptions = {
 *   libraryPath: "build\\simulator\\windows\\vss_sim.dll",
 *   comRuntimePath: "build\\simulator\\windows\\vss_sim.dll",
 * };
 * console.log(options.libraryPath);
 * ```
 */
export interface LoadOptions {
  /** A VSS implementation to load instead of `vssapi.dll` (default: `VSS_LIBRARY_PATH`). */
  libraryPath?: string;
  /**
   * A library whose BSTR and task-memory exports replace oleaut32/ole32's
   * (default: `VSS_COM_RUNTIME_PATH`; outside Windows: the VSS library itself).
   */
  comRuntimePath?: string;
}

/**
 * The loaded libraries, with their symbols bound: what
 * {@linkcode loadLibraries} returns and {@linkcode VssRuntime.libs} holds.
 *
 * @example See what was loaded, then unload it
 * ```ts ignore
 * import { loadLibraries, type VssLibraries } from "./library.ts";
 *
 * const libs: VssLibraries = loadLibraries();
 * console.log(libs.paths.vss, libs.paths.memory);
 * libs.close();
 * ```
 */
export interface VssLibraries {
  /** The requester exports of vssapi.dll (or the library given instead). */
  readonly vss: StaticForeignSymbols<typeof VSSAPI_SYMBOLS>;
  /** COM initialisation and activation. */
  readonly ole32: StaticForeignSymbols<typeof OLE32_SYMBOLS>;
  /** BSTR and task-memory functions. */
  readonly memory: StaticForeignSymbols<typeof MEMORY_SYMBOLS>;
  /** What was loaded, for messages. */
  readonly paths: { vss: string; ole32: string; memory: string };
  /** Unloads every library. */
  close(): void;
}

function open<S extends ForeignLibraryInterface>(path: string, symbols: S): NativeLibrary<S> {
  try {
    return backend.open(path, symbols);
  } catch (error) {
    if (isPermissionError(error)) {
      throw new VssUnavailableError(`loading ${path} needs FFI permission`, permissionHint, {
        cause: error,
      });
    }
    throw new VssUnavailableError(
      `${path} could not be loaded (${(error as Error).message})`,
      os === "windows"
        ? "Check that the path is right and the DLL is 64-bit; vssapi.dll ships with Windows."
        : "Build the simulator with `bash simulator/build.sh` and point VSS_LIBRARY_PATH at it.",
      { cause: error },
    );
  }
}

/**
 * Loads VSS and the COM runtime.
 *
 * @example Load the simulator outside Windows
 * ```ts
 * import { loadLibraries } from "./library.ts";
 * const libs = loadLibraries({ libraryPath: "build/simulator/linux/libvss_sim.so" });
 * libs.close();
 * ```
 */
export function loadLibraries(options: LoadOptions = {}): VssLibraries {
  const windows = os === "windows";
  const vssPath = options.libraryPath ?? readEnv("VSS_LIBRARY_PATH") ??
    (windows ? "vssapi.dll" : undefined);
  if (vssPath === undefined) {
    throw new VssUnavailableError(
      `this is ${os}, and the Volume Shadow Copy Service exists only on Windows`,
      "To develop and test elsewhere, build the simulator (`bash simulator/build.sh`) and pass its path " +
        "as libraryPath or VSS_LIBRARY_PATH.",
    );
  }
  const opened: { close(): void }[] = [];
  try {
    const vss = open(vssPath, VSSAPI_SYMBOLS);
    opened.push(vss);
    const ole32Path = windows ? "ole32.dll" : vssPath;
    const ole32 = open(ole32Path, OLE32_SYMBOLS);
    opened.push(ole32);
    const memoryPath = options.comRuntimePath ?? readEnv("VSS_COM_RUNTIME_PATH") ??
      (windows ? null : vssPath);
    let memory: VssLibraries["memory"];
    if (memoryPath === null) {
      const oleaut = open("oleaut32.dll", BSTR_SYMBOLS);
      const task = open("ole32.dll", TASK_MEMORY_SYMBOLS);
      opened.push(oleaut, task);
      memory = { ...oleaut.symbols, ...task.symbols };
    } else {
      const lib = open(memoryPath, MEMORY_SYMBOLS);
      opened.push(lib);
      memory = lib.symbols;
    }
    return {
      vss: vss.symbols,
      ole32: ole32.symbols,
      memory,
      paths: { vss: vssPath, ole32: ole32Path, memory: memoryPath ?? "oleaut32.dll + ole32.dll" },
      close: () => opened.forEach((lib) => lib.close()),
    };
  } catch (error) {
    opened.forEach((lib) => lib.close());
    throw error;
  }
}
