/**
 * Which VSS the CLI drives: the system's, or the simulator when
 * `--simulator[=PATH]` asks for it. On Windows only the flag loads another
 * library (an environment variable never does); elsewhere there is no system
 * VSS and `VSS_LIBRARY_PATH` still names the simulator, as in the library.
 * Whenever the VSS in use is not the system's, stderr says so before the
 * command runs; COM initialisation warnings are printed in the CLI's style.
 *
 * @module
 */

import { type ComWarning, type OpenOptions, openVss } from "../mod.ts";
import type { VssRuntime } from "../ffi/mod.ts";
import type { Options } from "./args.ts";
import type { Output } from "./output.ts";

/** The line printed on stderr when the VSS in use is not the system's. */
export function notice(runtime: VssRuntime): string | null {
  const { kind, vss } = runtime.loaded;
  return kind === "system" ? null : `vss: using ${kind} VSS ${vss}`;
}

/** A COM initialisation warning as the CLI prints it (like an error: a line and its hint). */
export function warningText(warning: ComWarning): string {
  return `warning: ${warning.message}\nhint: ${warning.hint}`;
}

/**
 * Opens VSS for the command about to run, as the options ask, and says on
 * stderr when it is not the system's. In a process where VSS is already
 * open (a host that loaded the simulator first), without `--simulator`, that
 * runtime is used.
 */
export function openRuntime(opts: Options, out: Output): VssRuntime {
  const simulator = opts.optional("simulator");
  const options: OpenOptions = {
    onWarning: (w) => out.rawError(warningText(w)),
  };
  if (simulator !== undefined) {
    options.simulator = true;
    if (simulator !== true) options.libraryPath = simulator;
  }
  const runtime = openVss(options);
  const line = notice(runtime);
  if (line !== null) out.rawError(line);
  return runtime;
}
