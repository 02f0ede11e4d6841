/**
 * Scratch memory for out parameters: one 16-byte slot per out parameter of a
 * call, with pointers computed once. Calls into native code are synchronous
 * and never re-enter JavaScript, so every wrapper can share these slots; a
 * wrapper copies what it needs into locals right after its call. (Each
 * worker has its own copy of this module.)
 *
 * @module
 */

import { backend } from "./backend/mod.ts";
import type { NativePointer } from "./backend/types.ts";

const SLOTS = 16;
const memory = new ArrayBuffer(16 * SLOTS);

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

/** Computes the slot pointers once; later calls do nothing. */
export function prepareScratch(): void {
  if (OUT_PTR.length > 0) return;
  const base = backend.address(backend.bufferPointer(memory));
  for (let i = 0; i < SLOTS; i++) OUT_PTR.push(backend.pointer(base + BigInt(16 * i))!);
}
