/**
 * The one interface between the binding and the JavaScript runtime: loading
 * libraries, calling native functions (by symbol or by address), pointers,
 * reading native memory, and the few platform facts the binding needs.
 * Everything above it (the generated wrappers, `ffi/*.ts`, `requester/*.ts`)
 * is the same code under Deno and under Node.
 *
 * Native types are named as Deno's FFI names them; the Node backend maps
 * each name to the koffi type with the same C meaning, so both apply the
 * platform's calling convention (16-byte GUIDs by value go in two registers
 * on System V and AArch64, as a pointer to a copy on Windows x64).
 *
 * @module
 */

/** A native value type, named as Deno's FFI names it. */
export type NativeType =
  | "u8"
  | "i8"
  | "u16"
  | "i16"
  | "u32"
  | "i32"
  | "u64"
  | "i64"
  | "usize"
  | "isize"
  | "f32"
  | "f64"
  | "bool"
  | "pointer"
  | "buffer"
  | "function"
  | NativeStructType;

/** A struct passed by value: its fields in order (`{ struct: ["u32", "u32"] }`). */
export interface NativeStructType {
  /** The field types, in declaration order. */
  readonly struct: readonly NativeType[];
}

/** A result type: any value type, or `void`. */
export type NativeResultType = NativeType | "void";

/** The signature of a native function. */
export interface ForeignFunction {
  /** Parameter types, in order. */
  readonly parameters: readonly NativeType[];
  /** Result type. */
  readonly result: NativeResultType;
  /** Run the call on another thread; the callable then returns a promise. */
  readonly nonblocking?: boolean;
}

/** Signatures by symbol name, for {@linkcode FfiBackend.open}. */
export type ForeignLibraryInterface = Readonly<Record<string, ForeignFunction>>;

/**
 * A non-null native pointer as the backend passes it: a `Deno.PointerObject`
 * under Deno; a bigint address (or a typed array, passed as the address of
 * its bytes) under Node. Opaque above the backend: convert with
 * {@linkcode FfiBackend.address} and {@linkcode FfiBackend.pointer}.
 */
export type NativePointer = object | bigint;

/** A native pointer or null (the null pointer). */
export type PointerValue = NativePointer | null;

/** A bound native function or vtable slot. */
// deno-lint-ignore no-explicit-any
export type Callable = (...args: any[]) => any;

/** The JavaScript value passed for a native type. */
export type ArgumentOf<T> = T extends "pointer" | "function" ? PointerValue
  : T extends "buffer" ? ArrayBufferView | null
  : T extends "bool" ? boolean
  : T extends "u64" | "i64" | "usize" | "isize" ? number | bigint
  : T extends NativeStructType ? Uint8Array
  : number;

/** The JavaScript value a native result type comes back as. */
export type ResultOf<T> = T extends "void" ? void
  : T extends "pointer" | "function" | "buffer" ? PointerValue
  : T extends "bool" ? boolean
  : T extends "u64" | "i64" | "usize" | "isize" ? number | bigint
  : number;

/** The JavaScript arguments for a parameter list. */
export type ArgumentsOf<P extends readonly NativeType[]> = {
  -readonly [K in keyof P]: ArgumentOf<P[K]>;
};

/** The callable for one signature: typed arguments, a promise when nonblocking. */
export type StaticForeignFunction<F extends ForeignFunction> = (
  ...args: ArgumentsOf<F["parameters"]>
) => F extends { readonly nonblocking: true } ? Promise<ResultOf<F["result"]>>
  : ResultOf<F["result"]>;

/** The bound symbols of a library opened with `S`. */
export type StaticForeignSymbols<S extends ForeignLibraryInterface> = {
  readonly [K in keyof S]: StaticForeignFunction<S[K]>;
};

/** An opened library. */
export interface NativeLibrary<S extends ForeignLibraryInterface> {
  /** One callable per symbol. */
  readonly symbols: StaticForeignSymbols<S>;
  /** Unloads the library. */
  close(): void;
}

/** The operating system, named as `Deno.build.os` names it. */
export type OperatingSystem =
  | "windows"
  | "linux"
  | "darwin"
  | "freebsd"
  | "netbsd"
  | "aix"
  | "solaris"
  | "illumos"
  | "android";

/**
 * The runtime-specific half of the binding. Two implementations: Deno's FFI
 * (`Deno.dlopen`, `Deno.UnsafeFnPointer`, `Deno.UnsafePointer(View)`) and
 * koffi under Node.
 */
export interface FfiBackend {
  /** `deno` or `node`. */
  readonly runtime: "deno" | "node";
  /** The operating system (`windows`, `linux`, ...). */
  readonly os: OperatingSystem;
  /** The process architecture, named as Deno names it (`x86_64`, `aarch64`). */
  readonly arch: string;

  /** Loads the library at `path` and binds `symbols`; throws the runtime's error on failure. */
  open<S extends ForeignLibraryInterface>(path: string, symbols: S): NativeLibrary<S>;
  /**
   * A callable for the native function at `address` (a vtable entry). Build
   * it once and cache it: building is slow, calling is the fast path.
   * With `nonblocking` the call runs on another thread and returns a promise.
   */
  function(address: bigint, definition: ForeignFunction): Callable;

  /** The pointer value for an address (null for 0). */
  pointer(address: bigint): PointerValue;
  /** The address of a pointer value (0n for null). */
  address(pointer: PointerValue): bigint;
  /**
   * A pointer argument that refers to the bytes of `view`. It stays valid
   * while `view` is referenced and its buffer is not detached.
   */
  bufferPointer(view: ArrayBufferView | ArrayBuffer): NativePointer;
  /** Native memory at `address` as an ArrayBuffer, without a copy. */
  view(address: bigint, length: number): ArrayBuffer;
  /** The 64-bit value at `address` (a vtable pointer, a vtable entry). */
  readU64(address: bigint): bigint;
  /** Copies `target.length` bytes starting at `address` into `target`. */
  copyInto(address: bigint, target: Uint8Array): void;

  /** An environment variable, or undefined when unset, empty or not readable (never prompts). */
  env(name: string): string | undefined;
  /** Whether `path` names an existing regular file. */
  isFile(path: string): boolean;
  /** Whether `error` means a missing runtime permission (FFI, read). */
  isPermissionError(error: unknown): boolean;
  /** What to do about a missing FFI permission, for messages. */
  readonly permissionHint: string;
}
