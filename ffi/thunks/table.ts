/**
 * The bound native thunks, indexed as `ffi/generated/thunks.ts` lists them
 * (`THUNK_NAMES`). Empty while the thunk library is not loaded (or the
 * pointer call path is forced): the generated wrappers then call the vtable
 * slot through a cached function pointer. Filled and emptied in place by
 * {@link ./mod.ts}, so the wrappers read one array and never a changing binding.
 *
 * @module
 */

/**
 * One bound thunk: `<Interface>_<Method>(self, args...)`.
 *
 * @example The shape of a thunk
 * ```ts
 * import type { Thunk } from "./table.ts";
 * const queryStatus: Thunk = (_self, _hr, _reserved) => 0;
 * console.log(queryStatus(null, null, null)); // 0
 * ```
 */
// deno-lint-ignore no-explicit-any
export type Thunk = (...args: any[]) => any;

/**
 * The thunks in index order, or empty.
 *
 * @example Which call path the wrappers take
 * ```ts
 * import { THUNKS } from "./table.ts";
 * console.log(THUNKS.length === 0 ? "pointers" : "thunks");
 * ```
 */
export const THUNKS: Thunk[] = [];
