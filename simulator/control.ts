/**
 * Control of the VSS simulator: where its library is, its control API
 * (volumes, writers, failure injection, timing, call log, leak counters), and
 * a runtime loaded on it. Built on the binding's FFI backend, so it runs
 * under Deno and under Node (koffi), on Linux and on Windows (including
 * Windows Deno or Node under Wine).
 *
 * @example Configure a writer, then back up against the simulator
 * ```ts ignore
 * import { Simulator } from "./control.ts";
 * const sim = new Simulator();
 * const w = sim.addWriter({ name: "My Writer" });
 * sim.addComponent(w, { name: "data" });
 * ```
 *
 * @module
 */

import { backend } from "../ffi/backend/mod.ts";
import type { ForeignLibraryInterface, NativeLibrary } from "../ffi/backend/types.ts";
import { toUnsigned } from "../ffi/hresult.ts";
import { VssRuntime } from "../ffi/runtime.ts";
import { findSimulator, locateSimulator } from "./location.ts";

/**
 * Path of the simulator library for this platform: `VSS_SIM_PATH` when set,
 * else the one this copy of the library comes with (a checkout's build in
 * `build/simulator/`; in the npm package, the platform package's, or `""`
 * when that is not installed).
 */
export const simulatorPath: string = backend.env("VSS_SIM_PATH") ?? findSimulator() ?? "";

const CONTROL = {
  vss_sim_reset: { parameters: [], result: "void" },
  vss_sim_live_objects: { parameters: [], result: "i32" },
  vss_sim_live_bstrs: { parameters: [], result: "i32" },
  vss_sim_live_cotaskmem: { parameters: [], result: "i32" },
  vss_sim_call_count: { parameters: [], result: "i32" },
  vss_sim_call_json: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  vss_sim_clear_calls: { parameters: [], result: "void" },
  vss_sim_set_recording: { parameters: ["i32"], result: "void" },
  vss_sim_fail: { parameters: ["buffer", "u32", "i32"], result: "i32" },
  vss_sim_fail_async: { parameters: ["buffer", "u32"], result: "i32" },
  vss_sim_unknown_frees: { parameters: [], result: "i32" },
  vss_sim_memory_exact: { parameters: [], result: "i32" },
  vss_sim_memory_spy_hr: { parameters: [], result: "u32" },
  vss_sim_set_call_capacity: { parameters: ["i32"], result: "void" },
  vss_sim_snapshot_json: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  vss_sim_volume_guid_name: { parameters: ["buffer", "buffer", "i32"], result: "i32" },
  vss_sim_set_protection_fault: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  vss_sim_set_revert_blocked: { parameters: ["i32"], result: "void" },
  vss_sim_set_min_diff_area_size: { parameters: ["i64"], result: "void" },
  vss_sim_add_writer: { parameters: ["buffer", "buffer", "buffer", "i32", "i32"], result: "i32" },
  vss_sim_set_writer_instance_name: { parameters: ["i32", "buffer"], result: "i32" },
  vss_sim_set_writer_version: { parameters: ["i32", "u32", "u32"], result: "i32" },
  vss_sim_set_writer_status: { parameters: ["i32", "i32", "u32", "u32", "buffer"], result: "i32" },
  vss_sim_add_component: {
    parameters: ["i32", "i32", "buffer", "buffer", "buffer", "i32", "i32", "u32"],
    result: "i32",
  },
  vss_sim_set_component_notify: { parameters: ["i32", "i32", "i32", "i32"], result: "i32" },
  vss_sim_add_component_file: {
    parameters: ["i32", "i32", "buffer", "buffer", "buffer", "i32", "buffer"],
    result: "i32",
  },
  vss_sim_set_file_type_mask: { parameters: ["i32", "i32", "buffer", "i32", "u32"], result: "i32" },
  vss_sim_add_dependency: {
    parameters: ["i32", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  vss_sim_add_exclude_file: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  vss_sim_add_exclude_from_snapshot: {
    parameters: ["i32", "buffer", "buffer", "i32"],
    result: "i32",
  },
  vss_sim_add_alternate_location_mapping: {
    parameters: ["i32", "buffer", "buffer", "i32", "buffer"],
    result: "i32",
  },
  vss_sim_set_restore_method: {
    parameters: ["i32", "i32", "buffer", "buffer", "i32", "i32"],
    result: "i32",
  },
  vss_sim_set_backup_schema: { parameters: ["i32", "u32"], result: "i32" },
  vss_sim_generate_writers: { parameters: ["i32", "i32", "i32"], result: "i32" },
  vss_sim_generate_snapshots: { parameters: ["i32", "buffer"], result: "i32" },
  vss_sim_set_max_snapshots_per_volume: { parameters: ["i32"], result: "void" },
  vss_sim_set_diff_area_space: { parameters: ["i64"], result: "void" },
  vss_sim_snapshot_root: { parameters: ["buffer", "i32"], result: "i32" },
  vss_sim_reload_state: { parameters: [], result: "i32" },
  vss_sim_state_error: { parameters: ["buffer", "i32"], result: "i32" },
  vss_sim_fail_state_write: { parameters: ["buffer", "i32"], result: "void" },
  vss_sim_set_crash_point: { parameters: ["buffer"], result: "void" },
  vss_sim_fail_writer_at: { parameters: ["i32", "i32", "u32", "u32", "buffer"], result: "i32" },
  vss_sim_set_async_delay: { parameters: ["buffer", "i32"], result: "i32" },
  vss_sim_add_volume: { parameters: ["buffer", "i32"], result: "i32" },
  vss_sim_snapshot_count: { parameters: [], result: "i32" },
  vss_sim_set_hardware_provider: { parameters: ["i32"], result: "void" },
  vss_sim_set_fixed_clock: { parameters: ["i32"], result: "void" },
  vss_sim_set_writer_profile: { parameters: ["buffer"], result: "i32" },
  vss_sim_writer_profile: { parameters: ["buffer", "i32"], result: "i32" },
} as const satisfies ForeignLibraryInterface;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const cstr = (s: string) => encoder.encode(`${s}\0`);
const optional = (s: string | null | undefined) => s === null || s === undefined ? null : cstr(s);

/**
 * The simulated hardware provider's id (VSS_PROV_HARDWARE), listed by
 * listProviders once {@linkcode Simulator.hardwareProvider} registered it.
 *
 * @example Ask that provider for a transportable set
 * ```ts ignore
 * await createShadowCopySet(["C:\\"], { transportable: true, providerId: HARDWARE_PROVIDER_ID });
 * ```
 */
export const HARDWARE_PROVIDER_ID = "5a1d0000-0000-4000-8000-4857c0de0001";

/**
 * The writer profiles {@linkcode Simulator.writerProfile} installs.
 *
 * @example
 * ```ts ignore
 * const profile: WriterProfile = "windows-server";
 * ```
 */
export type WriterProfile = "none" | "windows-server";

/** A writer to configure; ids are generated when omitted. */
export interface WriterSpec {
  /** The writer's name, as GetWriterMetadata reports it. */
  name: string;
  /** The writer class id (a GUID string); generated when omitted. */
  writerId?: string;
  /** The writer instance id (a GUID string); generated when omitted. */
  instanceId?: string;
  /** A VSS_USAGE_TYPE value (default 3, VSS_UT_USERDATA). */
  usage?: number;
  /** A VSS_SOURCE_TYPE value (default 1, VSS_ST_TRANSACTEDDB). */
  source?: number;
}

/** A component to configure. */
export interface ComponentSpec {
  /** A VSS_COMPONENT_TYPE value (default 2, VSS_CT_FILEGROUP). */
  type?: number;
  /** The logical path above the component, or null for none. */
  logicalPath?: string | null;
  /** The component's name. */
  name: string;
  /** The text a user sees for the component, or null. */
  caption?: string | null;
  /** Whether a backup may select the component (default true). */
  selectable?: boolean;
  /** Whether a restore may select the component (default true). */
  selectableForRestore?: boolean;
  /** VSS_COMPONENT_FLAGS bits (default 0). */
  flags?: number;
}

/** One recorded call. */
export interface CallRecord {
  /** Position in the log since the last reset. */
  seq: number;
  /** The interface of a method call (absent for an exported function). */
  interface?: string;
  /** The exported function called (absent for a method call). */
  function?: string;
  /** The method called (absent for an exported function). */
  method?: string;
  /** The vtable slot the call landed in. */
  slot?: number;
  /** The simulator's id of the object called. */
  object?: number;
  /** The arguments as the simulator received them; out pointers show as `"ptr"`. */
  args: Record<string, unknown>;
  /** The HRESULT returned, or null for a call that returns none. */
  hr?: number | null;
  /** The reference count AddRef or Release returned. */
  refcount?: number;
}

/** What the simulator still holds: COM objects, BSTRs and task-memory blocks. */
export interface LiveCounts {
  /** Simulated COM objects not yet destroyed. */
  objects: number;
  /** BSTRs handed out and not freed. */
  bstrs: number;
  /** CoTaskMem blocks handed out and not freed. */
  cotaskmem: number;
}

type ControlLibrary = NativeLibrary<typeof CONTROL>;

/**
 * A JSON text the library writes into a buffer of `capacity` bytes (returning
 * its full length, or a negative number when there is none): grown once
 * when the first buffer was too small.
 */
function readText(write: (buffer: Uint8Array, capacity: number) => number, size = 4096) {
  let buffer = new Uint8Array(size);
  let n = write(buffer, buffer.length);
  if (n < 0) return null;
  if (n >= buffer.length) {
    buffer = new Uint8Array(n + 1);
    n = write(buffer, buffer.length);
  }
  return decoder.decode(buffer.subarray(0, n));
}

/**
 * Control of the loaded simulator: its machine (volumes, writers, shadow
 * copies), injected failures and delays, the call log and the leak counters.
 * The state belongs to the library, so every `Simulator` and runtime loaded
 * from the same path in a process sees the same machine.
 */
export class Simulator {
  readonly #lib: ControlLibrary;
  /** Loads the simulator library at `path` (default {@linkcode simulatorPath}). */
  constructor(path: string = simulatorPath || locateSimulator()) {
    this.#lib = backend.open(path, CONTROL);
  }
  /** Back to the initial machine: volume C:\, no writers, no shadow copies, no rules. */
  reset(): void {
    this.#lib.symbols.vss_sim_reset();
  }
  /** The COM objects, BSTRs and task-memory blocks still alive. */
  live(): LiveCounts {
    const s = this.#lib.symbols;
    return {
      objects: s.vss_sim_live_objects(),
      bstrs: s.vss_sim_live_bstrs(),
      cotaskmem: s.vss_sim_live_cotaskmem(),
    };
  }
  /** The call log, oldest first. */
  calls(): CallRecord[] {
    const s = this.#lib.symbols;
    const out: CallRecord[] = [];
    const n = s.vss_sim_call_count();
    for (let i = 0; i < n; i++) {
      const text = readText((b, cap) => s.vss_sim_call_json(i, b, cap));
      if (text !== null) out.push(JSON.parse(text));
    }
    return out;
  }
  /** The latest recorded call. */
  lastCall(): CallRecord | undefined {
    return this.calls().at(-1);
  }
  /** Empties the call log. */
  clearCalls(): void {
    this.#lib.symbols.vss_sim_clear_calls();
  }
  /** Turns call recording on or off. */
  recording(on: boolean): void {
    this.#lib.symbols.vss_sim_set_recording(on ? 1 : 0);
  }
  /**
   * The next `times` calls of `method` (`"Interface::Method"`, an exported
   * function's name, or `"*"`) return `hr` and do nothing else; -1: every
   * call, 0 removes the rule.
   */
  fail(method: string, hr: number, times = 1): void {
    this.#check(this.#lib.symbols.vss_sim_fail(cstr(method), toUnsigned(hr), times), "fail");
  }
  /** The asynchronous operations `method` starts end with `hr` (0 removes the rule). */
  failAsync(method: string, hr: number): void {
    this.#check(this.#lib.symbols.vss_sim_fail_async(cstr(method), toUnsigned(hr)), "failAsync");
  }
  /** Frees of pointers the simulator never handed out. */
  unknownFrees(): number {
    return this.#lib.symbols.vss_sim_unknown_frees();
  }
  /**
   * Whether the leak counters stay exact whoever frees the simulator's BSTRs
   * and task memory: always on Linux; on Windows while the simulator's
   * IMallocSpy is registered, so that frees through the system's own
   * SysFreeString/CoTaskMemFree count too. False: only frees through the
   * simulator's exported forwarders count (another spy came first, or
   * `VSS_SIM_MALLOC_SPY=0`); {@linkcode Simulator.memorySpyResult} says why.
   */
  memoryExact(): boolean {
    return this.#lib.symbols.vss_sim_memory_exact() === 1;
  }
  /**
   * What CoRegisterMallocSpy answered the simulator (an unsigned HRESULT):
   * S_OK, CO_E_OBJISREG (0x800401FC) when another spy was registered first,
   * S_FALSE when `VSS_SIM_MALLOC_SPY=0` kept it from asking; E_NOTIMPL on Linux.
   */
  memorySpyResult(): number {
    return this.#lib.symbols.vss_sim_memory_spy_hr();
  }
  /** How many records the call log keeps (the oldest go first); also clears it. */
  callCapacity(records: number): void {
    this.#lib.symbols.vss_sim_set_call_capacity(records);
  }
  /** The shadow copies, in creation order, as the simulator describes them. */
  snapshots(): Record<string, unknown>[] {
    const s = this.#lib.symbols;
    const out: Record<string, unknown>[] = [];
    const n = s.vss_sim_snapshot_count();
    for (let i = 0; i < n; i++) {
      const text = readText((b, cap) => s.vss_sim_snapshot_json(i, b, cap), 1024);
      if (text !== null) out.push(JSON.parse(text));
    }
    return out;
  }
  /** The `\\?\Volume{...}\` name of a volume. */
  volumeGuidName(name: string): string {
    const text = readText(
      (b, cap) => this.#lib.symbols.vss_sim_volume_guid_name(cstr(name), b, cap),
      256,
    );
    if (text === null) throw new RangeError(`the simulator has no volume ${name}`);
    return text;
  }
  /** Adds a writer; returns its index. */
  addWriter(w: WriterSpec): number {
    return this.#check(
      this.#lib.symbols.vss_sim_add_writer(
        cstr(w.name),
        optional(w.writerId),
        optional(w.instanceId),
        w.usage ?? 3,
        w.source ?? 1,
      ),
      `addWriter(${w.name})`,
    );
  }
  /** The state (a VSS_WRITER_STATE value), failure and message a writer reports. */
  setWriterStatus(
    writer: number,
    state: number,
    hrFailure = 0,
    hrApplication = 0,
    message: string | null = null,
  ): void {
    this.#check(
      this.#lib.symbols.vss_sim_set_writer_status(
        writer,
        state,
        toUnsigned(hrFailure),
        toUnsigned(hrApplication),
        optional(message),
      ),
      "setWriterStatus",
    );
  }
  /** Adds a component to a writer; returns its index within the writer. */
  addComponent(writer: number, c: ComponentSpec): number {
    return this.#check(
      this.#lib.symbols.vss_sim_add_component(
        writer,
        c.type ?? 2,
        optional(c.logicalPath),
        cstr(c.name),
        optional(c.caption),
        c.selectable === false ? 0 : 1,
        c.selectableForRestore === false ? 0 : 1,
        c.flags ?? 0,
      ),
      `addComponent(${c.name})`,
    );
  }
  /** Adds a file, database or log file set to a component; returns its index within its kind. */
  addComponentFile(
    writer: number,
    component: number,
    kind: "file" | "database" | "log",
    path: string,
    filespec: string,
    recursive = false,
    alternate: string | null = null,
  ): number {
    return this.#check(
      this.#lib.symbols.vss_sim_add_component_file(
        writer,
        component,
        cstr(kind),
        cstr(path),
        cstr(filespec),
        recursive ? 1 : 0,
        optional(alternate),
      ),
      "addComponentFile",
    );
  }
  /** The component depends on another writer's component. */
  addDependency(
    writer: number,
    component: number,
    writerId: string,
    logicalPath: string | null,
    name: string,
  ): void {
    this.#check(
      this.#lib.symbols.vss_sim_add_dependency(
        writer,
        component,
        cstr(writerId),
        optional(logicalPath),
        cstr(name),
      ),
      "addDependency",
    );
  }
  /** Files the writer excludes from its backups. */
  addExcludeFile(writer: number, path: string, filespec: string, recursive = false): void {
    this.#check(
      this.#lib.symbols.vss_sim_add_exclude_file(
        writer,
        cstr(path),
        cstr(filespec),
        recursive ? 1 : 0,
      ),
      "addExcludeFile",
    );
  }
  /** Files the writer excludes from shadow copies. */
  addExcludeFromSnapshot(writer: number, path: string, filespec: string, recursive = false): void {
    this.#check(
      this.#lib.symbols.vss_sim_add_exclude_from_snapshot(
        writer,
        cstr(path),
        cstr(filespec),
        recursive ? 1 : 0,
      ),
      "addExcludeFromSnapshot",
    );
  }
  /** Where the writer's files go when restored to another location. */
  addAlternateLocationMapping(
    writer: number,
    path: string,
    filespec: string,
    recursive: boolean,
    destination: string,
  ): void {
    this.#check(
      this.#lib.symbols.vss_sim_add_alternate_location_mapping(
        writer,
        cstr(path),
        cstr(filespec),
        recursive ? 1 : 0,
        cstr(destination),
      ),
      "addAlternateLocationMapping",
    );
  }
  /** The writer's restore method (a VSS_RESTOREMETHOD_ENUM value) and its details. */
  setRestoreMethod(
    writer: number,
    method: number,
    service: string | null,
    userProcedure: string | null,
    writerRestore: number,
    rebootRequired: boolean,
  ): void {
    this.#check(
      this.#lib.symbols.vss_sim_set_restore_method(
        writer,
        method,
        optional(service),
        optional(userProcedure),
        writerRestore,
        rebootRequired ? 1 : 0,
      ),
      "setRestoreMethod",
    );
  }
  /** The backup schema bits (VSS_BACKUP_SCHEMA) the writer supports. */
  setBackupSchema(writer: number, schema: number): void {
    this.#check(
      this.#lib.symbols.vss_sim_set_backup_schema(writer, toUnsigned(schema)),
      "setBackupSchema",
    );
  }
  /** What ShouldBlockRevertInternal answers; when blocked, RevertToSnapshot fails. */
  setRevertBlocked(blocked: boolean): void {
    this.#lib.symbols.vss_sim_set_revert_blocked(blocked ? 1 : 0);
  }
  /** A control function's result: a negative one means it refused its arguments. */
  #check(n: number, what: string): number {
    if (n < 0) throw new RangeError(`simulator control ${what} rejected its arguments`);
    return n;
  }
  /**
   * The asynchronous operations `method` starts finish `ms` milliseconds after
   * they start; -1: only Cancel ends them; 0 (the default): at once.
   */
  asyncDelay(method: string, ms: number): void {
    this.#check(this.#lib.symbols.vss_sim_set_async_delay(cstr(method), ms), "asyncDelay");
  }
  /** Adds a volume (or changes whether an existing one is supported); returns its index. */
  addVolume(name: string, supported = true): number {
    return this.#check(
      this.#lib.symbols.vss_sim_add_volume(cstr(name), supported ? 1 : 0),
      "addVolume",
    );
  }
  /** Adds `writers` writers with `components` components of `files` files each. */
  generateWriters(writers: number, components: number, files: number): void {
    this.#check(
      this.#lib.symbols.vss_sim_generate_writers(writers, components, files),
      "generateWriters",
    );
  }
  /** Adds `count` persistent shadow copies of `volume` at once. */
  generateSnapshots(count: number, volume: string): void {
    this.#check(
      this.#lib.symbols.vss_sim_generate_snapshots(count, cstr(volume)),
      "generateSnapshots",
    );
  }
  /** Beyond `n` shadow copies of a volume, AddToSnapshotSet fails (negative: no limit). */
  maxSnapshotsPerVolume(n: number): void {
    this.#lib.symbols.vss_sim_set_max_snapshots_per_volume(n);
  }
  /** Shadow copy storage: a DoSnapshotSet copying more bytes than this ends with VSS_E_INSUFFICIENT_STORAGE (-1: no limit). */
  diffAreaSpace(bytes: bigint): void {
    this.#lib.symbols.vss_sim_set_diff_area_space(bytes);
  }
  /** The folder where the copies of directory volumes go. */
  snapshotRoot(): string {
    const text = readText((b, cap) => this.#lib.symbols.vss_sim_snapshot_root(b, cap));
    if (text === null) throw new Error("the simulator could not create its snapshot folder");
    return text;
  }
  /** Reloads the machine saved in VSS_SIM_STATE_DIR. */
  reloadState(): void {
    this.#check(this.#lib.symbols.vss_sim_reload_state(), "reloadState");
  }
  /**
   * The last problem with the state directory (a corrupt or unreadable state
   * file, a failed write), naming the file and what to do; null when none.
   */
  stateError(): string | null {
    const text = readText((b, cap) => this.#lib.symbols.vss_sim_state_error(b, cap));
    return text ? text : null;
  }
  /**
   * The next `times` state writes at `step` fail (`"*"` any step; -1 always,
   * 0 removes): the operation is undone and fails.
   */
  failStateWrite(step: string, times = 1): void {
    this.#lib.symbols.vss_sim_fail_state_write(cstr(step), times);
  }
  /** The process ends (exit code 86) at the named crash point; null: none. */
  crashPoint(name: string | null): void {
    this.#lib.symbols.vss_sim_set_crash_point(optional(name));
  }
  /** The writer reports `failedState` (a VSS_WS_FAILED_AT_* value) once the flow reaches that phase. */
  failWriterAt(
    writer: number,
    failedState: number,
    hrFailure: number,
    hrApplication = 0,
    message: string | null = null,
  ): void {
    this.#check(
      this.#lib.symbols.vss_sim_fail_writer_at(
        writer,
        failedState,
        toUnsigned(hrFailure),
        toUnsigned(hrApplication),
        optional(message),
      ),
      "failWriterAt",
    );
  }
  /**
   * Registers (or, with false, unregisters) the simulated hardware provider
   * {@linkcode HARDWARE_PROVIDER_ID}: with it, transportable shadow copy sets,
   * ImportSnapshots and BreakSnapshotSet(Ex) work; without it only the system
   * provider is there and they fail as on Windows. Saved with the state
   * directory (also set by `VSS_SIM_HARDWARE_PROVIDER=1` at load).
   *
   * @example Make a transportable set possible
   * ```ts ignore
   * sim.hardwareProvider(true);
   * ```
   */
  hardwareProvider(on: boolean): void {
    this.#lib.symbols.vss_sim_set_hardware_provider(on ? 1 : 0);
  }
  /**
   * Creation times from a fixed clock (2024-01-01T00:00:00Z plus N seconds
   * for the Nth shadow copy) instead of the real one (also set by
   * `VSS_SIM_FIXED_CLOCK=1` at load; not saved).
   *
   * @example Reproducible timestamps
   * ```ts ignore
   * sim.fixedClock(true);
   * ```
   */
  fixedClock(on: boolean): void {
    this.#lib.symbols.vss_sim_set_fixed_clock(on ? 1 : 0);
  }
  /**
   * Installs a writer profile: `"windows-server"` (System, Registry, COM+
   * REGDB and WMI writers and SqlServerWriter with its databases) or
   * `"none"`; writers added with {@linkcode Simulator.addWriter} stay. Saved
   * with the state directory (also set by `VSS_SIM_WRITER_PROFILE` at load).
   *
   * @example Look like a Windows Server
   * ```ts ignore
   * sim.writerProfile("windows-server");
   * ```
   */
  writerProfile(name: WriterProfile): void {
    if (this.#lib.symbols.vss_sim_set_writer_profile(cstr(name)) < 0) {
      throw new RangeError(
        `unknown writer profile ${JSON.stringify(name)} (known: none, windows-server)`,
      );
    }
  }
  /** The installed writer profile's name. */
  currentWriterProfile(): WriterProfile {
    return (readText((b, cap) => this.#lib.symbols.vss_sim_writer_profile(b, cap)) ??
      "none") as WriterProfile;
  }
  /** How many shadow copies exist. */
  snapshotCount(): number {
    return this.#lib.symbols.vss_sim_snapshot_count();
  }
  /** Unloads this handle on the library (the machine stays while another handle is open). */
  close(): void {
    this.#lib.close();
  }
}

/**
 * A runtime on the simulator (COM initialised) and its control, the
 * simulator reset first. On Windows the simulator also stands in for
 * oleaut32/ole32's BSTR and task memory, so its leak counters see every
 * allocation.
 */
export function openSimulator(): { runtime: VssRuntime; sim: Simulator } {
  const sim = new Simulator();
  sim.reset();
  const runtime = VssRuntime.load({ libraryPath: simulatorPath, simulator: true });
  runtime.initializeCom();
  return { runtime, sim };
}
