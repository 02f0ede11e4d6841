/**
 * The FFI backend of this process, chosen once, synchronously, at load:
 * Deno's FFI under Deno, koffi under Node. Nothing on this path awaits (no
 * top-level await), so the package also loads with `require()`; and koffi
 * itself is loaded on the first native call, not here, so that importing the
 * library never fails (Node's permission model without `--allow-addons`, a
 * missing koffi binary): the first call reports it as `VssUnavailableError`.
 * See {@link ./types.ts} for the interface.
 *
 * @module
 */

import { VssUnavailableError } from "../errors.ts";
import { denoBackend } from "./deno.ts";
import { nodeBackend } from "./node.ts";
import type { FfiBackend, NativePointer } from "./types.ts";

function select(): FfiBackend {
  const g = globalThis as {
    Deno?: { dlopen?: unknown };
    process?: { versions?: { node?: string } };
  };
  if (typeof g.Deno?.dlopen === "function") return denoBackend();
  if (typeof g.process?.versions?.node === "string") return nodeBackend();
  throw new VssUnavailableError(
    "this runtime has no foreign function interface",
    "Run the library under Deno or under Node.js 20 or later.",
  );
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
export const backend: FfiBackend = select();

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
