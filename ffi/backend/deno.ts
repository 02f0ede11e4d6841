/**
 * The Deno backend: `Deno.dlopen`, `Deno.UnsafeFnPointer` and
 * `Deno.UnsafePointer(View)`. Nonblocking calls run on Deno's FFI thread pool.
 * Nothing here touches `Deno` until {@linkcode denoBackend} is called, so the
 * module can be loaded (not used) elsewhere.
 *
 * @module
 */

import type {
  Callable,
  FfiBackend,
  ForeignFunction,
  ForeignLibraryInterface,
  NativeLibrary,
  NativePointer,
  OperatingSystem,
  PointerValue,
} from "./types.ts";

type DenoPointer = Deno.PointerObject | null;

/** The backend over Deno's FFI. */
export function denoBackend(): FfiBackend {
  const UnsafePointer = Deno.UnsafePointer;
  const UnsafePointerView = Deno.UnsafePointerView;
  const create = (address: bigint): DenoPointer => UnsafePointer.create(address);
  return {
    runtime: "deno",
    os: Deno.build.os as OperatingSystem,
    arch: Deno.build.arch,

    open<S extends ForeignLibraryInterface>(path: string, symbols: S): NativeLibrary<S> {
      const lib = Deno.dlopen(path, symbols as unknown as Deno.ForeignLibraryInterface);
      return {
        symbols: lib.symbols as unknown as NativeLibrary<S>["symbols"],
        close: () => lib.close(),
      };
    },

    function(address: bigint, definition: ForeignFunction): Callable {
      const entry = create(address);
      if (entry === null) throw new Error("cannot call the null function pointer");
      const fn = new Deno.UnsafeFnPointer(
        entry as Deno.PointerObject<Deno.ForeignFunction>,
        definition as Deno.ForeignFunction,
      );
      return fn.call.bind(fn);
    },

    pointer: create,
    address(pointer: PointerValue): bigint {
      return pointer === null ? 0n : BigInt(UnsafePointer.value(pointer as Deno.PointerObject));
    },
    bufferPointer(view: ArrayBufferView | ArrayBuffer): NativePointer {
      return UnsafePointer.of(view as BufferSource)!;
    },
    view(address: bigint, length: number): ArrayBuffer {
      if (length === 0) return new ArrayBuffer(0);
      return UnsafePointerView.getArrayBuffer(create(address)!, length);
    },
    readU64(address: bigint): bigint {
      return new UnsafePointerView(create(address)!).getBigUint64(0);
    },
    copyInto(address: bigint, target: Uint8Array): void {
      if (target.length > 0) UnsafePointerView.copyInto(create(address)!, target);
    },

    env(name: string): string | undefined {
      try {
        if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
          return undefined;
        }
        return Deno.env.get(name) || undefined;
      } catch {
        return undefined;
      }
    },
    isFile(path: string): boolean {
      try {
        return Deno.statSync(path).isFile;
      } catch {
        return false;
      }
    },
    isPermissionError(error: unknown): boolean {
      return error instanceof Deno.errors.NotCapable ||
        error instanceof Deno.errors.PermissionDenied;
    },
    permissionHint: "Run Deno with --allow-ffi (and --allow-read for a library path).",
  };
}
