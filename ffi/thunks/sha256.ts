/**
 * SHA-256 as lower-case hex, synchronously (the thunk library is verified
 * while a runtime loads, which is synchronous; WebCrypto's digest is not).
 * `node:crypto` exists under Deno and Node alike.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * The SHA-256 of `data`, as 64 lower-case hex digits.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 *
 * console.log(sha256Hex(new TextEncoder().encode("abc")).slice(0, 8)); // ba7816bf
 * ```
 */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
