/**
 * The FFI backend of this process, chosen once at load: Deno's FFI under
 * Deno, koffi under Node (imported dynamically, so the Deno path never loads
 * it). See {@link ./types.ts} for the interface.
 *
 * @module
 */

import { denoBackend } from "./deno.ts";
import type { FfiBackend, NativePointer } from "./types.ts";

export type {
  ArgumentOf,
  ArgumentsOf,
  Callable,
  FfiBackend,
  ForeignFunction,
  ForeignLibraryInterface,
  NativeLibrary,
  NativePointer,
  NativeResultType,
  NativeStructType,
  NativeType,
  OperatingSystem,
  PointerValue,
  ResultOf,
  StaticForeignFunction,
  StaticForeignSymbols,
} from "./types.ts";

async function select(): Promise<FfiBackend> {
  const g = globalThis as {
    Deno?: { dlopen?: unknown };
    process?: { versions?: { node?: string } };
  };
  if (typeof g.Deno?.dlopen === "function") return denoBackend();
  if (typeof g.process?.versions?.node === "string") {
    const { nodeBackend } = await import("./node.ts");
    return await nodeBackend();
  }
  throw new Error("the VSS binding needs Deno (with FFI) or Node.js 20 or later");
}

/**
 * The backend in use.
 *
 * @example Read the process's platform through the backend
 * ```ts
 * import { backend } from "./mod.ts";
 * console.log(backend.runtime, backend.os, backend.arch);
 * ```
 */
export const backend: FfiBackend = await select();

/**
 * The pointer argument for the bytes of a typed array (the generated wrappers
 * pass strings, GUID arrays and result buffers with it).
 *
 * @example Pass a buffer
 * ```ts
 * import { bufferPointer } from "./mod.ts";
 * const units = new Uint16Array([0x41, 0]);
 * console.log(bufferPointer(units) !== null); // true
 * ```
 */
export const bufferPointer: (view: ArrayBufferView | ArrayBuffer) => NativePointer =
  backend.bufferPointer;
