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

/**
 * A native value type, named as Deno's FFI names it.
 *
 * @example The parameters of `HRESULT f(IUnknown*, DWORD, GUID)`
 * ```ts
 * import type { NativeType } from "./types.ts";
 *
 * const GUID: NativeType = {
 *   struct: ["u32", "u16", "u16", "u8", "u8", "u8", "u8", "u8", "u8", "u8", "u8"],
 * };
 * const parameters: NativeType[] = ["pointer", "u32", GUID];
 * console.log(parameters.length);
 * ```
 */
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

/**
 * A struct passed by value: its fields in order (`{ struct: ["u32", "u32"] }`).
 *
 * @example A FILETIME passed by value
 * ```ts
 * import type { NativeStructType } from "./types.ts";
 *
 * const FILETIME: NativeStructType = { struct: ["u32", "u32"] }; // dwLowDateTime, dwHighDateTime
 * console.log(FILETIME.struct.length);
 * ```
 */
export interface NativeStructType {
  /** The field types, in declaration order. */
  readonly struct: readonly NativeType[];
}

/**
 * A result type: any value type, or `void`.
 *
 * @example An HRESULT and a procedure
 * ```ts
 * import type { NativeResultType } from "./types.ts";
 *
 * const hresult: NativeResultType = "i32";
 * const procedure: NativeResultType = "void";
 * console.log(hresult, procedure);
 * ```
 */
export type NativeResultType = NativeType | "void";

/**
 * The signature of a native function.
 *
 * @example IVssAsync::Wait, run off the main thread
 * ```ts
 * import type { ForeignFunction } from "./types.ts";
 *
 * const wait: ForeignFunction = {
 *   parameters: ["pointer", "u32"], // this, dwMilliseconds
 *   result: "i32",
 *   nonblocking: true,
 * };
 * console.log(wait.nonblocking);
 * ```
 */
export interface ForeignFunction {
  /** Parameter types, in order. */
  readonly parameters: readonly NativeType[];
  /** Result type. */
  readonly result: NativeResultType;
  /** Run the call on another thread; the callable then returns a promise. */
  readonly nonblocking?: boolean;
}

/**
 * Signatures by symbol name, for {@linkcode FfiBackend.open}. Declare it
 * `as const` (with `satisfies`) to keep the exact types for the bound symbols.
 *
 * @example Two kernel32 functions
 * ```ts
 * import type { ForeignLibraryInterface } from "./types.ts";
 *
 * const KERNEL32 = {
 *   GetCurrentProcessId: { parameters: [], result: "u32" },
 *   GetLastError: { parameters: [], result: "u32" },
 * } as const satisfies ForeignLibraryInterface;
 * console.log(Object.keys(KERNEL32));
 * ```
 */
export type ForeignLibraryInterface = Readonly<Record<string, ForeignFunction>>;

/**
 * A non-null native pointer as the backend passes it: a `Deno.PointerObject`
 * under Deno; a bigint address (or a typed array, passed as the address of
 * its bytes) under Node. Opaque above the backend: convert with
 * {@linkcode FfiBackend.address} and {@linkcode FfiBackend.pointer}.
 *
 * @example Point at a buffer and read its address
 * ```ts
 * import { backend } from "./mod.ts";
 * import type { NativePointer } from "./types.ts";
 *
 * const bytes = new Uint8Array(16);
 * const pointer: NativePointer = backend.bufferPointer(bytes);
 * console.log(backend.address(pointer) !== 0n); // true
 * ```
 */
export type NativePointer = object | bigint;

/**
 * A native pointer or null (the null pointer).
 *
 * @example Null stays null through the backend
 * ```ts
 * import { backend } from "./mod.ts";
 * import type { PointerValue } from "./types.ts";
 *
 * const none: PointerValue = backend.pointer(0n);
 * console.log(none, backend.address(none)); // null 0n
 * ```
 */
export type PointerValue = NativePointer | null;

/**
 * A bound native function or vtable slot.
 *
 * @example Cache callables by vtable slot
 * ```ts
 * import type { Callable } from "./types.ts";
 *
 * const slots: Callable[] = [];
 * slots[2] = (self: unknown) => (self === null ? 0 : 1); // stands in for IUnknown::Release
 * console.log(slots[2](null)); // 0
 * ```
 */
// deno-lint-ignore no-explicit-any
export type Callable = (...args: any[]) => any;

/**
 * The JavaScript value passed for a native type.
 *
 * @example What a `u64` and a `buffer` parameter take
 * ```ts
 * import type { ArgumentOf } from "./types.ts";
 *
 * const size: ArgumentOf<"u64"> = 4096n;
 * const data: ArgumentOf<"buffer"> = new Uint16Array([0x43, 0x3a, 0]);
 * console.log(size, data?.byteLength);
 * ```
 */
export type ArgumentOf<T> = T extends "pointer" | "function" ? PointerValue
  : T extends "buffer" ? ArrayBufferView | null
  : T extends "bool" ? boolean
  : T extends "u64" | "i64" | "usize" | "isize" ? number | bigint
  : T extends NativeStructType ? Uint8Array
  : number;

/**
 * The JavaScript value a native result type comes back as.
 *
 * @example An HRESULT comes back as a number
 * ```ts
 * import type { ResultOf } from "./types.ts";
 *
 * const hr: ResultOf<"i32"> = -2147212543;
 * console.log(hr < 0 ? "failed" : "succeeded"); // failed
 * ```
 */
export type ResultOf<T> = T extends "void" ? void
  : T extends "pointer" | "function" | "buffer" ? PointerValue
  : T extends "bool" ? boolean
  : T extends "u64" | "i64" | "usize" | "isize" ? number | bigint
  : number;

/**
 * The JavaScript arguments for a parameter list.
 *
 * @example The arguments of `CoInitializeEx(LPVOID, DWORD)`
 * ```ts
 * import type { ArgumentsOf } from "./types.ts";
 *
 * const args: ArgumentsOf<readonly ["pointer", "u32"]> = [null, 0];
 * console.log(args);
 * ```
 */
export type ArgumentsOf<P extends readonly NativeType[]> = {
  -readonly [K in keyof P]: ArgumentOf<P[K]>;
};

/**
 * The callable for one signature: typed arguments, a promise when nonblocking.
 *
 * @example A nonblocking signature returns a promise
 * ```ts
 * import type { StaticForeignFunction } from "./types.ts";
 *
 * const WAIT = { parameters: ["pointer", "u32"], result: "i32", nonblocking: true } as const;
 * const wait: StaticForeignFunction<typeof WAIT> = (_self, _ms) => Promise.resolve(0);
 * console.log(await wait(null, 1000)); // 0
 * ```
 */
export type StaticForeignFunction<F extends ForeignFunction> = (
  ...args: ArgumentsOf<F["parameters"]>
) => F extends { readonly nonblocking: true } ? Promise<ResultOf<F["result"]>>
  : ResultOf<F["result"]>;

/**
 * The bound symbols of a library opened with `S`.
 *
 * @example Type a stand-in for a library in a test
 * ```ts
 * import type { StaticForeignSymbols } from "./types.ts";
 *
 * const SYMBOLS = { SysStringLen: { parameters: ["pointer"], result: "u32" } } as const;
 * const fake: StaticForeignSymbols<typeof SYMBOLS> = { SysStringLen: () => 0 };
 * console.log(fake.SysStringLen(null)); // 0
 * ```
 */
export type StaticForeignSymbols<S extends ForeignLibraryInterface> = {
  readonly [K in keyof S]: StaticForeignFunction<S[K]>;
};

/**
 * An opened library: its bound symbols, and how to unload it.
 *
 * @example Call a symbol, then unload the library
 * ```ts
 * import type { NativeLibrary } from "./types.ts";
 *
 * const SYMBOLS = { GetTickCount: { parameters: [], result: "u32" } } as const;
 * function uptimeMs(kernel32: NativeLibrary<typeof SYMBOLS>): number {
 *   try {
 *     return kernel32.symbols.GetTickCount();
 *   } finally {
 *     kernel32.close();
 *   }
 * }
 * console.log(uptimeMs({ symbols: { GetTickCount: () => 42 }, close() {} })); // 42
 * ```
 */
export interface NativeLibrary<S extends ForeignLibraryInterface> {
  /** One callable per symbol. */
  readonly symbols: StaticForeignSymbols<S>;
  /** Unloads the library. */
  close(): void;
}

/**
 * The operating system, named as `Deno.build.os` names it.
 *
 * @example Pick the simulator's file name for a platform
 * ```ts
 * import type { OperatingSystem } from "./types.ts";
 *
 * const simulatorFile = (os: OperatingSystem) =>
 *   os === "windows" ? "vss_sim.dll" : "libvss_sim.so";
 * console.log(simulatorFile("linux")); // libvss_sim.so
 * ```
 */
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
 *
 * @example Copy native memory through the backend in use
 * ```ts
 * import { backend } from "./mod.ts";
 * import type { FfiBackend } from "./types.ts";
 *
 * const ffi: FfiBackend = backend;
 * const source = new Uint8Array([1, 2, 3, 4]);
 * const target = new Uint8Array(4);
 * ffi.copyInto(ffi.address(ffi.bufferPointer(source)), target);
 * console.log(ffi.runtime, target); // deno Uint8Array(4) [ 1, 2, 3, 4 ]
 * ```
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
