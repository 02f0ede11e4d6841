/**
 * The base of every interface wrapper: owns one COM reference, releases it
 * exactly once, and calls vtable slots through function pointers cached per
 * (vtable, slot).
 *
 * @module
 */

import {
  type InterfaceTable,
  IUnknown as IUNKNOWN_TABLE,
  type VtableSlot,
} from "./generated/vtables.ts";
import { ReleasedObjectError, VssError } from "./errors.ts";
import type { VssRuntime } from "./runtime.ts";
import { backend } from "./backend/mod.ts";
import type { Callable, ForeignFunction, NativePointer } from "./backend/types.ts";
import { THUNK_NAMES } from "./generated/thunks.ts";
import { THUNKS } from "./thunks/table.ts";

export type { Callable };

const RELEASE_SLOT = 2;
const RELEASE_DEFINITION = { parameters: ["pointer"], result: "u32" } as const;

/** Callables per vtable address, indexed by slot. Vtables are static for an object's life. */
const blockingCache = new Map<bigint, Callable[]>();
const nonblockingCache = new Map<bigint, Callable[]>();

/** A callable for vtable entry `slot`, built by the backend (once per vtable and slot). */
function makeCallable(vtable: bigint, slot: number, definition: ForeignFunction): Callable {
  const entry = backend.readU64(vtable + BigInt(slot * 8));
  if (entry === 0n) {
    throw new Error(`vtable ${vtable.toString(16)} has no function in slot ${slot}`);
  }
  return backend.function(entry, definition);
}

/** Index of `IUnknown_Release` in the thunk table. */
const RELEASE_THUNK = THUNK_NAMES.indexOf("IUnknown_Release");

/**
 * Calls Release on the IUnknown sub-object at `unknown`: through the native
 * thunk when the thunk library is loaded, else through the vtable slot's
 * callable, cached per vtable like every other slot.
 */
function releaseAt(unknown: bigint): number {
  const self = backend.pointer(unknown);
  const thunk = THUNKS[RELEASE_THUNK];
  if (thunk !== undefined) return thunk(self) as number;
  const vtable = backend.readU64(unknown);
  let fns = blockingCache.get(vtable);
  if (!fns) blockingCache.set(vtable, fns = []);
  const release = fns[RELEASE_SLOT] ??= makeCallable(vtable, RELEASE_SLOT, RELEASE_DEFINITION);
  return release(self) as number;
}

/** The FFI definition of IUnknown slot `slot`. */
function unknownDefinition(slot: number): ForeignFunction {
  const m = Object.values(IUNKNOWN_TABLE.methods).find((x) => x.slot === slot)!;
  return { parameters: m.parameters, result: m.result };
}

const backstop = new FinalizationRegistry<bigint>((unknown) => {
  releaseAt(unknown);
});

/**
 * A wrapper class: its interface table and constructor. Every generated
 * interface class is one; {@linkcode queryInterface} and
 * {@linkcode wrapOwned} take it to know what to build.
 *
 * @example Name the interface a wrapper class speaks
 * ```ts
 * import type { ComClass, ComObject } from "./com_object.ts";
 * import { IVssBackupComponents } from "./generated/wrappers.ts";
 *
 * const describe = <T extends ComObject>(cls: ComClass<T>) =>
 *   `${cls.table.name} ${cls.table.iid}`;
 * console.log(describe(IVssBackupComponents));
 * ```
 */
export interface ComClass<T extends ComObject> {
  /** The interface's generated table (IID, layout, slots). */
  readonly table: InterfaceTable;
  /** Wraps an owned pointer. */
  new (runtime: VssRuntime, pointer: NativePointer): T;
}

/**
 * One owned reference to a COM object (or C++ class instance) from VSS.
 *
 * @example Release with `using`
 * ```ts ignore
 * import { createBackupComponents, VssRuntime } from "./mod.ts";
 *
 * const runtime = VssRuntime.load();
 * runtime.initializeCom();
 * {
 *   using backup = createBackupComponents(runtime); // a ComObject subclass
 *   backup.InitializeForBackup(null);
 * } // released here, exactly once
 * runtime.close();
 * ```
 */
export abstract class ComObject {
  /** The runtime whose libraries this object came from. */
  readonly runtime: VssRuntime;
  readonly #table: InterfaceTable;
  readonly #address: bigint;
  #self: NativePointer | null;
  /** The IUnknown sub-object's address, or 0n for a borrowed pointer without lifetime management. */
  readonly #unknown: bigint;
  /** Blocking callables of this object's primary vtable, by slot. */
  protected readonly fns: Callable[];
  readonly #vtable: bigint;
  #slots?: Map<number, VtableSlot>;

  /** Takes ownership of one reference to the object at `pointer`, which speaks `table`. */
  constructor(runtime: VssRuntime, pointer: NativePointer, table: InterfaceTable) {
    this.runtime = runtime;
    this.#table = table;
    this.#self = pointer;
    this.#address = backend.address(pointer);
    this.#vtable = backend.readU64(this.#address);
    let fns = blockingCache.get(this.#vtable);
    if (!fns) blockingCache.set(this.#vtable, fns = []);
    this.fns = fns;
    this.#unknown = table.unknownOffset === null ? 0n : this.#address + BigInt(table.unknownOffset);
    if (this.#unknown !== 0n) backstop.register(this, this.#unknown, this);
  }

  /** The interface this wrapper speaks. */
  get interfaceName(): string {
    return this.#table.name;
  }

  /** The object's address (for diagnostics). */
  get address(): bigint {
    return this.#address;
  }

  /** True once the reference was released. */
  get released(): boolean {
    return this.#self === null;
  }

  /** The object pointer; throws {@linkcode ReleasedObjectError} after release. */
  protected self(method: string): NativePointer {
    const self = this.#self;
    if (self === null) throw new ReleasedObjectError(this.#table.name, method);
    return self;
  }

  #slot(slot: number): VtableSlot {
    if (!this.#slots) {
      this.#slots = new Map(Object.values(this.#table.methods).map((m) => [m.slot, m]));
    }
    const found = this.#slots.get(slot);
    if (!found) throw new Error(`${this.#table.name} has no slot ${slot}`);
    return found;
  }

  /** Creates (and caches) the callable for `slot` of the primary vtable. */
  protected bindSlot(slot: number): Callable {
    const m = this.#slot(slot);
    return this.fns[slot] = makeCallable(this.#vtable, slot, {
      parameters: m.parameters,
      result: m.result,
    });
  }

  /** The callable for `slot` that runs on another thread and returns a promise. */
  protected nonblockingSlot(slot: number): Callable {
    let fns = nonblockingCache.get(this.#vtable);
    if (!fns) nonblockingCache.set(this.#vtable, fns = []);
    const m = this.#slot(slot);
    return fns[slot] ??= makeCallable(this.#vtable, slot, {
      parameters: m.parameters,
      result: m.result,
      nonblocking: true,
    });
  }

  /** Throws the typed error for a failed call. */
  protected fail(hr: number, method: string): never {
    const m = this.#table.methods[method];
    throw new VssError(hr, m?.declaredBy ?? this.#table.name, method, m?.doc ?? null);
  }

  /** The pointer of the IUnknown sub-object, for QueryInterface/AddRef/Release. */
  protected unknownSelf(method: string): NativePointer {
    this.self(method);
    if (this.#unknown === 0n) {
      throw new Error(`${this.#table.name} has no IUnknown to call ${method} on`);
    }
    return backend.pointer(this.#unknown)!;
  }

  /** The callable for IUnknown `slot` (0..2) on the IUnknown sub-object's vtable. */
  protected unknownFn(slot: 0 | 1 | 2): Callable {
    const vtable = backend.readU64(this.#unknown);
    let fns = blockingCache.get(vtable);
    if (!fns) blockingCache.set(vtable, fns = []);
    return fns[slot] ??= makeCallable(vtable, slot, unknownDefinition(slot));
  }

  /** A new wrapper of the same class for the same object (after an AddRef). */
  protected rewrap(): this {
    const cls = this.constructor as new (
      runtime: VssRuntime,
      pointer: NativePointer,
      table: InterfaceTable,
    ) => this;
    return new cls(this.runtime, backend.pointer(this.#address)!, this.#table);
  }

  /** Releases the reference and returns the count Release reported (0 without an IUnknown). */
  protected releaseCounted(): number {
    const self = this.#self;
    if (self === null) return 0;
    this.#self = null;
    if (this.#unknown === 0n) return 0;
    backstop.unregister(this);
    return releaseAt(this.#unknown);
  }

  /**
   * Gives up ownership without releasing: the caller now owns the reference
   * at the returned address (used to re-wrap it as another interface).
   */
  detach(): bigint {
    this.self("detach");
    this.#self = null;
    if (this.#unknown !== 0n) backstop.unregister(this);
    return this.#address;
  }

  /**
   * Releases the reference (IUnknown::Release, exactly once). Returns false
   * when it was already released.
   */
  release(): boolean {
    if (this.#self === null) return false;
    this.releaseCounted();
    return true;
  }

  /** Same as {@linkcode release}; lets `using` manage the reference. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Wraps an owned interface pointer returned through an out parameter (null for 0).
 *
 * @example Wrap an out pointer
 * ```ts ignore
 * import { IVssAsync, wrapOwned } from "./mod.ts";
 *
 * const out = new BigUint64Array(1); // a native call stored an IVssAsync* here
 * using op = wrapOwned(runtime, IVssAsync, out[0]); // null when it stored 0
 * await op?.WaitNonblocking(0xffffffff);
 * ```
 */
export function wrapOwned<T extends ComObject>(
  runtime: VssRuntime,
  cls: ComClass<T>,
  address: bigint,
): T | null {
  if (address === 0n) return null;
  return new cls(runtime, backend.pointer(address)!);
}
