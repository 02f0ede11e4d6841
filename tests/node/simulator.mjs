/**
 * Node test helper: the simulator's control API (simulator/include/vss_sim.h)
 * bound with koffi, and a runtime of the installed package loaded on the same
 * library (VSS_LIBRARY_PATH).
 *
 * @module
 */

import process from "node:process";
import koffi from "koffi";
import { VssRuntime } from "@vss/requester";

/** The simulator library the tests run against. */
export const simulatorPath = process.env.VSS_LIBRARY_PATH;
if (!simulatorPath) {
  throw new Error("set VSS_LIBRARY_PATH to the simulator (build/simulator/linux/libvss_sim.so)");
}

// Prototypes as vss_sim.h declares them; koffi passes JS strings as UTF-8.
const PROTOTYPES = [
  "void vss_sim_reset(void)",
  "int32_t vss_sim_live_objects(void)",
  "int32_t vss_sim_live_bstrs(void)",
  "int32_t vss_sim_live_cotaskmem(void)",
  "int32_t vss_sim_unknown_frees(void)",
  "int32_t vss_sim_call_count(void)",
  "int32_t vss_sim_call_json(int32_t index, _Out_ uint8_t *buf, int32_t cap)",
  "void vss_sim_clear_calls(void)",
  "void vss_sim_set_recording(int32_t on)",
  "int32_t vss_sim_fail(const char *method, uint32_t hr, int32_t times)",
  "int32_t vss_sim_fail_async(const char *method, uint32_t hr)",
  "int32_t vss_sim_set_async_delay(const char *method, int32_t ms)",
  "int32_t vss_sim_add_volume(const char *name, int32_t supported)",
  "int32_t vss_sim_volume_guid_name(const char *name, _Out_ uint8_t *buf, int32_t cap)",
  "int32_t vss_sim_snapshot_count(void)",
  "int32_t vss_sim_add_writer(const char *name, const char *writer_id, const char *instance_id, int32_t usage, int32_t source)",
  "int32_t vss_sim_set_writer_status(int32_t writer, int32_t state, uint32_t hr_failure, uint32_t hr_application, const char *message)",
  "int32_t vss_sim_add_component(int32_t writer, int32_t type, const char *logical_path, const char *name, const char *caption, int32_t selectable, int32_t selectable_for_restore, uint32_t flags)",
  "int32_t vss_sim_add_component_file(int32_t writer, int32_t comp, const char *kind, const char *path, const char *filespec, int32_t recursive, const char *alternate)",
  "int32_t vss_sim_add_dependency(int32_t writer, int32_t comp, const char *writer_id, const char *logical_path, const char *component_name)",
  "int32_t vss_sim_add_exclude_file(int32_t writer, const char *path, const char *filespec, int32_t recursive)",
  "int32_t vss_sim_add_exclude_from_snapshot(int32_t writer, const char *path, const char *filespec, int32_t recursive)",
  "int32_t vss_sim_add_alternate_location_mapping(int32_t writer, const char *path, const char *filespec, int32_t recursive, const char *destination)",
];

const decoder = new TextDecoder();

/** Control of the simulator loaded at `path`. */
export class Simulator {
  #lib;
  #fn = {};

  constructor(path = simulatorPath) {
    this.#lib = koffi.load(path);
    for (const prototype of PROTOTYPES) {
      const name = /\b(vss_sim_\w+)\(/.exec(prototype)[1];
      this.#fn[name.slice("vss_sim_".length)] = this.#lib.func(prototype);
    }
  }

  #ok(n, what) {
    if (n < 0) throw new Error(`simulator control ${what} refused its arguments`);
    return n;
  }

  /** A JSON text written by `write(buffer, capacity)` (grown once when cut). */
  #text(write) {
    let buffer = new Uint8Array(2048);
    let n = write(buffer, buffer.length);
    if (n < 0) return null;
    if (n >= buffer.length) {
      buffer = new Uint8Array(n + 1);
      n = write(buffer, buffer.length);
    }
    return decoder.decode(buffer.subarray(0, n));
  }

  reset() {
    this.#fn.reset();
  }
  live() {
    return {
      objects: this.#fn.live_objects(),
      bstrs: this.#fn.live_bstrs(),
      cotaskmem: this.#fn.live_cotaskmem(),
    };
  }
  unknownFrees() {
    return this.#fn.unknown_frees();
  }
  calls() {
    const out = [];
    const count = this.#fn.call_count();
    for (let i = 0; i < count; i++) {
      out.push(JSON.parse(this.#text((b, cap) => this.#fn.call_json(i, b, cap))));
    }
    return out;
  }
  clearCalls() {
    this.#fn.clear_calls();
  }
  recording(on) {
    this.#fn.set_recording(on ? 1 : 0);
  }
  fail(method, hr, times = 1) {
    this.#ok(this.#fn.fail(method, hr >>> 0, times), "fail");
  }
  failAsync(method, hr) {
    this.#ok(this.#fn.fail_async(method, hr >>> 0), "failAsync");
  }
  asyncDelay(method, ms) {
    this.#ok(this.#fn.set_async_delay(method, ms), "asyncDelay");
  }
  addVolume(name, supported = true) {
    return this.#ok(this.#fn.add_volume(name, supported ? 1 : 0), "addVolume");
  }
  volumeGuidName(name) {
    return this.#text((b, cap) => this.#fn.volume_guid_name(name, b, cap));
  }
  snapshotCount() {
    return this.#fn.snapshot_count();
  }
  addWriter({ name, writerId = null, instanceId = null, usage = 3, source = 1 }) {
    return this.#ok(this.#fn.add_writer(name, writerId, instanceId, usage, source), "addWriter");
  }
  setWriterStatus(writer, state, hrFailure = 0, hrApplication = 0, message = null) {
    this.#ok(
      this.#fn.set_writer_status(writer, state, hrFailure >>> 0, hrApplication >>> 0, message),
      "setWriterStatus",
    );
  }
  addComponent(writer, c) {
    return this.#ok(
      this.#fn.add_component(
        writer,
        c.type ?? 2,
        c.logicalPath ?? null,
        c.name,
        c.caption ?? null,
        c.selectable === false ? 0 : 1,
        c.selectableForRestore === false ? 0 : 1,
        c.flags ?? 0,
      ),
      "addComponent",
    );
  }
  addComponentFile(writer, component, kind, path, filespec, recursive = false, alternate = null) {
    return this.#ok(
      this.#fn.add_component_file(
        writer,
        component,
        kind,
        path,
        filespec,
        recursive ? 1 : 0,
        alternate,
      ),
      "addComponentFile",
    );
  }
  addDependency(writer, component, writerId, logicalPath, name) {
    this.#ok(
      this.#fn.add_dependency(writer, component, writerId, logicalPath, name),
      "addDependency",
    );
  }
  addExcludeFile(writer, path, filespec, recursive = false) {
    this.#ok(this.#fn.add_exclude_file(writer, path, filespec, recursive ? 1 : 0), "exclude");
  }
  addExcludeFromSnapshot(writer, path, filespec, recursive = false) {
    this.#ok(
      this.#fn.add_exclude_from_snapshot(writer, path, filespec, recursive ? 1 : 0),
      "excludeFromSnapshot",
    );
  }
  addAlternateLocationMapping(writer, path, filespec, recursive, destination) {
    this.#ok(
      this.#fn.add_alternate_location_mapping(
        writer,
        path,
        filespec,
        recursive ? 1 : 0,
        destination,
      ),
      "alternateLocationMapping",
    );
  }
  close() {
    this.#lib.unload();
  }
}

/** A runtime of the installed package on the simulator, COM initialised, and its control. */
export function openSimulator() {
  const sim = new Simulator();
  sim.reset();
  // On Windows the simulator also stands in for oleaut32/ole32's BSTR and task
  // memory, so that its leak counters see every allocation.
  const runtime = VssRuntime.load({
    libraryPath: simulatorPath,
    comRuntimePath: process.platform === "win32" ? simulatorPath : undefined,
  });
  runtime.initializeCom();
  return { runtime, sim };
}

/** Asserts that the simulator holds no object, BSTR or task memory and saw no bad free. */
export function nothingLeft(sim, assert) {
  assert.deepStrictEqual(sim.live(), { objects: 0, bstrs: 0, cotaskmem: 0 });
  assert.strictEqual(sim.unknownFrees(), 0);
}
