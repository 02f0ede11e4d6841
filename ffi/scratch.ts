/**
 * Scratch memory for calls: one 16-byte slot per out parameter of a call,
 * and a few 16-byte slots for GUIDs passed to a native thunk by pointer, with
 * their pointers computed once. Calls into native code are synchronous and
 * never re-enter JavaScript, so every wrapper can share these slots; a
 * wrapper copies what it needs into locals right after its call. (Each
 * worker has its own copy of this module.)
 *
 * @module
 */

import { backend } from "./backend/mod.ts";
import type { NativePointer } from "./backend/types.ts";
import { parseGuidInto } from "./guid.ts";
import { ensureCallPath } from "./thunks/mod.ts";

const SLOTS = 16;
const GUID_SLOTS = 4;
const memory = new ArrayBuffer(16 * SLOTS);
const guidMemory = new Uint8Array(16 * GUID_SLOTS);

/** Scratch bytes as a DataView (for GUIDs). */
export const OUT_VIEW: DataView = new DataView(memory);
/** Scratch as 32-bit signed integers (slot i at index 4 i). */
export const OUT_I32: Int32Array = new Int32Array(memory);
/** Scratch as 32-bit unsigned integers (slot i at index 4 i). */
export const OUT_U32: Uint32Array = new Uint32Array(memory);
/** Scratch as bytes (slot i at index 16 i). */
export const OUT_U8: Uint8Array = new Uint8Array(memory);
/** Scratch as 64-bit signed integers (slot i at index 2 i). */
export const OUT_I64: BigInt64Array = new BigInt64Array(memory);
/** Scratch as 64-bit unsigned integers / addresses (slot i at index 2 i). */
export const OUT_U64: BigUint64Array = new BigUint64Array(memory);
/**
 * Pointer to each slot, as the backend passes pointers. Filled by
 * {@linkcode prepareScratch} when a runtime loads (so that importing the
 * library needs no FFI permission).
 */
export const OUT_PTR: NativePointer[] = [];
const GUID_PTR: NativePointer[] = [];

/**
 * Computes the slot pointers once, and decides the call path (native thunks
 * or function pointers, see `ffi/thunks/mod.ts`); later calls do nothing.
 */
export function prepareScratch(): void {
  ensureCallPath();
  if (OUT_PTR.length > 0) return;
  const base = backend.address(backend.bufferPointer(memory));
  for (let i = 0; i < SLOTS; i++) OUT_PTR.push(backend.pointer(base + BigInt(16 * i))!);
  const guids = backend.address(backend.bufferPointer(guidMemory));
  for (let i = 0; i < GUID_SLOTS; i++) GUID_PTR.push(backend.pointer(guids + BigInt(16 * i))!);
}

/**
 * Writes `guid` into GUID slot `slot` (0..3) and returns the slot's pointer:
 * how a generated wrapper passes a GUID to a thunk that takes `const GUID *`.
 * Throws GuidFormatError for a malformed GUID.
 *
 * @example Pass a GUID by pointer
 * ```ts
 * import { guidArg, prepareScratch } from "./scratch.ts";
 * prepareScratch();
 * const pointer = guidArg(0, "00000000-0000-0000-c000-000000000046");
 * console.log(pointer !== null); // true
 * ```
 */
export function guidArg(slot: number, guid: string): NativePointer {
  // The callee takes `const GUID *` and nothing else writes the slots: a GUID
  // already in its slot is not parsed again (calls often repeat one id).
  if (guidText[slot] !== guid) {
    guidText[slot] = null;
    parseGuidInto(guid, guidMemory, 16 * slot);
    guidText[slot] = guid;
  }
  return GUID_PTR[slot];
}

/** The text of the GUID each slot holds (null: none or unknown). */
const guidText: (string | null)[] = new Array(GUID_SLOTS).fill(null);
