/**
 * What the binding and the requester API need to know about the process,
 * the same under Deno and Node: operating system, architecture, environment
 * variables, whether a file exists, a monotonic clock. Backed by
 * {@link ./backend/mod.ts}.
 *
 * @module
 */

import { backend } from "./backend/mod.ts";
import type { OperatingSystem } from "./backend/types.ts";

/** `deno` or `node`. */
export const runtimeName: "deno" | "node" = backend.runtime;

/** The operating system, as `Deno.build.os` names it (`windows`, `linux`, ...). */
export const os: OperatingSystem = backend.os;

/** The process architecture, as `Deno.build.arch` names it (`x86_64`, `aarch64`). */
export const arch: string = backend.arch;

/**
 * An environment variable; undefined when unset, empty, or (under Deno) not
 * readable without a permission prompt.
 *
 * @example Read an optional override
 * ```ts
 * import { readEnv } from "./platform.ts";
 * const path = readEnv("VSS_LIBRARY_PATH") ?? "vssapi.dll";
 * ```
 */
export function readEnv(name: string): string | undefined {
  return backend.env(name);
}

/**
 * Whether `path` names an existing regular file (false when it cannot be read).
 *
 * @example Look for a library
 * ```ts
 * import { isFile } from "./platform.ts";
 * console.log(isFile("/nonexistent")); // false
 * ```
 */
export function isFile(path: string): boolean {
  return backend.isFile(path);
}

/**
 * Milliseconds from a monotonic clock (`performance.now()`).
 *
 * @example Time an operation
 * ```ts
 * import { now } from "./platform.ts";
 * const started = now();
 * console.log(now() - started >= 0); // true
 * ```
 */
export function now(): number {
  return performance.now();
}

/** Whether `error` is a missing runtime permission (Deno's --allow-ffi, Node's permission model). */
export function isPermissionError(error: unknown): boolean {
  return backend.isPermissionError(error);
}

/** What to do about a missing FFI permission. */
export const permissionHint: string = backend.permissionHint;
