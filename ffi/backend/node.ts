/**
 * The Node backend, on koffi (a Node-API FFI addon installed from npm with
 * prebuilt binaries).
 *
 * koffi is loaded with a synchronous `require` on the first native call (the
 * first library opened), not when this module is imported: the platform
 * facts (`os`, `arch`, `env`, `isFile`) need no koffi, importing the package
 * never fails, and a koffi that cannot be loaded (Node's permission model
 * without `--allow-addons`, no prebuilt binary for this platform) surfaces
 * as the library's `VssUnavailableError` with a hint at that first call.
 * Under Deno this module is imported but never used.
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
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { VssUnavailableError } from "../errors.ts";
import { SIMULATOR_PACKAGE } from "../simulator_package.ts";
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
export interface Koffi {
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

/** Error codes of Node's permission model: a denied resource, addons disabled. */
const PERMISSION_CODES = ["ERR_ACCESS_DENIED", "ERR_DLOPEN_DISABLED"];
const isPermissionError = (error: unknown): boolean =>
  PERMISSION_CODES.includes((error as { code?: unknown } | null)?.code as string);

/**
 * Loads koffi from the package's dependencies, synchronously. A permission
 * error is passed on as it is (the loader reports it with the permission
 * hint); anything else becomes a `VssUnavailableError` that says what to do.
 */
export function requireKoffi(): Koffi {
  // Resolved from this module, so the package's own koffi is found.
  const requireHere = createRequire(import.meta.url);
  try {
    const module = requireHere("koffi");
    return (module.default ?? module) as Koffi;
  } catch (error) {
    if (isPermissionError(error)) throw error;
    throw new VssUnavailableError(
      `koffi, the FFI module the library uses under Node, could not be loaded ` +
        `(${(error as Error).message?.split("\n")[0]})`,
      `koffi ships prebuilt binaries for common platforms (this is ${process.platform}-` +
        `${process.arch}); reinstall the package's dependencies without --ignore-scripts or ` +
        `--omit=optional, or see https://koffi.dev/ for building it.`,
      { cause: error },
    );
  }
}

/** The backend under Node; koffi is loaded by `loadKoffi` on the first native call. */
export function nodeBackend(loadKoffi: () => Koffi = requireKoffi): FfiBackend {
  return createNodeBackend(loadKoffi);
}

/** ELF machine numbers (`e_machine`) of the architectures Node runs on here. */
const ELF_MACHINES: Record<number, string> = { 0x3e: "x64", 0xb7: "arm64", 0x03: "ia32" };

/**
 * Why `path` cannot be loaded into this process, when the reason is a known
 * one: a Linux library built for another CPU (the bundled simulator is an x64
 * build), or one that needs a newer glibc than this system has.
 */
export function explainLoadFailure(path: string, error: unknown): VssUnavailableError | null {
  const message = String((error as Error | null)?.message ?? error);
  const glibc = /version [`']GLIBC_([\d.]+)' not found/.exec(message);
  if (glibc) {
    const report = process.report?.getReport?.() as
      | { header?: { glibcVersionRuntime?: string } }
      | undefined;
    const have = report?.header?.glibcVersionRuntime ?? "older";
    return new VssUnavailableError(
      `${path} needs glibc ${glibc[1]} or later and this system has glibc ${have}`,
      "Use a newer distribution (glibc 2.34 or later: Debian 12, Ubuntu 22.04, RHEL 9 and " +
        "their successors), or build the simulator on this machine and name it with " +
        "VSS_LIBRARY_PATH.",
      { cause: error },
    );
  }
  if (process.platform !== "linux") return null;
  let machine: string | undefined;
  try {
    const header = new Uint8Array(20);
    const fd = openSync(path, "r");
    try {
      readSync(fd, header, 0, 20, 0);
    } finally {
      closeSync(fd);
    }
    if (header[0] !== 0x7f || header[1] !== 0x45) return null;
    const code = header[18] | (header[19] << 8);
    machine = ELF_MACHINES[code] ?? `ELF machine ${code}`;
  } catch {
    return null;
  }
  if (machine === process.arch) return null;
  return new VssUnavailableError(
    `${path} is a ${machine} library and this process is ${process.arch}`,
    `The simulator package ${SIMULATOR_PACKAGE} is a Linux x64 build. ` +
      `On ${process.arch}, build the ` +
      "simulator for this machine from the repository (simulator/build.sh) and name it with " +
      "VSS_LIBRARY_PATH.",
    { cause: error },
  );
}

/**
 * The backend over koffi, which `getKoffi` returns (it is called on every
 * native operation; the caller caches the module).
 */
export function createNodeBackend(getKoffi: () => Koffi): FfiBackend {
  let loaded: Koffi | null = null;
  const koffi = (): Koffi => loaded ?? (loaded = getKoffi());
  const structs = new Map<string, unknown>();
  const protos = new Map<string, unknown>();

  const typeOf = (t: NativeResultType): unknown => {
    if (typeof t === "string") return NAMES[t];
    const key = JSON.stringify(t);
    let type = structs.get(key);
    if (type === undefined) {
      const fields = Object.fromEntries(t.struct.map((f, i) => [`f${i}`, typeOf(f)]));
      structs.set(key, type = koffi().struct(fields));
    }
    return type;
  };

  /** Adapts a koffi function to Deno's calling conventions for `definition`. */
  const adapt = (fn: KoffiFunction, definition: ForeignFunction): Callable => {
    const structArgs = definition.parameters.flatMap((t, i) =>
      typeof t === "string" ? [] : [{ index: i, type: typeOf(t) }]
    );
    const convert = structArgs.length === 0 ? null : (args: unknown[]) => {
      for (const { index, type } of structArgs) args[index] = koffi().decode(args[index], type);
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
      proto = koffi().proto(typeOf(definition.result), definition.parameters.map(typeOf));
      protos.set(key, proto);
    }
    return proto;
  };

  return {
    runtime: "node",
    os: OS[process.platform] ?? process.platform as OperatingSystem,
    arch: ARCH[process.arch] ?? process.arch,

    open<S extends ForeignLibraryInterface>(path: string, symbols: S): NativeLibrary<S> {
      let lib: KoffiLibrary;
      try {
        lib = koffi().load(path);
      } catch (error) {
        throw explainLoadFailure(path, error) ?? error;
      }
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
      return adapt(koffi().decode(address, protoOf(definition)) as KoffiFunction, definition);
    },

    pointer: (address: bigint): PointerValue => address === 0n ? null : address,
    address(pointer: PointerValue): bigint {
      if (pointer === null) return 0n;
      if (typeof pointer === "bigint") return pointer;
      return koffi().address(pointer);
    },
    bufferPointer: (view: ArrayBufferView | ArrayBuffer): NativePointer => view,
    view(address: bigint, length: number): ArrayBuffer {
      if (length === 0) return new ArrayBuffer(0);
      return koffi().view(address, length);
    },
    readU64: (address: bigint): bigint => BigInt(koffi().decode.uint64(address)),
    copyInto(address: bigint, target: Uint8Array): void {
      if (target.length > 0) target.set(new Uint8Array(koffi().view(address, target.length)));
    },

    env: (name: string): string | undefined => process.env[name] || undefined,
    isFile(path: string): boolean {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
    isPermissionError,
    permissionHint: "Under Node's permission model, allow native addons (--allow-addons): " +
      "the FFI backend is koffi.",
  };
}
