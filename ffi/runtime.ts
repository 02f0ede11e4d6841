/**
 * The loaded VSS runtime: libraries, COM initialisation and the memory
 * helpers that ownership rules need (BSTRs, task memory).
 *
 * @module
 */

import { prepareScratch } from "./scratch.ts";
import { loadLibraries, type LoadOptions, type VssLibraries } from "./library.ts";
import { hex, VssArgumentError, VssError, VssUnavailableError } from "./errors.ts";
import { readBstr, readWideStringAt } from "./wide_string.ts";
import { backend } from "./backend/mod.ts";
import type { PointerValue } from "./backend/types.ts";

/** `CoInitializeEx` results that mean COM is usable. */
const S_OK = 0;
const S_FALSE = 1;
const RPC_E_CHANGED_MODE = 0x80010106 | 0;
const RPC_E_TOO_LATE = 0x80010119 | 0;

/**
 * Options for {@linkcode VssRuntime.initializeCom}.
 *
 * @example The host process already set COM security
 * ```ts
 * import type { ComInitOptions } from "./runtime.ts";
 *
 * const options: ComInitOptions = { security: false };
 * console.log(options);
 * ```
 */
export interface ComInitOptions {
  /**
   * `true` (default) calls CoInitializeSecurity with the settings the
   * requester security guidance gives for Windows 8 and later (packet
   * privacy, impersonate, static cloaking); `"legacy"` uses identify and no
   * cloaking; `false` skips the call (the process must have made it).
   */
  security?: boolean | "legacy";
}

/**
 * What {@linkcode VssRuntime.initializeCom} found.
 *
 * @example Warn when COM security was set by someone else
 * ```ts
 * import type { ComInitResult } from "./runtime.ts";
 *
 * function check(result: ComInitResult): void {
 *   if (result.security === "already-set") console.warn("COM security was set earlier");
 * }
 * check({ apartment: "initialized", security: "set" });
 * ```
 */
export interface ComInitResult {
  /** `initialized`, `already` (S_FALSE) or `other-apartment` (RPC_E_CHANGED_MODE). */
  apartment: "initialized" | "already" | "other-apartment";
  /** `set`, `already-set` (RPC_E_TOO_LATE) or `skipped`. */
  security: "set" | "already-set" | "skipped";
}

/**
 * The loaded libraries plus the allocation helpers every wrapper uses.
 *
 * @example Load the simulator and initialise COM
 * ```ts
 * import { VssRuntime } from "./runtime.ts";
 * const runtime = VssRuntime.load({ libraryPath: "build/simulator/linux/libvss_sim.so" });
 * runtime.initializeCom();
 * runtime.close();
 * ```
 */
export class VssRuntime {
  /** The libraries in use. */
  readonly libs: VssLibraries;
  #closed = false;

  private constructor(libs: VssLibraries) {
    this.libs = libs;
  }

  /** Loads VSS (see {@linkcode loadLibraries}). */
  static load(options: LoadOptions = {}): VssRuntime {
    const runtime = new VssRuntime(loadLibraries(options));
    prepareScratch();
    return runtime;
  }

  /**
   * Initialises COM for this thread (multithreaded apartment) and COM
   * security. Never called implicitly: a requester that skips the security
   * call is the cause of VSS event 8194 in the field.
   */
  initializeCom(options: ComInitOptions = {}): ComInitResult {
    const hr = this.libs.ole32.CoInitializeEx(null, 0 /* COINIT_MULTITHREADED */);
    let apartment: ComInitResult["apartment"];
    if (hr === S_OK) apartment = "initialized";
    else if (hr === S_FALSE) apartment = "already";
    else if (hr === RPC_E_CHANGED_MODE) apartment = "other-apartment";
    else throw new VssError(hr, "ole32", "CoInitializeEx", null);
    const security = options.security ?? true;
    if (security === false) return { apartment, security: "skipped" };
    const legacy = security === "legacy";
    const shr = this.libs.ole32.CoInitializeSecurity(
      null,
      -1,
      null,
      null,
      6, // RPC_C_AUTHN_LEVEL_PKT_PRIVACY
      legacy ? 2 : 3, // RPC_C_IMP_LEVEL_IDENTIFY : RPC_C_IMP_LEVEL_IMPERSONATE
      null,
      legacy ? 0 : 0x20, // EOAC_NONE : EOAC_STATIC_CLOAKING
      null,
    );
    if (shr === S_OK) return { apartment, security: "set" };
    if (shr === RPC_E_TOO_LATE) return { apartment, security: "already-set" };
    throw new VssError(shr, "ole32", "CoInitializeSecurity", null);
  }

  /** A new BSTR holding `text` (embedded NULs kept); null stays null. Free it with {@linkcode freeBstr}. */
  allocBstr(text: string | null | undefined, parameter: string): PointerValue {
    if (text === null || text === undefined) return null;
    if (typeof text !== "string") {
      throw new VssArgumentError(parameter, `must be a string, got ${typeof text}`);
    }
    const units = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    const bstr = this.libs.memory.SysAllocStringLen(units, text.length);
    if (bstr === null) throw new VssError(0x8007000e, "oleaut32", "SysAllocStringLen", null);
    return bstr;
  }

  /** Frees a BSTR (null is fine). */
  freeBstr(bstr: PointerValue): void {
    if (bstr !== null) this.libs.memory.SysFreeString(bstr);
  }

  /** Reads and frees a BSTR returned through an out parameter. */
  takeBstr(address: bigint): string | null {
    if (address === 0n) return null;
    const pointer = backend.pointer(address);
    try {
      return readBstr(pointer);
    } finally {
      this.libs.memory.SysFreeString(pointer);
    }
  }

  /** Reads and frees a task-memory wide string. */
  takeTaskString(address: bigint): string | null {
    if (address === 0n) return null;
    try {
      return readWideStringAt(address);
    } finally {
      this.libs.memory.CoTaskMemFree(backend.pointer(address));
    }
  }

  /** Frees task memory by address (0 is fine). */
  freeTask(address: bigint): void {
    if (address !== 0n) this.libs.memory.CoTaskMemFree(backend.pointer(address));
  }

  /** Reads then frees `length` bytes of task memory. */
  takeTaskBytes(address: bigint, length: number): Uint8Array | null {
    if (address === 0n) return null;
    try {
      return new Uint8Array(backend.view(address, length).slice(0));
    } finally {
      this.libs.memory.CoTaskMemFree(backend.pointer(address));
    }
  }

  /** Unloads the libraries. Objects must be released first. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.libs.close();
  }

  /** A readable description of what was loaded. */
  describe(): string {
    return `vss=${this.libs.paths.vss} ole32=${this.libs.paths.ole32} memory=${this.libs.paths.memory}`;
  }
}

/** Turns a failed exported-function HRESULT into a {@linkcode VssError}. */
export function checkExport(hr: number, fn: string, doc: string | null): number {
  if (hr < 0) throw new VssError(hr, "vssapi", fn, doc);
  return hr;
}

export { hex, VssUnavailableError };
