/**
 * The Node backend, on koffi (a Node-API FFI addon installed from npm with
 * prebuilt binaries). Loaded only under Node, by a dynamic import, so Deno
 * never resolves koffi.
 *
 * Deno's native type names map to the koffi types with the same C meaning;
 * a struct passed by value becomes a real koffi struct type, so koffi applies
 * the platform's convention for it. Struct arguments arrive as their bytes
 * (as Deno takes them) and are decoded through that type before the call.
 * Pointers are bigint addresses (koffi 3); typed arrays are passed as the
 * address of their bytes. Nonblocking calls use koffi's asynchronous call,
 * which runs on its worker threads.
 *
 * @module
 */

import process from "node:process";
import { statSync } from "node:fs";
import type {
  Callable,
  FfiBackend,
  ForeignFunction,
  ForeignLibraryInterface,
  NativeLibrary,
  NativePointer,
  NativeResultType,
  NativeStructType,
  OperatingSystem,
  PointerValue,
} from "./types.ts";

/** The part of koffi's API the backend uses. */
interface KoffiFunction {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}
interface KoffiLibrary {
  func(name: string, result: unknown, parameters: unknown[]): KoffiFunction;
  unload(): void;
}
interface Koffi {
  load(path: string): KoffiLibrary;
  struct(fields: Record<string, unknown>): unknown;
  proto(result: unknown, parameters: unknown[]): unknown;
  decode: ((value: unknown, type: unknown) => unknown) & {
    uint64(pointer: bigint): number | bigint;
  };
  address(value: unknown): bigint;
  view(pointer: bigint, length: number): ArrayBuffer;
}

const NAMES: Record<Exclude<NativeResultType, NativeStructType>, string> = {
  void: "void",
  bool: "bool",
  u8: "uint8_t",
  i8: "int8_t",
  u16: "uint16_t",
  i16: "int16_t",
  u32: "uint32_t",
  i32: "int32_t",
  u64: "uint64_t",
  i64: "int64_t",
  usize: "size_t",
  isize: "intptr_t",
  f32: "float",
  f64: "double",
  pointer: "void *",
  buffer: "void *",
  function: "void *",
};

const OS: Record<string, OperatingSystem> = { win32: "windows", sunos: "solaris" };
const ARCH: Record<string, string> = { x64: "x86_64", arm64: "aarch64" };

/** Loads koffi (from the package's dependencies) and builds the backend. */
export async function nodeBackend(): Promise<FfiBackend> {
  // A computed specifier: bundlers and Deno's module graph leave it alone.
  const specifier = "koffi";
  const module = await import(specifier);
  return createNodeBackend((module.default ?? module) as Koffi);
}

/** The backend over a loaded koffi module. */
export function createNodeBackend(koffi: Koffi): FfiBackend {
  const structs = new Map<string, unknown>();
  const protos = new Map<string, unknown>();

  const typeOf = (t: NativeResultType): unknown => {
    if (typeof t === "string") return NAMES[t];
    const key = JSON.stringify(t);
    let type = structs.get(key);
    if (type === undefined) {
      const fields = Object.fromEntries(t.struct.map((f, i) => [`f${i}`, typeOf(f)]));
      structs.set(key, type = koffi.struct(fields));
    }
    return type;
  };

  /** Adapts a koffi function to Deno's calling conventions for `definition`. */
  const adapt = (fn: KoffiFunction, definition: ForeignFunction): Callable => {
    const structArgs = definition.parameters.flatMap((t, i) =>
      typeof t === "string" ? [] : [{ index: i, type: typeOf(t) }]
    );
    const convert = structArgs.length === 0 ? null : (args: unknown[]) => {
      for (const { index, type } of structArgs) args[index] = koffi.decode(args[index], type);
      return args;
    };
    if (definition.nonblocking) {
      return (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          fn.async(
            ...(convert ? convert(args) : args),
            (error: unknown, result: unknown) => error ? reject(error) : resolve(result),
          );
        });
    }
    if (convert) return (...args: unknown[]) => fn(...convert(args));
    return fn;
  };

  const protoOf = (definition: ForeignFunction): unknown => {
    const key = JSON.stringify([definition.result, definition.parameters]);
    let proto = protos.get(key);
    if (proto === undefined) {
      proto = koffi.proto(typeOf(definition.result), definition.parameters.map(typeOf));
      protos.set(key, proto);
    }
    return proto;
  };

  return {
    runtime: "node",
    os: OS[process.platform] ?? process.platform as OperatingSystem,
    arch: ARCH[process.arch] ?? process.arch,

    open<S extends ForeignLibraryInterface>(path: string, symbols: S): NativeLibrary<S> {
      const lib = koffi.load(path);
      try {
        const bound: Record<string, Callable> = {};
        for (const [name, definition] of Object.entries(symbols)) {
          const fn = lib.func(
            name,
            typeOf(definition.result),
            definition.parameters.map(typeOf),
          );
          bound[name] = adapt(fn, definition);
        }
        return {
          symbols: bound as unknown as NativeLibrary<S>["symbols"],
          close: () => lib.unload(),
        };
      } catch (error) {
        lib.unload();
        throw error;
      }
    },

    function(address: bigint, definition: ForeignFunction): Callable {
      if (address === 0n) throw new Error("cannot call the null function pointer");
      return adapt(koffi.decode(address, protoOf(definition)) as KoffiFunction, definition);
    },

    pointer: (address: bigint): PointerValue => address === 0n ? null : address,
    address(pointer: PointerValue): bigint {
      if (pointer === null) return 0n;
      if (typeof pointer === "bigint") return pointer;
      return koffi.address(pointer);
    },
    bufferPointer: (view: ArrayBufferView | ArrayBuffer): NativePointer => view,
    view(address: bigint, length: number): ArrayBuffer {
      if (length === 0) return new ArrayBuffer(0);
      return koffi.view(address, length);
    },
    readU64: (address: bigint): bigint => BigInt(koffi.decode.uint64(address)),
    copyInto(address: bigint, target: Uint8Array): void {
      if (target.length > 0) target.set(new Uint8Array(koffi.view(address, target.length)));
    },

    env: (name: string): string | undefined => process.env[name] || undefined,
    isFile(path: string): boolean {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
    isPermissionError: (error: unknown): boolean =>
      (error as { code?: unknown } | null)?.code === "ERR_ACCESS_DENIED",
    permissionHint: "Under Node's permission model, allow native addons (--allow-addons): " +
      "the FFI backend is koffi.",
  };
}
