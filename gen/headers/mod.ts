/**
 * Reader for the mingw-w64 VSS SDK headers: produces the generator's
 * {@link HeaderModel} (interfaces with Vtbl slots, enums, structs, typedefs,
 * functions, HRESULTs, GUIDs and integer constants).
 *
 * @example
 * ```ts
 * import { readHeaders } from "./gen/headers/mod.ts";
 * const model = await readHeaders();
 * ```
 *
 * @module
 */

export type { HeaderModel } from "../model.ts";
export { HeaderParseError, HeaderSourceError, INSTALL_HINT } from "./errors.ts";
export { emptyHeaderModel, parseHeaderText, type ParseOptions } from "./parse.ts";
export {
  DEFAULT_INCLUDE_DIR,
  INCLUDE_ENV,
  readHeaders,
  type ReadHeadersOptions,
  resolveIncludeDir,
  SDK_HEADERS,
} from "./read.ts";
export { HeaderMergeError, mergeHeaderModels } from "./merge.ts";
export { checkVtblInheritance } from "./consistency.ts";
export { ConstExprError, evaluateConstExpr } from "./const_expr.ts";
export { scanHresultDefines } from "./hresult_scan.ts";
