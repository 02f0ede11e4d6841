/**
 * Parse one WIDL-generated SDK header (vss.h, vswriter.h, vsbackup.h,
 * vsmgmt.h, vsserror.h) into its contribution to the {@link HeaderModel}.
 * winerror.h is handled by a fast regex scan instead (see `hresult_scan.ts`).
 *
 * Preprocessor conditionals are not evaluated: both the C++ and the C form of
 * each interface are read (the C++ form gives the base, the C `...Vtbl` struct
 * gives the slots). Any top-level construct the parser does not know, and any
 * enum, struct or Vtbl member it cannot parse, raises {@link HeaderParseError}.
 *
 * @module
 */

import type {
  HeaderEnum,
  HeaderFunction,
  HeaderInterface,
  HeaderMethod,
  HeaderModel,
  HeaderStruct,
} from "../model.ts";
import {
  DeclarationError,
  isPunct,
  normaliseType,
  parseDeclaration,
  parseParamList,
  splitTopLevel,
  stripAnnotations,
} from "./c_types.ts";
import { CAST_TYPES, castInteger, ConstExprError, evaluateConstExpr } from "./const_expr.ts";
import { HeaderParseError } from "./errors.ts";
import { formatGuid, isNullGuid } from "./guid.ts";
import { scanHresultDefines } from "./hresult_scan.ts";
import { LexError, type Token, tokenize } from "./lexer.ts";

/** Options for {@link parseHeaderText}. */
export interface ParseOptions {
  /**
   * Integer names already known (enumerators and `#define`s of headers parsed
   * earlier). Read when evaluating expressions; this header's names are added.
   */
  scope?: Map<string, bigint>;
}

/** Return an empty model. */
export function emptyHeaderModel(): HeaderModel {
  return {
    interfaces: [],
    enums: [],
    structs: [],
    typedefs: [],
    functions: [],
    hresults: [],
    guids: [],
    constants: [],
  };
}

/** Function-like macros understood inside `#define` bodies. */
const DEFINE_MACROS: Readonly<Record<string, (v: bigint) => bigint>> = {
  _HRESULT_TYPEDEF_: (v) => castInteger(CAST_TYPES.get("HRESULT")!, v),
  __MSABI_LONG: (v) => v,
};

/** Tokens dropped in front of a function's return type. */
const STORAGE = new Set([
  "extern",
  "EXTERN_C",
  "DECLSPEC_IMPORT",
  "WINBASEAPI",
  "WINAPI_INLINE",
  "static",
  "__inline",
  "__inline__",
  "inline",
  "__CRT_INLINE",
]);

/** `#ifdef` blocks not read: WIDL's C call wrappers (macros and FORCEINLINE functions). */
const SKIPPED_IFDEFS: ReadonlySet<string> = new Set(["COBJMACROS"]);

/** Macros invoked at top level without a trailing `;`. */
const BARE_MACROS = new Set(["__CRT_UUID_DECL"]);

const INLINE_KEYWORDS = new Set(["__inline", "__inline__", "inline", "__CRT_INLINE"]);

interface CppDecl {
  uuid: string;
  base: string | null;
  methods: string[];
  token: Token;
}

interface VtblDecl {
  name: string;
  token: Token;
  methods: HeaderMethod[];
}

/**
 * Parse one header's text.
 *
 * @param header Header file name recorded on every entry (e.g. `vsbackup.h`).
 * @param text The header text.
 * @param options Shared name scope for expressions.
 * @returns What this header declares.
 * @throws {HeaderParseError} On anything the parser cannot read.
 */
export function parseHeaderText(
  header: string,
  text: string,
  options: ParseOptions = {},
): HeaderModel {
  const base = header.replace(/^.*[\\/]/, "").toLowerCase();
  if (base === "winerror.h") {
    const model = emptyHeaderModel();
    model.hresults = scanHresultDefines(header, text);
    return model;
  }
  return new HeaderParser(header, text, options.scope ?? new Map()).parse();
}

class HeaderParser {
  private readonly toks: Token[];
  private i = 0;
  private lines: string[] | null = null;
  private externDepth = 0;
  private readonly model = emptyHeaderModel();
  private readonly vtbls: VtblDecl[] = [];
  private readonly cpp = new Map<string, CppDecl>();
  private readonly iids = new Map<string, { value: string; token: Token }>();

  constructor(
    private readonly header: string,
    private readonly text: string,
    private readonly scope: Map<string, bigint>,
  ) {
    try {
      this.toks = tokenize(text, { skipIfdef: SKIPPED_IFDEFS });
    } catch (e) {
      if (e instanceof LexError) {
        throw new HeaderParseError(header, e.line, this.lineText(e.line), e.message);
      }
      throw e;
    }
  }

  parse(): HeaderModel {
    const toks = this.toks;
    while (this.i < toks.length) {
      const t = toks[this.i];
      if (t.kind === "directive") {
        this.directive(t);
        this.i++;
        continue;
      }
      if (t.kind === "punct") {
        if (t.text === ";") {
          this.i++;
          continue;
        }
        if (t.text === "}" && this.externDepth > 0) {
          this.externDepth--;
          this.i++;
          continue;
        }
        this.fail(t, `unexpected \`${t.text}\` at top level`);
      }
      if (t.kind !== "ident") this.fail(t, `unexpected ${t.kind} at top level`);
      switch (t.text) {
        case "typedef":
          this.typedef();
          break;
        case "DEFINE_GUID":
          this.defineGuid();
          break;
        case "MIDL_INTERFACE":
          this.cppInterface();
          break;
        case "interface":
          this.interfaceBlock();
          break;
        case "static":
          this.staticFunction();
          break;
        case "extern":
          this.externBlock();
          break;
        case "class":
          this.classDeclaration();
          break;
        default:
          if (BARE_MACROS.has(t.text)) this.bareMacro();
          else this.prototype();
      }
    }
    if (this.externDepth > 0) {
      this.fail(toks[toks.length - 1], 'unterminated `extern "C" {` block');
    }
    this.model.interfaces = this.assembleInterfaces();
    return this.model;
  }

  // ---------------------------------------------------------------- helpers

  private lineText(line: number): string {
    this.lines ??= this.text.split("\n");
    return (this.lines[line - 1] ?? "").trim();
  }

  private fail(at: Token | number, reason: string, cause?: unknown): never {
    const line = typeof at === "number" ? at : at.line;
    throw new HeaderParseError(
      this.header,
      line,
      this.lineText(line),
      reason,
      cause ? { cause } : undefined,
    );
  }

  /** Run `fn`, turning declaration and expression errors into HeaderParseError at `at`. */
  private guard<T>(at: Token, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof DeclarationError) this.fail(e.token, e.message, e);
      if (e instanceof ConstExprError) this.fail(at, e.message, e);
      throw e;
    }
  }

  private tok(k: number, what: string): Token {
    const t = this.toks[k];
    if (!t) this.fail(this.toks[this.toks.length - 1], `unexpected end of file, expected ${what}`);
    return t;
  }

  private expectPunct(k: number, text: string): Token {
    const t = this.tok(k, `\`${text}\``);
    if (!isPunct(t, text)) this.fail(t, `expected \`${text}\` but found \`${t.text}\``);
    return t;
  }

  private expectIdent(k: number, what: string): Token {
    const t = this.tok(k, what);
    if (t.kind !== "ident") this.fail(t, `expected ${what} but found \`${t.text}\``);
    return t;
  }

  /** Index of the bracket closing the one at `open`, checking nesting of (), [] and {}. */
  private matchClose(open: number): number {
    const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
    const stack: number[] = [];
    for (let k = open; k < this.toks.length; k++) {
      const t = this.toks[k];
      if (t.kind !== "punct") continue;
      if (pairs[t.text]) stack.push(k);
      else if (t.text === ")" || t.text === "]" || t.text === "}") {
        const top = stack.pop()!;
        const opener = this.toks[top];
        if (pairs[opener.text] !== t.text) {
          this.fail(
            t,
            `unbalanced brackets: \`${opener.text}\` opened at line ${opener.line} is closed by \`${t.text}\``,
          );
        }
        if (stack.length === 0) return k;
      }
    }
    const o = this.toks[open];
    this.fail(o, `unterminated \`${o.text}\`: no matching \`${pairs[o.text]}\``);
  }

  /** Index of the next `;` at bracket depth 0 from `from`; brace blocks are not allowed. */
  private findSemicolon(from: number): number {
    for (let k = from; k < this.toks.length; k++) {
      const t = this.toks[k];
      if (t.kind === "directive") this.fail(t, "preprocessor line inside a declaration");
      if (t.kind !== "punct") continue;
      if (t.text === ";") return k;
      if (t.text === "(" || t.text === "[") {
        k = this.matchClose(k);
      } else if (t.text === "{" || t.text === "}" || t.text === ")" || t.text === "]") {
        this.fail(
          t,
          `unexpected \`${t.text}\` in declaration starting at line ${this.toks[from].line}`,
        );
      }
    }
    this.fail(this.toks[from], "declaration is not terminated by `;`");
  }

  private toNumber(v: bigint, at: Token): number {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) this.fail(at, `value ${v} is not a safe integer`);
    return n;
  }

  private evaluate(expr: string, at: Token): bigint {
    return this.guard(
      at,
      () => evaluateConstExpr(expr, { lookup: (name) => this.scope.get(name) }),
    );
  }

  private sourceOf(first: Token, last: Token): string {
    return this.text.slice(first.start, last.end).replace(/\s+/g, " ");
  }

  // ------------------------------------------------------------ directives

  private directive(t: Token): void {
    const m = /^#\s*define\s+([A-Za-z_]\w*)(\()?([\s\S]*)$/.exec(t.text);
    if (!m || m[2]) return; // not a #define, or a function-like macro
    const name = m[1];
    const body = m[3].trim();
    // Empty bodies are guards/flags; reserved names (`__x`, `_X`) are include guards and
    // RPC version markers.
    if (!body || /^_[_A-Z]/.test(name)) return;
    const isHresult = /\(\s*HRESULT\s*\)|\b_HRESULT_TYPEDEF_\s*\(/.test(body);
    let value: bigint;
    try {
      value = evaluateConstExpr(body, {
        lookup: (n) => this.scope.get(n),
        functions: DEFINE_MACROS,
      });
    } catch (e) {
      if (!(e instanceof ConstExprError)) throw e;
      if (isHresult) this.fail(t, `cannot evaluate HRESULT #define ${name}: ${e.message}`, e);
      return; // a macro without a numeric value
    }
    if (isHresult) {
      this.model.hresults.push({
        name,
        value: Number(BigInt.asUintN(32, value)),
        header: this.header,
      });
    } else {
      this.model.constants.push({ name, value: this.toNumber(value, t), header: this.header });
    }
    this.scope.set(name, value);
  }

  // ---------------------------------------------------------------- typedef

  private typedef(): void {
    const start = this.i;
    const kw = this.tok(start + 1, "a type after `typedef`");
    if (
      kw.kind === "ident" && (kw.text === "enum" || kw.text === "struct" || kw.text === "union")
    ) {
      this.taggedTypedef(start, kw);
      return;
    }
    if (kw.kind === "ident" && (kw.text === "interface" || kw.text === "class")) {
      // `typedef interface X X;` forward declaration.
      const a = this.expectIdent(start + 2, "a name");
      const b = this.expectIdent(start + 3, "a name");
      this.expectPunct(start + 4, ";");
      if (a.text !== b.text) {
        this.fail(kw, `unsupported \`typedef ${kw.text} ${a.text} ${b.text}\``);
      }
      this.i = start + 5;
      return;
    }
    const semi = this.findSemicolon(start + 1);
    const decl = this.toks.slice(start + 1, semi);
    if (decl.some((t) => isPunct(t, "("))) this.fail(kw, "function-pointer typedef not supported");
    for (const d of this.guard(kw, () => parseDeclaration(decl))) {
      this.model.typedefs.push({ name: d.name, type: d.type, header: this.header });
    }
    this.i = semi + 1;
  }

  private taggedTypedef(start: number, kw: Token): void {
    const kind = kw.text as "enum" | "struct" | "union";
    let k = start + 2;
    let tag: string | null = null;
    const maybeTag = this.tok(k, "a tag or `{`");
    if (maybeTag.kind === "ident") {
      tag = maybeTag.text;
      k++;
    }
    if (!isPunct(this.tok(k, "`{` or a declarator"), "{")) {
      // `typedef enum _TAG *PNAME;`, `typedef struct X X;`
      if (tag === null) this.fail(kw, `\`typedef ${kind}\` without tag or body`);
      const semi = this.findSemicolon(k);
      for (const part of splitTopLevel(this.toks.slice(k, semi), ",")) {
        const d = this.declarator(part, kw);
        if (d.stars === 0 && !d.suffix && d.name === tag) continue; // forward self-typedef
        const type = normaliseType(
          [kw, maybeTag, ...part.filter((t) => isPunct(t, "*"))],
          d.suffix,
        );
        this.model.typedefs.push({ name: d.name, type, header: this.header });
      }
      this.i = semi + 1;
      return;
    }
    const open = k;
    const close = this.bodyEnd(open, tag);
    const body = this.toks.slice(open + 1, close);
    const semi = this.findSemicolon(close + 1);
    const parts = splitTopLevel(this.toks.slice(close + 1, semi), ",");
    const nameTok = parts[0][0];
    if (parts[0].length !== 1 || nameTok.kind !== "ident") {
      this.fail(parts[0][0] ?? this.toks[semi], `expected the ${kind} type name after \`}\``);
    }
    const name = nameTok.text;
    for (const part of parts.slice(1)) {
      const d = this.declarator(part, kw);
      const stars = part.filter((t) => isPunct(t, "*"));
      const type = normaliseType(tag ? [kw, maybeTag, ...stars] : [nameTok, ...stars], d.suffix);
      this.model.typedefs.push({ name: d.name, type, header: this.header });
    }
    if (kind === "enum") this.enumBody(name, tag, body, this.toks[open]);
    else if (kind === "struct" && name.endsWith("Vtbl")) {
      if (tag !== name) this.fail(kw, `Vtbl struct tag \`${tag}\` differs from name \`${name}\``);
      this.vtblBody(name, body, this.toks[start]);
    } else this.fieldsBody(name, tag, kind, body, this.toks[start]);
    this.i = semi + 1;
  }

  /**
   * Index of the `}` closing the typedef body opened at `open`. Reports a
   * missing `}` where it is noticed: at a `typedef`, `interface`,
   * `DEFINE_GUID`, `MIDL_INTERFACE` or preprocessor line inside the body, or at
   * `TAG;` (the type name written without its `}`).
   */
  private bodyEnd(open: number, tag: string | null): number {
    const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
    const stack: Token[] = [];
    for (let k = open; k < this.toks.length; k++) {
      const t = this.toks[k];
      if (t.kind === "directive") {
        this.fail(t, "preprocessor line inside a declaration body (missing `}`?)");
      }
      if (t.kind === "ident" && stack.length === 1) {
        if (/^(typedef|interface|DEFINE_GUID|MIDL_INTERFACE)$/.test(t.text)) {
          this.fail(t, `missing \`}\` before \`${t.text}\``);
        }
        if (t.text === tag && isPunct(this.toks[k + 1], ";")) {
          this.fail(t, `missing \`}\` before \`${tag};\``);
        }
      }
      if (t.kind !== "punct") continue;
      if (pairs[t.text]) stack.push(t);
      else if (t.text === ")" || t.text === "]" || t.text === "}") {
        const opener = stack.pop()!;
        if (pairs[opener.text] !== t.text) {
          this.fail(
            t,
            `unbalanced brackets: \`${opener.text}\` opened at line ${opener.line} is closed by \`${t.text}\``,
          );
        }
        if (stack.length === 0) return k;
      }
    }
    this.fail(this.toks[open], "unterminated `{`: no matching `}`");
  }

  /** A `*NAME` / `NAME[N]` declarator after a tagged type. */
  private declarator(part: Token[], at: Token): { name: string; stars: number; suffix: string } {
    let k = 0;
    while (k < part.length && isPunct(part[k], "*")) k++;
    const name = part[k];
    if (!name || name.kind !== "ident") this.fail(part[0] ?? at, "cannot parse declarator");
    let suffix = "";
    for (k++; k < part.length; k += 3) {
      const size = part[k + 1];
      if (!isPunct(part[k], "[") || !size || size.kind !== "number" || !isPunct(part[k + 2], "]")) {
        this.fail(part[k], `cannot parse declarator \`${this.sourceOf(part[0], part.at(-1)!)}\``);
      }
      suffix += `[${size.text}]`;
    }
    return { name: name.text, stars: part.filter((t) => isPunct(t, "*")).length, suffix };
  }

  // ------------------------------------------------------------------ enums

  private enumBody(name: string, tag: string | null, body: Token[], open: Token): void {
    const members: HeaderEnum["members"] = [];
    const items = splitTopLevel(body, ",");
    let next = 0n;
    items.forEach((item, k) => {
      if (item.length === 0) {
        if (k === items.length - 1 && k > 0) return; // trailing comma
        this.fail(k > 0 ? items[k - 1].at(-1)! : open, `empty enumerator in enum ${name}`);
      }
      const id = item[0];
      if (id.kind !== "ident") this.fail(id, `cannot parse enumerator in enum ${name}`);
      let expression = "";
      let value: bigint;
      if (item.length === 1) value = next;
      else if (isPunct(item[1], "=") && item.length > 2) {
        expression = this.sourceOf(item[2], item[item.length - 1]);
        value = this.evaluate(expression, id);
      } else {
        this.fail(item[1], `cannot parse enumerator \`${this.sourceOf(id, item.at(-1)!)}\``);
      }
      members.push({ name: id.text, value: this.toNumber(value, id), expression });
      this.scope.set(id.text, value);
      next = value + 1n;
    });
    if (members.length === 0) this.fail(open, `enum ${name} has no members`);
    this.model.enums.push({ name, tag, header: this.header, members });
  }

  // ---------------------------------------------------------- struct/union

  private fieldsBody(
    name: string,
    tag: string | null,
    kind: "struct" | "union",
    body: Token[],
    at: Token,
  ): void {
    const items = splitTopLevel(body, ";");
    const last = items.pop()!;
    if (last.length > 0) this.fail(last[0], `field of ${kind} ${name} is not terminated by \`;\``);
    const fields: HeaderStruct["fields"] = [];
    for (const item of items) {
      if (item.length === 0) this.fail(at, `empty field in ${kind} ${name}`);
      for (const d of this.guard(item[0], () => parseDeclaration(item))) fields.push(d);
    }
    if (fields.length === 0) this.fail(at, `${kind} ${name} has no fields`);
    this.model.structs.push({ name, tag, kind, header: this.header, fields });
  }

  // ------------------------------------------------------------------ Vtbl

  private vtblBody(name: string, body: Token[], at: Token): void {
    const iface = name.slice(0, -"Vtbl".length);
    const methods: HeaderMethod[] = [];
    let member: Token[] = [];
    let depth = 0;
    for (const t of body) {
      if (member.length === 0 && t.kind === "ident" && /^(BEGIN|END)_INTERFACE$/.test(t.text)) {
        continue;
      }
      if (t.kind === "punct") {
        if (t.text === "(") depth++;
        else if (t.text === ")") depth--;
        else if (t.text === ";") {
          if (depth !== 0) this.fail(member[0] ?? t, "unbalanced parentheses in Vtbl member");
          if (member.length === 0) this.fail(t, `empty member in ${name}`);
          methods.push(this.vtblMember(iface, member, methods.length));
          member = [];
          continue;
        }
      }
      member.push(t);
    }
    if (member.length > 0) {
      this.fail(member[0], `Vtbl member is not terminated by \`;\` in ${name}`);
    }
    if (methods.length === 0) this.fail(at, `${name} has no methods`);
    this.vtbls.push({ name: iface, token: at, methods });
  }

  /** `RET (STDMETHODCALLTYPE *Name)(Iface *This, params...)` */
  private vtblMember(iface: string, m: Token[], slot: number): HeaderMethod {
    const bad = (why: string): never =>
      this.fail(m[0], `cannot parse Vtbl member (${why}) \`${this.sourceOf(m[0], m.at(-1)!)}\``);
    const open = m.findIndex((t) => isPunct(t, "("));
    if (open <= 0) bad("not a function pointer");
    const closeA = this.closeWithin(m, open);
    const inner = stripAnnotations(m.slice(open + 1, closeA));
    if (inner.length !== 2 || !isPunct(inner[0], "*") || inner[1].kind !== "ident") {
      bad("expected `(STDMETHODCALLTYPE *Name)`");
    }
    const openB = closeA + 1;
    if (!isPunct(m[openB], "(")) bad("missing parameter list");
    const closeB = this.closeWithin(m, openB);
    if (closeB !== m.length - 1) bad("unexpected tokens after the parameter list");
    const returns = this.guard(m[0], () => normaliseType(m.slice(0, open)));
    const params = this.guard(m[openB], () => parseParamList(m.slice(openB + 1, closeB), m[openB]));
    const self = params.shift();
    if (!self || self.name !== "This" || self.type !== `${iface} *`) {
      bad(`first parameter must be \`${iface} *This\``);
    }
    return { name: inner[1].text, slot, returns, params };
  }

  private closeWithin(m: Token[], open: number): number {
    let depth = 0;
    for (let k = open; k < m.length; k++) {
      if (isPunct(m[k], "(")) depth++;
      else if (isPunct(m[k], ")") && --depth === 0) return k;
    }
    this.fail(m[open], "unbalanced parentheses");
  }

  // ------------------------------------------------------------- C++ form

  /** `MIDL_INTERFACE("uuid") Name [: public Base] { ... };` */
  private cppInterface(): void {
    const s = this.i;
    this.expectPunct(s + 1, "(");
    const uuidTok = this.tok(s + 2, "a uuid string");
    if (uuidTok.kind !== "string") this.fail(uuidTok, "MIDL_INTERFACE expects a uuid string");
    this.expectPunct(s + 3, ")");
    const nameTok = this.expectIdent(s + 4, "an interface name");
    let k = s + 5;
    let base: string | null = null;
    if (isPunct(this.tok(k, "`{` or `:`"), ":")) {
      const pub = this.expectIdent(k + 1, "`public`");
      if (pub.text !== "public") this.fail(pub, "expected `public`");
      base = this.expectIdent(k + 2, "a base interface").text;
      k += 3;
      if (isPunct(this.tok(k, "`{`"), ",")) this.fail(this.toks[k], "multiple inheritance");
    }
    this.expectPunct(k, "{");
    const close = this.matchClose(k);
    this.expectPunct(close + 1, ";");
    const methods = this.cppMethods(k + 1, close);
    const uuid = uuidTok.text.slice(1, -1).toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) {
      this.fail(uuidTok, `malformed uuid ${uuidTok.text}`);
    }
    if (this.cpp.has(nameTok.text)) this.fail(nameTok, `interface ${nameTok.text} declared twice`);
    this.cpp.set(nameTok.text, { uuid, base, methods, token: this.toks[s] });
    this.i = close + 2;
  }

  /**
   * Names of the `virtual` methods between `from` and `to`. Inside a
   * preprocessor conditional (WIDL's `#ifdef WIDL_EXPLICIT_AGGREGATE_RETURNS`)
   * the branches are alternatives: the first branch's names are taken and every
   * other branch must declare the same virtual methods.
   */
  private cppMethods(from: number, to: number): string[] {
    const methods: string[] = [];
    // One frame per open conditional: the virtual method names of each branch so far.
    const frames: { branches: string[][]; token: Token }[] = [];
    for (let j = from; j < to; j++) {
      const t = this.toks[j];
      if (t.kind === "directive") {
        const d = /^#\s*(\w+)/.exec(t.text)?.[1] ?? "";
        if (d === "if" || d === "ifdef" || d === "ifndef") {
          frames.push({ branches: [[]], token: t });
        } else if (d === "else" || d === "elif") {
          (frames.at(-1) ?? this.fail(t, `#${d} without #if`)).branches.push([]);
        } else if (d === "endif") {
          const f = frames.pop() ?? this.fail(t, "#endif without #if");
          const first = f.branches[0].join(", ");
          for (const b of f.branches) {
            if (b.join(", ") !== first) {
              this.fail(
                f.token,
                `conditional branches declare different virtual methods: (${first}) vs (${
                  b.join(", ")
                })`,
              );
            }
          }
        } else this.fail(t, "unsupported preprocessor line inside an interface body");
        continue;
      }
      if (t.kind !== "ident" || t.text !== "virtual") continue;
      let p = j + 1;
      while (p < to && !isPunct(this.toks[p], "(")) p++;
      const mname = this.toks[p - 1];
      if (p >= to || mname.kind !== "ident") this.fail(t, "cannot parse virtual method");
      j = this.matchClose(p);
      for (const f of frames) f.branches[f.branches.length - 1].push(mname.text);
      if (frames.every((f) => f.branches.length === 1)) methods.push(mname.text);
    }
    if (frames.length > 0) this.fail(frames[0].token, "unterminated #if inside an interface body");
    return methods;
  }

  /** `interface X;` or `interface X { CONST_VTBL XVtbl* lpVtbl; };` */
  private interfaceBlock(): void {
    const s = this.i;
    this.expectIdent(s + 1, "an interface name");
    const t = this.tok(s + 2, "`;` or `{`");
    if (isPunct(t, ";")) {
      this.i = s + 3;
      return;
    }
    if (!isPunct(t, "{")) this.fail(t, "expected `;` or `{` after `interface X`");
    const close = this.matchClose(s + 2);
    this.expectPunct(close + 1, ";");
    this.i = close + 2;
  }

  /** `class DECLSPEC_UUID("...") Name;` */
  private classDeclaration(): void {
    const semi = this.findSemicolon(this.i + 1);
    this.i = semi + 1;
  }

  /** `__CRT_UUID_DECL(...)` (no `;`). */
  private bareMacro(): void {
    const open = this.i + 1;
    this.expectPunct(open, "(");
    const close = this.matchClose(open);
    this.i = isPunct(this.toks[close + 1], ";") ? close + 2 : close + 1;
  }

  private externBlock(): void {
    const s = this.i;
    const next = this.tok(s + 1, "a declaration");
    if (next.kind === "string") {
      if (isPunct(this.toks[s + 2], "{")) {
        this.externDepth++;
        this.i = s + 3;
      } else this.i = s + 2;
      return;
    }
    this.prototype();
  }

  // ------------------------------------------------------------- functions

  /** `static FORCEINLINE ...{...}` (skipped) or `static __inline RET Name(...) { ... }`. */
  private staticFunction(): void {
    const s = this.i;
    const kw = this.expectIdent(s + 1, "`FORCEINLINE` or `__inline`");
    let open = s + 2;
    while (open < this.toks.length && !isPunct(this.toks[open], "{")) {
      const t = this.toks[open];
      if (isPunct(t, ";") || t.kind === "directive") {
        this.fail(this.toks[s], "unsupported static declaration");
      }
      if (isPunct(t, "(")) open = this.matchClose(open);
      open++;
    }
    const close = this.matchClose(open);
    this.i = close + 1;
    if (kw.text === "FORCEINLINE") return; // COBJMACROS wrappers
    if (!INLINE_KEYWORDS.has(kw.text)) this.fail(kw, `unsupported \`static ${kw.text}\``);
    const fn = this.signature(this.toks.slice(s + 2, open), true);
    const body = this.toks.slice(open + 1, close);
    let b = 0;
    if (body[b]?.kind === "ident" && body[b].text === "return") b++;
    const target = body[b];
    let forwardsTo: string | null = null;
    if (target?.kind === "ident" && isPunct(body[b + 1], "(")) {
      let depth = 0;
      let k = b + 1;
      for (; k < body.length; k++) {
        if (isPunct(body[k], "(")) depth++;
        else if (isPunct(body[k], ")") && --depth === 0) break;
      }
      if (isPunct(body[k + 1], ";") && k + 2 === body.length) forwardsTo = target.text;
    }
    this.model.functions.push({ ...fn, forwardsTo });
  }

  /** A prototype `RET [CALLCONV] Name(params);`. RPC marshalling helpers are ignored. */
  private prototype(): void {
    const s = this.i;
    const semi = this.findSemicolon(s);
    const decl = this.toks.slice(s, semi);
    this.i = semi + 1;
    if (!decl.some((t) => isPunct(t, "("))) {
      this.fail(decl[0], `unrecognised declaration \`${this.sourceOf(decl[0], decl.at(-1)!)}\``);
    }
    if (decl.some((t) => t.kind === "ident" && t.text === "__RPC_USER")) return;
    this.model.functions.push({ ...this.signature(decl, false), forwardsTo: null });
  }

  private signature(decl: Token[], inline: boolean): Omit<HeaderFunction, "forwardsTo"> {
    const last = decl[decl.length - 1];
    if (!isPunct(last, ")")) this.fail(decl[0], "expected a function declaration");
    let depth = 0;
    let open = decl.length - 1;
    for (; open >= 0; open--) {
      if (isPunct(decl[open], ")")) depth++;
      else if (isPunct(decl[open], "(") && --depth === 0) break;
    }
    const nameTok = decl[open - 1];
    if (open < 1 || nameTok.kind !== "ident") this.fail(decl[0], "cannot find the function name");
    const retToks = decl.slice(0, open - 1).filter((t) =>
      !(t.kind === "ident" && (STORAGE.has(t.text) || t.text === "FORCEINLINE"))
    );
    if (retToks.some((t) => isPunct(t, "("))) this.fail(decl[0], "unsupported return type");
    const returns = this.guard(decl[0], () => normaliseType(retToks));
    if (!returns) this.fail(decl[0], `function ${nameTok.text} has no return type`);
    const params = this.guard(
      decl[open],
      () => parseParamList(decl.slice(open + 1, -1), decl[open]),
    );
    return { name: nameTok.text, header: this.header, returns, params, inline };
  }

  // ------------------------------------------------------------------ GUIDs

  /** `DEFINE_GUID(NAME, l, w1, w2, b1, ..., b8);` */
  private defineGuid(): void {
    const s = this.i;
    this.expectPunct(s + 1, "(");
    const close = this.matchClose(s + 1);
    this.expectPunct(close + 1, ";");
    const args = splitTopLevel(this.toks.slice(s + 2, close), ",");
    const nameTok = args[0]?.[0];
    if (args.length !== 12 || args[0].length !== 1 || nameTok?.kind !== "ident") {
      this.fail(this.toks[s], "DEFINE_GUID expects a name and 11 numbers");
    }
    const parts = args.slice(1).map((a) => {
      if (a.length === 0) this.fail(this.toks[s], "empty DEFINE_GUID argument");
      return this.evaluate(this.sourceOf(a[0], a[a.length - 1]), a[0]);
    });
    let value: string;
    try {
      value = formatGuid(parts);
    } catch (e) {
      this.fail(this.toks[s], (e as Error).message, e);
    }
    const name = nameTok.text;
    if (name.startsWith("IID_")) {
      this.iids.set(name.slice(4), { value, token: this.toks[s] });
    } else this.model.guids.push({ name, value, header: this.header });
    this.i = close + 2;
  }

  // ------------------------------------------------------------- assembly

  private assembleInterfaces(): HeaderInterface[] {
    const out: HeaderInterface[] = [];
    const seen = new Set<string>();
    for (const v of this.vtbls) {
      if (seen.has(v.name)) this.fail(v.token, `interface ${v.name} has two Vtbl structs`);
      seen.add(v.name);
      const cpp = this.cpp.get(v.name);
      if (!cpp) this.fail(v.token, `no C++ declaration (MIDL_INTERFACE) for ${v.name}`);
      const iid = this.iids.get(v.name);
      if (iid && iid.value !== cpp.uuid) {
        this.fail(
          iid.token,
          `IID_${v.name} ${iid.value} differs from MIDL_INTERFACE uuid ${cpp.uuid}`,
        );
      }
      const own = v.methods.slice(v.methods.length - cpp.methods.length).map((m) => m.name);
      if (
        cpp.methods.length > v.methods.length || own.some((n, k) => n !== cpp.methods[k])
      ) {
        this.fail(
          v.token,
          `${v.name}Vtbl does not end with the C++ methods (${cpp.methods.join(", ")})`,
        );
      }
      const value = iid?.value ?? cpp.uuid;
      out.push({
        name: v.name,
        header: this.header,
        iid: isNullGuid(value) ? null : value,
        base: cpp.base,
        vtbl: v.methods,
      });
    }
    for (const [name, c] of this.cpp) {
      if (!seen.has(name)) this.fail(c.token, `C++ interface ${name} has no C Vtbl struct`);
    }
    return out;
  }
}
