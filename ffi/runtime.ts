/**
 * The loaded VSS runtime: libraries, COM initialisation and the memory
 * helpers that ownership rules need (BSTRs, task memory).
 *
 * @module
 */

import { prepareScratch } from "./scratch.ts";
import {
  type LoadedLibraries,
  loadLibraries,
  type LoadOptions,
  type VssLibraries,
} from "./library.ts";
import { ComApartmentError, VssArgumentError, VssError } from "./errors.ts";
import { failed, formatHresult, toSigned, toUnsigned } from "./hresult.ts";
import { HRESULT } from "./generated/hresults.ts";
import { readBstrAt, readWideStringAt } from "./wide_string.ts";
import { type CallPath, currentCallPath, setCallPath } from "./thunks/mod.ts";
import { takeBstrNative } from "./thunks/bulk.ts";
import { guidBytes } from "./guid.ts";
import { backend, bufferPointer } from "./backend/mod.ts";
import type { PointerValue } from "./backend/types.ts";

/**
 * Options of {@linkcode VssRuntime.load}: which VSS to load, and the call path.
 *
 * @example Load the simulator on the pointer path
 * ```ts ignore
 * import { VssRuntime } from "./runtime.ts";
 * const runtime = VssRuntime.load({ simulator: true, callPath: "pointers" });
 * console.log(runtime.callPath); // "pointers"
 * ```
 */
export interface RuntimeLoadOptions extends LoadOptions {
  /**
   * `thunks` (fails when the thunk library cannot be loaded), `pointers`, or
   * `auto` (thunks when they load). Default: `VSS_CALL_PATH`, else `auto`.
   * Process-wide: the last runtime that sets it decides.
   */
  callPath?: CallPath;
}

/** `CoInitializeEx` results that mean COM is usable. */
const S_OK = 0;
const S_FALSE = 1;
const RPC_E_CHANGED_MODE = toSigned(HRESULT.RPC_E_CHANGED_MODE);
const RPC_E_TOO_LATE = toSigned(HRESULT.RPC_E_TOO_LATE);
/** The requester security page: security-considerations-for-requestors.md. */
const SECURITY_PAGE =
  "https://learn.microsoft.com/windows/win32/vss/security-considerations-for-requestors";

/**
 * Options for {@linkcode VssRuntime.initializeCom}.
 *
 * @example The host process already set COM security
 * ```ts ignore
 * import { VssRuntime } from "./runtime.ts";
 *
 * const runtime = VssRuntime.load();
 * runtime.initializeCom({ security: false }); // keep the host's CoInitializeSecurity
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
 * Something COM initialisation could not do as the requester guidance asks,
 * but that does not stop VSS from working: a warning, with what it means and
 * how to fix it.
 *
 * @example Print the warnings of a COM initialisation
 * ```ts
 * import type { ComWarning } from "./runtime.ts";
 *
 * const print = (w: ComWarning) => console.warn(`warning: ${w.message}\n  ${w.hint}`);
 * print({
 *   code: "exception-handling",
 *   message: "COM exception handling could not be turned off",
 *   hint: "Nothing to do on the simulator.",
 *   hresult: 0x80040154,
 * });
 * ```
 */
export interface ComWarning {
  /**
   * `security-already-set` (RPC_E_TOO_LATE), `single-threaded-apartment`
   * (RPC_E_CHANGED_MODE, handled with CoIncrementMTAUsage), or
   * `exception-handling` (IGlobalOptions could not be set).
   */
  code: "security-already-set" | "single-threaded-apartment" | "exception-handling";
  /** One sentence: what happened and its consequence. */
  message: string;
  /** What to do about it. */
  hint: string;
  /** The HRESULT behind it, unsigned. */
  hresult: number | null;
}

/**
 * What {@linkcode VssRuntime.initializeCom} found.
 *
 * @example Print the warnings of COM initialisation
 * ```ts
 * import type { ComInitResult } from "./runtime.ts";
 *
 * function check(result: ComInitResult): void {
 *   for (const w of result.warnings) console.warn(`${w.message}\n  ${w.hint}`);
 * }
 * check({ apartment: "initialized", security: "set", exceptionHandling: "set", warnings: [] });
 * ```
 */
export interface ComInitResult {
  /**
   * `initialized`, `already` (S_FALSE), or `sta-thread`: the thread was
   * already single-threaded (RPC_E_CHANGED_MODE) and CoIncrementMTAUsage
   * keeps the multithreaded apartment alive for VSS's callbacks and the
   * threads that wait for asynchronous operations.
   */
  apartment: "initialized" | "already" | "sta-thread";
  /** `set`, `already-set` (RPC_E_TOO_LATE: a warning) or `skipped`. */
  security: "set" | "already-set" | "skipped";
  /** COMGLB_EXCEPTION_HANDLING set to DONOT_HANDLE (`set`), or not (`failed`: a warning). */
  exceptionHandling: "set" | "failed";
  /** What was not done as the guidance asks; the process can still use VSS. */
  warnings: ComWarning[];
}

/** The COM functions {@linkcode initializeComWith} calls (a loaded runtime's, or a test's). */
export type ComFunctions = Pick<VssLibraries, "ole32" | "mtaUsage">;

/** RPC_E_CHANGED_MODE: keep the MTA alive with CoIncrementMTAUsage, or a typed error. */
function joinMta(com: ComFunctions, warnings: ComWarning[]): void {
  const cookie = new BigUint64Array(1);
  const hr = com.mtaUsage?.CoIncrementMTAUsage(cookie) ?? null;
  if (hr === null || failed(hr)) {
    throw new ComApartmentError(hr);
  }
  warnings.push({
    code: "single-threaded-apartment",
    message: "this thread was initialised single-threaded (STA) before VSS was opened " +
      "(RPC_E_CHANGED_MODE); the multithreaded apartment is kept alive with CoIncrementMTAUsage",
    hint: "Open VSS before anything initialises COM on this thread, or from a thread that " +
      "uses the multithreaded apartment.",
    hresult: HRESULT.RPC_E_CHANGED_MODE,
  });
}

/** CoInitializeSecurity with the settings of the requester security page. */
function setSecurity(
  com: ComFunctions,
  legacy: boolean,
  warnings: ComWarning[],
): ComInitResult["security"] {
  const hr = com.ole32.CoInitializeSecurity(
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
  if (hr === S_OK) return "set";
  if (hr !== RPC_E_TOO_LATE) throw new VssError(hr, "ole32", "CoInitializeSecurity", null);
  warnings.push({
    code: "security-already-set",
    message: "COM security was already set in this process (RPC_E_TOO_LATE); if it does not " +
      "let VSS call back, writers cannot report to this requester and VSS logs event 8194",
    hint: "Open VSS before anything else in the process uses COM, or make the host call " +
      `CoInitializeSecurity as the requester security page describes (${SECURITY_PAGE}).`,
    hresult: HRESULT.RPC_E_TOO_LATE,
  });
  return "already-set";
}

/** CLSID_GlobalOptions and IID_IGlobalOptions (objidl.h). */
const CLSID_GLOBAL_OPTIONS = "0000034b-0000-0000-c000-000000000046";
const IID_IGLOBAL_OPTIONS = "0000015b-0000-0000-c000-000000000046";
const COMGLB_EXCEPTION_HANDLING = 1;
const COMGLB_EXCEPTION_DONOT_HANDLE = 1;

/**
 * IGlobalOptions::Set(COMGLB_EXCEPTION_HANDLING, COMGLB_EXCEPTION_DONOT_HANDLE):
 * the requester security page asks requesters to turn COM's exception
 * handling off, since it can hide fatal errors. Returns the failing HRESULT, or 0.
 */
function setExceptionHandling(com: ComFunctions): number {
  const out = new BigUint64Array(1);
  const hr = com.ole32.CoCreateInstance(
    bufferPointer(guidBytes(CLSID_GLOBAL_OPTIONS)),
    null,
    1, // CLSCTX_INPROC_SERVER
    bufferPointer(guidBytes(IID_IGLOBAL_OPTIONS)),
    bufferPointer(out),
  );
  if (failed(hr)) return hr;
  if (out[0] === 0n) return toSigned(HRESULT.E_POINTER);
  const self = backend.pointer(out[0]);
  const vtable = backend.readU64(out[0]);
  const slot = (n: number) => backend.readU64(vtable + BigInt(n * 8));
  const set = backend.function(slot(3), { parameters: ["pointer", "u32", "usize"], result: "i32" });
  const release = backend.function(slot(2), { parameters: ["pointer"], result: "u32" });
  try {
    return set(self, COMGLB_EXCEPTION_HANDLING, COMGLB_EXCEPTION_DONOT_HANDLE) as number;
  } finally {
    release(self);
  }
}

/**
 * Initialises COM for the calling thread as the requester guidance asks:
 * the multithreaded apartment, process security (CoInitializeSecurity), and
 * COM exception handling off (IGlobalOptions). What cannot be done but
 * leaves VSS usable is a warning in the result; a thread that is
 * single-threaded where CoIncrementMTAUsage is missing is a
 * {@linkcode ComApartmentError}. See security-considerations-for-requestors.md.
 *
 * @example Initialise COM through a loaded runtime's functions
 * ```ts ignore
 * import { initializeComWith, VssRuntime } from "./runtime.ts";
 *
 * const runtime = VssRuntime.load({ libraryPath: "build/simulator/linux/libvss_sim.so" });
 * const result = initializeComWith(runtime.libs, {});
 * for (const w of result.warnings) console.warn(w.message);
 * ```
 */
export function initializeComWith(com: ComFunctions, options: ComInitOptions): ComInitResult {
  const warnings: ComWarning[] = [];
  const hr = com.ole32.CoInitializeEx(null, 0 /* COINIT_MULTITHREADED */);
  let apartment: ComInitResult["apartment"];
  if (hr === S_OK) apartment = "initialized";
  else if (hr === S_FALSE) apartment = "already";
  else if (hr === RPC_E_CHANGED_MODE) {
    joinMta(com, warnings);
    apartment = "sta-thread";
  } else throw new VssError(hr, "ole32", "CoInitializeEx", null);
  const wanted = options.security ?? true;
  const security = wanted === false ? "skipped" : setSecurity(com, wanted === "legacy", warnings);
  const ghr = setExceptionHandling(com);
  if (ghr !== S_OK) {
    warnings.push({
      code: "exception-handling",
      message: `COM exception handling could not be turned off (IGlobalOptions: ${
        formatHresult(ghr)
      }); a crash inside a COM call could be hidden instead of stopping the process`,
      hint: "On Windows this means COM is damaged or very old; the simulator and Wine may lack " +
        "IGlobalOptions, which is harmless there.",
      hresult: toUnsigned(ghr),
    });
  }
  return { apartment, security, exceptionHandling: ghr === S_OK ? "set" : "failed", warnings };
}

/**
 * The loaded libraries plus the allocation helpers every wrapper uses.
 *
 * @example Load the simulator and initialise COM
 * ```ts
 * import { VssRuntime } from "./runtime.ts";
 * const runtime = VssRuntime.load({
 *   libraryPath: "build/simulator/linux/libvss_sim.so",
 *   simulator: true,
 * });
 * const { warnings } = runtime.initializeCom();
 * console.log(runtime.loaded.kind, warnings.length >= 0); // simulator true
 * ```
 */
export class VssRuntime {
  /**
   * The bound libraries, for the generated code; {@linkcode VssRuntime.loaded} says which files.
   * @ignore
   */
  readonly libs: VssLibraries;
  #closed = false;

  private constructor(libs: VssLibraries) {
    this.libs = libs;
  }

  /**
   * Loads VSS (see {@linkcode loadLibraries}) and decides the call path:
   * `callPath` when given (process-wide: it applies to every runtime), else
   * `VSS_CALL_PATH`, else `auto` (see `ffi/thunks/mod.ts`).
   */
  static load(options: RuntimeLoadOptions = {}): VssRuntime {
    const { callPath, ...load } = options;
    const runtime = new VssRuntime(loadLibraries(load));
    prepareScratch();
    if (callPath !== undefined) setCallPath(callPath);
    return runtime;
  }

  /**
   * The path COM calls take now: `thunks` (the native thunk library, Deno's
   * fast call path) or `pointers` (vtable slots through function pointers;
   * always on Node).
   */
  get callPath(): "thunks" | "pointers" {
    return currentCallPath();
  }

  /** Which VSS was loaded: its path and kind (`system`, `simulator`, `custom`). */
  get loaded(): LoadedLibraries {
    return this.libs.paths;
  }

  /**
   * Initialises COM for this thread (multithreaded apartment), COM security
   * and exception handling (see {@linkcode initializeComWith}). Never called
   * implicitly: a requester that skips the security call is the cause of VSS
   * event 8194 in the field.
   */
  initializeCom(options: ComInitOptions = {}): ComInitResult {
    return initializeComWith(this.libs, options);
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
    if (bstr === null) {
      throw new VssError(HRESULT.E_OUTOFMEMORY, "oleaut32", "SysAllocStringLen", null);
    }
    return bstr;
  }

  /** Frees a BSTR (null is fine). */
  freeBstr(bstr: PointerValue): void {
    if (bstr !== null) this.libs.memory.SysFreeString(bstr);
  }

  /**
   * Reads and frees a BSTR returned through an out parameter (in one native
   * call when the thunk library is loaded).
   */
  takeBstr(address: bigint): string | null {
    if (address === 0n) return null;
    const taken = takeBstrNative(this, address);
    if (taken !== undefined) return taken;
    try {
      return readBstrAt(address);
    } finally {
      this.libs.memory.SysFreeString(backend.pointer(address));
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

  /**
   * Marks the runtime closed. The libraries are never unloaded: COM objects,
   * asynchronous operations still running inside VSS and finalizers can
   * execute their code at any time, so they stay mapped until the process
   * exits.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.libs.close();
  }

  /** A readable description of what was loaded. */
  describe(): string {
    const p = this.libs.paths;
    return `${p.kind} vss=${p.vss} ole32=${p.ole32} memory=${p.memory}`;
  }
}

/** Turns a failed exported-function HRESULT into a {@linkcode VssError}. */
export function checkExport(hr: number, fn: string, doc: string | null): number {
  if (failed(hr)) throw new VssError(hr, "vssapi", fn, doc);
  return hr;
}
