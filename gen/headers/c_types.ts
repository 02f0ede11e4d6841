/**
 * C declarations over lexer tokens: type normalisation (`VSS_ID *`,
 * `IVssAsync **`, `const WCHAR *`, `WCHAR [260]`), parameter lists and
 * struct-field / typedef declarators.
 *
 * @module
 */

import type { CType, HeaderParam } from "../model.ts";
import type { Token } from "./lexer.ts";

/** A declaration could not be understood; `token` locates it. */
export class DeclarationError extends Error {
  /** The token where the problem was found. */
  readonly token: Token;

  /**
   * @param token Where the problem was found.
   * @param reason What could not be parsed.
   */
  constructor(token: Token, reason: string) {
    super(reason);
    this.name = "DeclarationError";
    this.token = token;
  }
}

/**
 * Calling conventions and SAL / RPC annotations that carry no type information
 * and are dropped from types. A following parenthesised argument list (SAL
 * `_In_reads_(n)`) is dropped with them.
 */
export const DROPPED_TOKEN =
  /^(?:STDMETHODCALLTYPE|STDAPICALLTYPE|APIENTRY|WINAPI|CALLBACK|RPC_ENTRY|__stdcall|_stdcall|__cdecl|__RPC_FAR|__RPC_STUB|__RPC__\w+|_(?:In|Out|Inout|Outptr|Deref|Ret|Reserved|Pre|Post)(?:_\w*)?_|__(?:in|out|inout|deref|reserved)(?:_\w+)?)$/;

/** Qualifiers and tag keywords that cannot be a declarator's name. */
const NOT_A_NAME = new Set([
  "const",
  "volatile",
  "restrict",
  "__restrict",
  "struct",
  "union",
  "enum",
  "signed",
  "unsigned",
]);

/** True when `t` is the punctuator `text`. */
export function isPunct(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === "punct" && t.text === text;
}

/** Remove dropped annotation tokens (and a parenthesised argument list right after one). */
export function stripAnnotations(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "ident" && DROPPED_TOKEN.test(t.text)) {
      if (isPunct(tokens[i + 1], "(") && /^_[A-Z]/.test(t.text)) {
        let depth = 0;
        let j = i + 1;
        for (; j < tokens.length; j++) {
          if (isPunct(tokens[j], "(")) depth++;
          else if (isPunct(tokens[j], ")") && --depth === 0) break;
        }
        i = j;
      }
      continue;
    }
    out.push(t);
  }
  return out;
}

/**
 * Split tokens at top-level `sep` punctuators (outside (), [] and {}).
 * Bracket balance is assumed (the caller matched them).
 */
export function splitTopLevel(tokens: readonly Token[], sep: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "punct") {
      if (t.text === "(" || t.text === "[" || t.text === "{") depth++;
      else if (t.text === ")" || t.text === "]" || t.text === "}") depth--;
      else if (depth === 0 && t.text === sep) {
        parts.push([]);
        continue;
      }
    }
    parts[parts.length - 1].push(t);
  }
  return parts;
}

/**
 * Normalise type tokens: single spaces between words, `*` separated from the
 * base type by one space and pointer stars kept together (`IVssAsync **`).
 *
 * @throws {DeclarationError} On a token that cannot be part of a type.
 */
export function normaliseType(tokens: readonly Token[], arraySuffix = ""): CType {
  let out = "";
  let prevStar = false;
  for (const t of stripAnnotations(tokens)) {
    if (isPunct(t, "*")) {
      out += prevStar ? "*" : (out ? " *" : "*");
      prevStar = true;
    } else if (t.kind === "ident") {
      out += out ? " " + t.text : t.text;
      prevStar = false;
    } else {
      throw new DeclarationError(t, `unexpected \`${t.text}\` in a type`);
    }
  }
  if (!out) {
    const at = tokens[0];
    if (at) throw new DeclarationError(at, "missing type");
  }
  return arraySuffix ? `${out} ${arraySuffix}` : out;
}

/** Take trailing `[N]` groups off a declarator; returns the rest and the suffix text (`[260]`). */
function takeArraySuffix(tokens: Token[]): { rest: Token[]; suffix: string } {
  let end = tokens.length;
  let suffix = "";
  while (end > 0 && isPunct(tokens[end - 1], "]")) {
    let j = end - 2;
    while (j >= 0 && !isPunct(tokens[j], "[")) {
      if (isPunct(tokens[j], "]")) {
        throw new DeclarationError(tokens[j], "nested `[` in array size");
      }
      j--;
    }
    if (j < 0) throw new DeclarationError(tokens[end - 1], "unbalanced `]`");
    const inner = tokens.slice(j + 1, end - 1);
    for (const t of inner) {
      if (t.kind !== "number" && t.kind !== "ident") {
        throw new DeclarationError(t, `unsupported array size \`${t.text}\``);
      }
    }
    suffix = `[${inner.map((t) => t.text).join(" ")}]` + suffix;
    end = j;
  }
  return { rest: tokens.slice(0, end), suffix };
}

/** Split `TYPE name[N]` tokens into a name and a normalised type; null name if unnamed. */
function nameAndType(tokens: Token[], what: string): { name: string; type: CType } {
  const { rest, suffix } = takeArraySuffix(stripAnnotations(tokens));
  const last = rest[rest.length - 1];
  const head = rest.slice(0, -1);
  const headHasType = head.some((t) => t.kind === "ident" && !NOT_A_NAME.has(t.text));
  if (!last || last.kind !== "ident" || NOT_A_NAME.has(last.text) || !headHasType) {
    throw new DeclarationError(last ?? tokens[0], `${what} has no name or no type`);
  }
  return { name: last.text, type: normaliseType(head, suffix) };
}

/**
 * Parse the tokens between a function's parentheses. `void` alone or nothing
 * gives no parameters. Every parameter must be named.
 *
 * @param tokens Tokens strictly inside the parentheses.
 * @param at Token used for error location when the list is empty.
 * @throws {DeclarationError} On an unnamed, variadic or unparsable parameter.
 */
export function parseParamList(tokens: readonly Token[], at: Token): HeaderParam[] {
  if (tokens.length === 0) return [];
  if (tokens.length === 1 && tokens[0].kind === "ident" && tokens[0].text === "void") return [];
  const params: HeaderParam[] = [];
  for (const part of splitTopLevel(tokens, ",")) {
    if (part.length === 0) throw new DeclarationError(at, "empty parameter");
    for (const t of part) {
      if (t.kind === "punct" && t.text !== "*" && t.text !== "[" && t.text !== "]") {
        throw new DeclarationError(t, `unsupported \`${t.text}\` in parameter`);
      }
    }
    params.push(nameAndType(part, "parameter"));
  }
  return params;
}

/**
 * Parse one declaration without its `;`: `TYPE a`, `TYPE *a, b[4]`. Used for
 * struct fields and simple typedefs. Nested definitions, bit-fields and
 * function pointers are rejected.
 *
 * @throws {DeclarationError} On anything but plain declarators.
 */
export function parseDeclaration(tokens: readonly Token[]): { name: string; type: CType }[] {
  const clean = stripAnnotations(tokens);
  for (const t of clean) {
    if (t.kind === "punct" && !["*", "[", "]", ","].includes(t.text)) {
      throw new DeclarationError(t, `unsupported \`${t.text}\` in declaration`);
    }
    if (t.kind === "string" || t.kind === "char" || t.kind === "directive") {
      throw new DeclarationError(t, `unexpected \`${t.text}\` in declaration`);
    }
  }
  const parts = splitTopLevel(clean, ",");
  const first = parts[0];
  if (first.length === 0) throw new DeclarationError(tokens[0], "empty declaration");
  const decls = [nameAndType(first, "declaration")];
  // Specifiers shared by later declarators: the first one's tokens up to its first `*`.
  const star = first.findIndex((t) => isPunct(t, "*"));
  const specifiers = first.slice(0, star < 0 ? first.length - 1 : star);
  for (const part of parts.slice(1)) {
    const { rest, suffix } = takeArraySuffix(part);
    const name = rest[rest.length - 1];
    const stars = rest.slice(0, -1);
    if (
      !name || name.kind !== "ident" ||
      stars.some((t) => !isPunct(t, "*") && !(t.kind === "ident" && t.text === "const"))
    ) {
      throw new DeclarationError(part[0] ?? first[0], "cannot parse declarator");
    }
    decls.push({ name: name.text, type: normaliseType([...specifiers, ...stars], suffix) });
  }
  return decls;
}
