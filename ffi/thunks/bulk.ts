/**
 * Bulk readers: one native call where the generated wrappers make thousands
 * (enumerations, writer component files and dependencies, BSTRs). Each returns exactly what
 * the wrapper calls would return, and falls back to them when the thunk
 * library is not loaded (pointer path, Node).
 *
 * @module
 */

import { backend } from "../backend/mod.ts";
import type { NativePointer } from "../backend/types.ts";
import { ReleasedObjectError, VssError } from "../errors.ts";
import type { ComObject } from "../com_object.ts";
import type { VssRuntime } from "../runtime.ts";
import {
  type MgmtObjectProp,
  type ObjectProp,
  readCodedStructs,
  type StructResults,
} from "../results.ts";
import { VSS_MGMT_OBJECT_PROP, VSS_OBJECT_PROP } from "../generated/structs.ts";
import type {
  IVssEnumMgmtObject,
  IVssEnumObject,
  IVssWMComponent,
  IVssWMFiledesc,
} from "../generated/wrappers.ts";
import { readGuidBytes } from "../guid.ts";
import * as vt from "../generated/vtables.ts";
import { decodeUnits } from "../wide_string.ts";
import { thunkLibrary } from "./mod.ts";
import { HRESULT } from "../generated/hresults.ts";

/** Reusable native-visible buffers (grown on demand, never shrunk). */
let units = new Uint16Array(1 << 16);
let records = new Uint8Array(VSS_OBJECT_PROP.size * 256);
const state = new Uint32Array(8);

function pointerOf(view: ArrayBufferView): NativePointer {
  return backend.bufferPointer(view);
}

/** The live object pointer of a wrapper (throws ReleasedObjectError after release). */
function selfOf(object: ComObject, method: string): NativePointer {
  if (object.released) throw new ReleasedObjectError(object.interfaceName, method);
  return backend.pointer(object.address)!;
}

/** Addresses of CoTaskMemFree, SysFreeString, VssFreeSnapshotProperties for a runtime. */
const freesByRuntime = new WeakMap<VssRuntime, BigUint64Array>();

function resolver(): (library: string, symbol: string) => bigint {
  if (backend.os === "windows") {
    const k32 = Deno.dlopen("kernel32.dll", {
      GetModuleHandleW: { parameters: ["buffer"], result: "pointer" },
      GetProcAddress: { parameters: ["pointer", "buffer"], result: "pointer" },
    });
    return (library, symbol) => {
      const wide = new Uint16Array([...library].map((c) => c.charCodeAt(0)).concat(0));
      const module = k32.symbols.GetModuleHandleW(wide);
      const name = new TextEncoder().encode(`${symbol}\0`);
      const address = module === null ? null : k32.symbols.GetProcAddress(module, name);
      return address === null ? 0n : BigInt(Deno.UnsafePointer.value(address));
    };
  }
  const libc = Deno.dlopen("libc.so.6", {
    dlopen: { parameters: ["buffer", "i32"], result: "pointer" },
    dlsym: { parameters: ["pointer", "buffer"], result: "pointer" },
  });
  const RTLD_NOW_NOLOAD = 2 | 4;
  return (library, symbol) => {
    const handle = libc.symbols.dlopen(new TextEncoder().encode(`${library}\0`), RTLD_NOW_NOLOAD);
    const address = handle === null
      ? null
      : libc.symbols.dlsym(handle, new TextEncoder().encode(`${symbol}\0`));
    return address === null ? 0n : BigInt(Deno.UnsafePointer.value(address));
  };
}

function freesOf(runtime: VssRuntime): BigUint64Array | null {
  let frees = freesByRuntime.get(runtime);
  if (frees === undefined) {
    const paths = runtime.libs.paths;
    const [bstrLibrary, taskLibrary] = paths.memory.split(" + ");
    const resolve = resolver();
    frees = new BigUint64Array([
      resolve(taskLibrary ?? bstrLibrary, "CoTaskMemFree"),
      resolve(bstrLibrary, "SysFreeString"),
      resolve(paths.vss, "VssFreeSnapshotPropertiesInternal"),
    ]);
    freesByRuntime.set(runtime, frees);
  }
  return frees.every((a) => a !== 0n) ? frees : null;
}

/** Decodes the string codes of one batch from the units buffer, in one pass. */
function codeReader(used: number): (code: bigint) => string | null {
  const text = decodeUnits(units.subarray(0, used));
  return (code) => {
    if (code === 0n) return null;
    const start = Number(code >> 32n) - 1;
    return text.substring(start, start + Number(code & 0xffffffffn));
  };
}

type Enumerate = "vss_enum_objects" | "vss_enum_mgmt_objects";

function enumerateAll<K extends "VSS_OBJECT_PROP" | "VSS_MGMT_OBJECT_PROP">(
  object: IVssEnumObject | IVssEnumMgmtObject,
  symbol: Enumerate,
  struct: K,
  size: number,
): StructResults[K][] | null {
  const lib = thunkLibrary();
  const frees = lib && freesOf(object.runtime);
  if (!lib || !frees) return null;
  const self = selfOf(object, "Next");
  const out: StructResults[K][] = [];
  state.fill(0);
  for (;;) {
    if (records.length < size * 256) records = new Uint8Array(size * 256);
    const capacity = Math.floor(records.length / size);
    const rc = lib[symbol](
      self,
      pointerOf(records),
      capacity,
      pointerOf(units),
      units.length,
      pointerOf(state),
      pointerOf(frees),
    );
    const count = state[0];
    const read = codeReader(state[1]);
    for (const item of readCodedStructs(struct, records, count, read)) out.push(item);
    if (rc < 0) {
      const m = vt[object.interfaceName as "IVssEnumObject"].methods.Next;
      throw new VssError(rc, m.declaredBy, "Next", m.doc);
    }
    if (rc === 1) return out;
    if (rc === 2) {
      // The element at `count` was fetched but its strings did not fit: move it first, grow.
      records.copyWithin(0, count * size, (count + 1) * size);
      if (state[3] > units.length) units = new Uint16Array(Math.max(state[3], units.length * 2));
    }
  }
}

/**
 * Every element an `IVssEnumObject` has left, as {@linkcode IVssEnumObject.Next}
 * calls would return them (strings read, VSS memory freed), in one native call
 * per buffer; the wrapper calls when the thunk library is not loaded.
 *
 * @example All shadow copies a query returns
 * ```ts ignore
 * using list = backup.Query(GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT).ppEnum!;
 * const items = readAllObjects(list);
 * ```
 */
export function readAllObjects(list: IVssEnumObject): ObjectProp[] {
  return enumerateAll(list, "vss_enum_objects", "VSS_OBJECT_PROP", VSS_OBJECT_PROP.size) ??
    drain((n) => list.Next(n));
}

/**
 * Every element an `IVssEnumMgmtObject` has left, as its `Next` would return them.
 *
 * @example All volumes that support shadow copies
 * ```ts ignore
 * using list = mgmt.QueryVolumesSupportedForSnapshots(GUID_NULL, 0).ppEnum!;
 * const volumes = readAllMgmtObjects(list);
 * ```
 */
export function readAllMgmtObjects(list: IVssEnumMgmtObject): MgmtObjectProp[] {
  return enumerateAll(
    list,
    "vss_enum_mgmt_objects",
    "VSS_MGMT_OBJECT_PROP",
    VSS_MGMT_OBJECT_PROP.size,
  ) ?? drain((n) => list.Next(n));
}

function drain<T>(next: (n: number) => { rgelt: T[]; pceltFetched: number }): T[] {
  const out: T[] = [];
  for (;;) {
    const batch = next(1024);
    for (const item of batch.rgelt) out.push(item);
    if (batch.pceltFetched < 1024) return out;
  }
}

/**
 * A writer component's file descriptor, as the requester reads it through
 * the five `IVssWMFiledesc` getters (a null path or filespec reads as "").
 */
export interface FileDescriptor {
  path: string;
  filespec: string;
  recursive: boolean;
  alternateLocation: string | null;
  backupTypeMask: number;
}

const FILE_GETTERS = ["GetFile", "GetDatabaseFile", "GetDatabaseLogFile"] as const;
const DESC_GETTERS = [
  "GetPath",
  "GetFilespec",
  "GetRecursive",
  "GetAlternateLocation",
  "GetBackupTypeMask",
] as const;

/**
 * Files (`which` 0), database files (1) or database log files (2) `0..count-1`
 * of a writer component in one native call: for each descriptor the same
 * getters, frees and Release the wrapper path makes. The wrapper path is used
 * when the thunk library is not loaded.
 *
 * @example All files of a component
 * ```ts ignore
 * const info = component.GetComponentInfo().ppInfo!;
 * const files = readComponentFiles(component, 0, info.cFileCount);
 * ```
 */
export function readComponentFiles(
  component: IVssWMComponent,
  which: 0 | 1 | 2,
  count: number,
): FileDescriptor[] {
  const lib = thunkLibrary();
  const frees = lib && freesOf(component.runtime);
  if (!lib || !frees) return slowFiles(component, which, count);
  const self = selfOf(component, FILE_GETTERS[which]);
  return readRecordBatches<FileDescriptor>(
    count,
    frees,
    (first, batch, ...buffers) => lib.vss_component_files(self, which, first, batch, ...buffers),
    (view, at, read) => ({
      path: read(view.getBigUint64(at, true)) ?? "",
      filespec: read(view.getBigUint64(at + 8, true)) ?? "",
      recursive: records[at + 24] !== 0,
      alternateLocation: read(view.getBigUint64(at + 16, true)),
      backupTypeMask: view.getUint32(at + 28, true),
    }),
    (failedCall) =>
      failedCall === 0
        ? [vt.IVssWMComponent, FILE_GETTERS[which]]
        : [vt.IVssWMFiledesc, DESC_GETTERS[failedCall - 1]],
    () => noObject(FILE_GETTERS[which]),
  );
}

/** What every per-component reader takes after its own arguments: records, strings, state, frees. */
type RecordBuffers = [NativePointer, NativePointer, number, NativePointer, NativePointer];

/**
 * The loop both per-component readers share: ask the native reader for up to
 * 4,096 records of 32 bytes at a time, decode them, grow the string buffer
 * and resume when it says so (rc 2), and turn a failure into the VssError of
 * the call that failed (`state[4]` names it) or a missing object (`state[5]`).
 */
function readRecordBatches<T>(
  count: number,
  frees: BigUint64Array,
  call: (first: number, batch: number, ...buffers: RecordBuffers) => number,
  decode: (view: DataView, at: number, read: (code: bigint) => string | null) => T,
  failedMethod: (failedCall: number) => readonly [{ methods: object }, string],
  missing: () => Error,
): T[] {
  const out: T[] = [];
  let first = 0;
  while (first < count) {
    const batch = Math.min(count - first, 4096);
    if (records.length < batch * 32) records = new Uint8Array(batch * 32);
    const rc = call(
      first,
      batch,
      pointerOf(records),
      pointerOf(units),
      units.length,
      pointerOf(state),
      pointerOf(frees),
    );
    const done = state[0];
    const read = codeReader(state[1]);
    const view = new DataView(records.buffer);
    for (let i = 0; i < done; i++) out.push(decode(view, i * 32, read));
    first += done;
    if (rc < 0) {
      const [table, method] = failedMethod(state[4]);
      const m = (table.methods as Record<string, vt.VtableSlot>)[method];
      throw new VssError(rc, m.declaredBy, method, m.doc);
    }
    if (state[5] === 1) throw missing();
    if (rc === 2) units = new Uint16Array(Math.max(state[3], units.length * 2));
  }
  return out;
}

function slowFiles(component: IVssWMComponent, which: 0 | 1 | 2, count: number) {
  const out: FileDescriptor[] = [];
  for (let i = 0; i < count; i++) {
    out.push(takeFileDescriptor(
      (which === 0
        ? component.GetFile(i)
        : which === 1
        ? component.GetDatabaseFile(i)
        : component.GetDatabaseLogFile(i)).ppFiledesc,
    ));
  }
  return out;
}

/**
 * Reads a file descriptor through its five getters and releases it (a null
 * path or filespec reads as ""); an Error for a null descriptor.
 *
 * @example An exclude file of a writer
 * ```ts ignore
 * const spec = takeFileDescriptor(metadata.GetExcludeFile(0).ppFiledesc);
 * ```
 */
export function takeFileDescriptor(desc: IVssWMFiledesc | null): FileDescriptor {
  if (desc === null) throw new Error("VSS returned no file descriptor");
  using d = desc;
  return {
    path: d.GetPath().pbstrPath ?? "",
    filespec: d.GetFilespec().pbstrFilespec ?? "",
    recursive: d.GetRecursive().pbRecursive,
    alternateLocation: d.GetAlternateLocation().pbstrAlternateLocation,
    backupTypeMask: d.GetBackupTypeMask().pdwTypeMask,
  };
}

/**
 * A dependency of a writer component, as the requester reads it through the
 * three `IVssWMDependency` getters (a null component name reads as "").
 */
export interface ComponentDependency {
  writerId: string;
  logicalPath: string | null;
  componentName: string;
}

const DEPENDENCY_GETTERS = ["GetWriterId", "GetLogicalPath", "GetComponentName"] as const;

/**
 * Dependencies `0..count-1` of a writer component in one native call: for
 * each, `GetDependency` and the same getters, frees and Release the wrapper
 * path makes. The wrapper path is used when the thunk library is not loaded.
 *
 * @example All dependencies of a component
 * ```ts ignore
 * const info = component.GetComponentInfo().ppInfo!;
 * const dependencies = readComponentDependencies(component, info.cDependencies);
 * ```
 */
export function readComponentDependencies(
  component: IVssWMComponent,
  count: number,
): ComponentDependency[] {
  const lib = thunkLibrary();
  const frees = lib && freesOf(component.runtime);
  if (!lib || !frees) return slowDependencies(component, count);
  const self = selfOf(component, "GetDependency");
  return readRecordBatches<ComponentDependency>(
    count,
    frees,
    (first, batch, ...buffers) => lib.vss_component_dependencies(self, first, batch, ...buffers),
    (view, at, read) => ({
      writerId: readGuidBytes(records, at),
      logicalPath: read(view.getBigUint64(at + 16, true)),
      componentName: read(view.getBigUint64(at + 24, true)) ?? "",
    }),
    (failedCall) =>
      failedCall === 0
        ? [vt.IVssWMComponent, "GetDependency"]
        : [vt.IVssWMDependency, DEPENDENCY_GETTERS[failedCall - 1]],
    () => noObject("GetDependency"),
  );
}

function slowDependencies(component: IVssWMComponent, count: number): ComponentDependency[] {
  const out: ComponentDependency[] = [];
  for (let i = 0; i < count; i++) {
    const dependency = component.GetDependency(i).ppDependency;
    if (dependency === null) throw noObject("GetDependency");
    using d = dependency;
    out.push({
      writerId: d.GetWriterId().pWriterId,
      logicalPath: d.GetLogicalPath().pbstrLogicalPath,
      componentName: d.GetComponentName().pbstrComponentName ?? "",
    });
  }
  return out;
}

/**
 * Reads and frees a BSTR in one native call (embedded NULs kept); null for
 * address 0. Uses the runtime's `takeBstr` without the thunk library.
 *
 * @example Read a BSTR an out parameter returned
 * ```ts ignore
 * const name = takeBstrFast(runtime, address);
 * ```
 */
export function takeBstrFast(runtime: VssRuntime, address: bigint): string | null {
  const taken = takeBstrNative(runtime, address);
  return taken === undefined ? runtime.takeBstr(address) : taken;
}

/**
 * {@linkcode takeBstrFast} through the thunk library only: undefined (and
 * nothing freed) when the library is not loaded.
 *
 * @example Fall back to reading and freeing it yourself
 * ```ts ignore
 * const text = takeBstrNative(runtime, address) ?? readThenFree(address);
 * ```
 */
export function takeBstrNative(runtime: VssRuntime, address: bigint): string | null | undefined {
  if (address === 0n) return null;
  const lib = thunkLibrary();
  const frees = lib && freesOf(runtime);
  if (!lib || !frees) return undefined;
  const bstr = backend.pointer(address);
  let n = lib.vss_bstr_take(bstr, pointerOf(units), units.length, pointerOf(frees));
  if (n > units.length) {
    units = new Uint16Array(n);
    n = lib.vss_bstr_take(bstr, pointerOf(units), units.length, pointerOf(frees));
  }
  return decodeUnits(units.subarray(0, n));
}

/** An IVssWMComponent getter succeeded but handed back no object: its result is unusable. */
function noObject(method: string): VssError {
  const m = (vt.IVssWMComponent.methods as Record<string, vt.VtableSlot>)[method];
  return new VssError(HRESULT.E_POINTER, m.declaredBy, method, m.doc);
}
