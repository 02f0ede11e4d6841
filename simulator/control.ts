/**
 * Control of the VSS simulator from TypeScript: where its library is, its
 * control API (volumes, writers, failure injection, timing, call log, leak
 * counters), and a runtime loaded on it. Works on Linux and on Windows
 * (including Windows Deno under Wine).
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

import { VssRuntime } from "../ffi/runtime.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(
  /^\/([A-Za-z]:)/,
  "$1",
);
const windows = Deno.build.os === "windows";

/** Path of the simulator library for this platform (`VSS_SIM_PATH` overrides). */
export const simulatorPath: string = Deno.env.get("VSS_SIM_PATH") ??
  (windows
    ? `${root}build/simulator/windows/vss_sim.dll`
    : `${root}build/simulator/linux/libvss_sim.so`);

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
  vss_sim_fail_writer_at: { parameters: ["i32", "i32", "u32", "u32", "buffer"], result: "i32" },
  vss_sim_set_async_delay: { parameters: ["buffer", "i32"], result: "i32" },
  vss_sim_add_volume: { parameters: ["buffer", "i32"], result: "i32" },
  vss_sim_snapshot_count: { parameters: [], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

const encoder = new TextEncoder();
const cstr = (s: string) => encoder.encode(`${s}\0`);
const optional = (s: string | null | undefined) => s === null || s === undefined ? null : cstr(s);

/** A writer to configure; ids are generated when omitted. */
export interface WriterSpec {
  name: string;
  writerId?: string;
  instanceId?: string;
  usage?: number;
  source?: number;
}

/** A component to configure. */
export interface ComponentSpec {
  type?: number;
  logicalPath?: string | null;
  name: string;
  caption?: string | null;
  selectable?: boolean;
  selectableForRestore?: boolean;
  flags?: number;
}

/** One recorded call. */
export interface CallRecord {
  seq: number;
  interface?: string;
  function?: string;
  method: string;
  slot?: number;
  object?: number;
  args: Record<string, unknown>;
  hr?: number | null;
  refcount?: number;
}

/** Control of the loaded simulator. */
export class Simulator {
  readonly #lib: Deno.DynamicLibrary<typeof CONTROL>;
  constructor(path = simulatorPath) {
    this.#lib = Deno.dlopen(path, CONTROL);
  }
  reset(): void {
    this.#lib.symbols.vss_sim_reset();
  }
  live(): { objects: number; bstrs: number; cotaskmem: number } {
    const s = this.#lib.symbols;
    return {
      objects: s.vss_sim_live_objects(),
      bstrs: s.vss_sim_live_bstrs(),
      cotaskmem: s.vss_sim_live_cotaskmem(),
    };
  }
  calls(): CallRecord[] {
    const s = this.#lib.symbols;
    const out: CallRecord[] = [];
    let buffer = new Uint8Array(4096);
    const n = s.vss_sim_call_count();
    for (let i = 0; i < n; i++) {
      let needed = s.vss_sim_call_json(i, buffer, buffer.length);
      if (needed >= buffer.length) {
        buffer = new Uint8Array(needed + 1);
        needed = s.vss_sim_call_json(i, buffer, buffer.length);
      }
      out.push(JSON.parse(new TextDecoder().decode(buffer.subarray(0, needed))));
    }
    return out;
  }
  lastCall(): CallRecord | undefined {
    return this.calls().at(-1);
  }
  clearCalls(): void {
    this.#lib.symbols.vss_sim_clear_calls();
  }
  recording(on: boolean): void {
    this.#lib.symbols.vss_sim_set_recording(on ? 1 : 0);
  }
  fail(method: string, hr: number, times = 1): void {
    this.#check(this.#lib.symbols.vss_sim_fail(cstr(method), hr >>> 0, times), "fail");
  }
  failAsync(method: string, hr: number): void {
    this.#check(this.#lib.symbols.vss_sim_fail_async(cstr(method), hr >>> 0), "failAsync");
  }
  unknownFrees(): number {
    return this.#lib.symbols.vss_sim_unknown_frees();
  }
  callCapacity(records: number): void {
    this.#lib.symbols.vss_sim_set_call_capacity(records);
  }
  #json(fn: (i: number, b: Uint8Array, cap: number) => number, index: number): unknown {
    let buffer = new Uint8Array(1024);
    let n = fn(index, buffer, buffer.length);
    if (n < 0) return undefined;
    if (n >= buffer.length) {
      buffer = new Uint8Array(n + 1);
      n = fn(index, buffer, buffer.length);
    }
    return JSON.parse(new TextDecoder().decode(buffer.subarray(0, n)));
  }
  snapshots(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const s = this.#lib.symbols;
    for (let i = 0; i < s.vss_sim_snapshot_count(); i++) {
      out.push(
        this.#json((x, b, c) => s.vss_sim_snapshot_json(x, b, c), i) as Record<string, unknown>,
      );
    }
    return out;
  }
  volumeGuidName(name: string): string {
    const buffer = new Uint8Array(256);
    const n = this.#lib.symbols.vss_sim_volume_guid_name(cstr(name), buffer, buffer.length);
    this.#check(n, `volumeGuidName(${name})`);
    return new TextDecoder().decode(buffer.subarray(0, n));
  }
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
        hrFailure >>> 0,
        hrApplication >>> 0,
        optional(message),
      ),
      "setWriterStatus",
    );
  }
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
  setBackupSchema(writer: number, schema: number): void {
    this.#check(
      this.#lib.symbols.vss_sim_set_backup_schema(writer, schema >>> 0),
      "setBackupSchema",
    );
  }
  setRevertBlocked(blocked: boolean): void {
    this.#lib.symbols.vss_sim_set_revert_blocked(blocked ? 1 : 0);
  }
  #check(n: number, what: string): number {
    if (n < 0) throw new Error(`simulator control ${what} rejected its arguments`);
    return n;
  }
  asyncDelay(method: string, ms: number): void {
    this.#check(this.#lib.symbols.vss_sim_set_async_delay(cstr(method), ms), "asyncDelay");
  }
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
    const buffer = new Uint8Array(4096);
    const n = this.#check(
      this.#lib.symbols.vss_sim_snapshot_root(buffer, buffer.length),
      "snapshotRoot",
    );
    return new TextDecoder().decode(buffer.subarray(0, n));
  }
  /** Reloads the machine saved in VSS_SIM_STATE_DIR. */
  reloadState(): void {
    this.#check(this.#lib.symbols.vss_sim_reload_state(), "reloadState");
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
        hrFailure >>> 0,
        hrApplication >>> 0,
        optional(message),
      ),
      "failWriterAt",
    );
  }
  snapshotCount(): number {
    return this.#lib.symbols.vss_sim_snapshot_count();
  }
  close(): void {
    this.#lib.close();
  }
}

/** A runtime on the simulator, with its control, reset before use. */
export function openSimulator(): { runtime: VssRuntime; sim: Simulator } {
  const sim = new Simulator();
  sim.reset();
  const runtime = VssRuntime.load({
    libraryPath: simulatorPath,
    comRuntimePath: windows ? simulatorPath : undefined,
  });
  runtime.initializeCom();
  return { runtime, sim };
}
