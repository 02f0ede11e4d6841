/**
 * Evaluate C integer constant expressions as they appear in enum initialisers
 * and `#define`s: decimal, hex and octal literals with `U`/`L` suffixes, unary
 * `- + ~ !`, binary `* / % + - << >> & ^ |`, parentheses, casts to known integer
 * types such as `(HRESULT)` or `(LONG)`, references to names defined earlier,
 * and caller-supplied one-argument macros (e.g. `_HRESULT_TYPEDEF_(x)`).
 *
 * Arithmetic is exact (BigInt): `0xffffffff` is 4294967295 and `~0` is -1.
 * Only casts truncate, to the width and signedness of the named type.
 *
 * @module
 */

/** The expression could not be evaluated; the message says why. */
export class ConstExprError extends Error {
  /** The expression text. */
  readonly expression: string;

  /**
   * @param expression The expression text.
   * @param reason Why it could not be evaluated.
   */
  constructor(expression: string, reason: string) {
    super(`${reason} in constant expression \`${expression}\``);
    this.name = "ConstExprError";
    this.expression = expression;
  }
}

/** Width and signedness of an integer type a cast may name. */
export interface IntegerType {
  bits: number;
  signed: boolean;
}

/**
 * Integer types a cast may name (Windows LLP64: `long` is 32 bits). Multi-word
 * names are written with single spaces.
 */
export const CAST_TYPES: ReadonlyMap<string, IntegerType> = new Map<string, IntegerType>([
  ["HRESULT", { bits: 32, signed: true }],
  ["SCODE", { bits: 32, signed: true }],
  ["LONG", { bits: 32, signed: true }],
  ["INT", { bits: 32, signed: true }],
  ["int", { bits: 32, signed: true }],
  ["long", { bits: 32, signed: true }],
  ["signed", { bits: 32, signed: true }],
  ["signed int", { bits: 32, signed: true }],
  ["signed long", { bits: 32, signed: true }],
  ["long int", { bits: 32, signed: true }],
  ["__LONG32", { bits: 32, signed: true }],
  ["ULONG", { bits: 32, signed: false }],
  ["UINT", { bits: 32, signed: false }],
  ["DWORD", { bits: 32, signed: false }],
  ["unsigned", { bits: 32, signed: false }],
  ["unsigned int", { bits: 32, signed: false }],
  ["unsigned long", { bits: 32, signed: false }],
  ["unsigned __LONG32", { bits: 32, signed: false }],
  ["SHORT", { bits: 16, signed: true }],
  ["short", { bits: 16, signed: true }],
  ["USHORT", { bits: 16, signed: false }],
  ["WORD", { bits: 16, signed: false }],
  ["unsigned short", { bits: 16, signed: false }],
  ["BYTE", { bits: 8, signed: false }],
  ["UCHAR", { bits: 8, signed: false }],
  ["CHAR", { bits: 8, signed: true }],
  ["char", { bits: 8, signed: true }],
  ["unsigned char", { bits: 8, signed: false }],
  ["LONGLONG", { bits: 64, signed: true }],
  ["LONG64", { bits: 64, signed: true }],
  ["INT64", { bits: 64, signed: true }],
  ["long long", { bits: 64, signed: true }],
  ["__int64", { bits: 64, signed: true }],
  ["ULONGLONG", { bits: 64, signed: false }],
  ["ULONG64", { bits: 64, signed: false }],
  ["UINT64", { bits: 64, signed: false }],
  ["DWORD64", { bits: 64, signed: false }],
  ["unsigned long long", { bits: 64, signed: false }],
  ["unsigned __int64", { bits: 64, signed: false }],
]);

/** Convert a value as a C cast to `type` would. */
export function castInteger(type: IntegerType, value: bigint): bigint {
  return type.signed ? BigInt.asIntN(type.bits, value) : BigInt.asUintN(type.bits, value);
}

/** How names and macro calls inside an expression are resolved. */
export interface ConstExprOptions {
  /** Value of a name defined earlier, or undefined when unknown. */
  lookup?: (name: string) => bigint | undefined;
  /** One-argument function-like macros, e.g. `{ _HRESULT_TYPEDEF_: (v) => ... }`. */
  functions?: Readonly<Record<string, (value: bigint) => bigint>>;
}

type Tok = { kind: "num"; value: bigint; text: string } | { kind: "id" | "op"; text: string };

const LITERAL =
  /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?$/;

/** Parse one C integer literal (`0x1F`, `10UL`, `017`); null when it is not one. */
export function parseIntegerLiteral(text: string): bigint | null {
  const m = LITERAL.exec(text);
  if (!m) return null;
  const digits = m[1];
  if (/^0[xX]/.test(digits)) return BigInt(digits);
  if (digits.length > 1 && digits[0] === "0") return BigInt("0o" + digits.slice(1));
  return BigInt(digits);
}

function lex(expr: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:([0-9][0-9a-zA-Z_.]*)|([A-Za-z_]\w*)|(<<|>>|[-+~!*\/%&|^()]))/y;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) {
      throw new ConstExprError(expr, `unexpected ${JSON.stringify(expr.slice(pos).trim()[0])}`);
    }
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      const value = parseIntegerLiteral(m[1]);
      if (value === null) throw new ConstExprError(expr, `bad integer literal \`${m[1]}\``);
      out.push({ kind: "num", value, text: m[1] });
    } else if (m[2] !== undefined) out.push({ kind: "id", text: m[2] });
    else out.push({ kind: "op", text: m[3] });
  }
  return out;
}

const BINARY: ReadonlyArray<ReadonlyArray<string>> = [
  ["|"],
  ["^"],
  ["&"],
  ["<<", ">>"],
  ["+", "-"],
  ["*", "/", "%"],
];

/**
 * Evaluate a C integer constant expression exactly.
 *
 * @param expr The expression text, e.g. `(VSS_VOLSNAP_ATTR_PERSISTENT | 0x8) | 0x10`.
 * @param options Name lookup and function-like macros.
 * @returns The mathematical value (casts truncate; nothing else does).
 * @throws {ConstExprError} On a syntax error, unknown name, unbalanced parenthesis or division by zero.
 */
export function evaluateConstExpr(expr: string, options: ConstExprOptions = {}): bigint {
  const toks = lex(expr);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const isOp = (t: Tok | undefined, text: string): boolean =>
    t !== undefined && t.kind === "op" && t.text === text;
  const expect = (text: string): void => {
    if (!isOp(peek(), text)) {
      const got = peek();
      throw new ConstExprError(
        expr,
        got ? `expected \`${text}\` but found \`${got.text}\`` : `expected \`${text}\` at end`,
      );
    }
    i++;
  };

  // If toks[i] starts a cast `( type words )`, return the type and its end index.
  const castAt = (): { type: IntegerType; next: number } | null => {
    if (!isOp(toks[i], "(")) return null;
    const words: string[] = [];
    let k = i + 1;
    while (k < toks.length && toks[k].kind === "id") words.push(toks[k++].text);
    if (words.length === 0 || !isOp(toks[k], ")")) return null;
    const type = CAST_TYPES.get(words.join(" "));
    if (!type) return null;
    return { type, next: k + 1 };
  };

  const unary = (): bigint => {
    const t = peek();
    if (t === undefined) throw new ConstExprError(expr, "unexpected end");
    if (t.kind === "op") {
      switch (t.text) {
        case "-":
          i++;
          return -unary();
        case "+":
          i++;
          return unary();
        case "~":
          i++;
          return ~unary();
        case "!":
          i++;
          return unary() === 0n ? 1n : 0n;
        case "(": {
          const cast = castAt();
          if (cast) {
            i = cast.next;
            return castInteger(cast.type, unary());
          }
          i++;
          const v = binary(0);
          expect(")");
          return v;
        }
      }
      throw new ConstExprError(expr, `unexpected \`${t.text}\``);
    }
    i++;
    if (t.kind === "num") return t.value;
    const fn = options.functions?.[t.text];
    if (fn && isOp(peek(), "(")) {
      i++;
      const arg = binary(0);
      expect(")");
      return fn(arg);
    }
    const v = options.lookup?.(t.text);
    if (v === undefined) throw new ConstExprError(expr, `unknown name \`${t.text}\``);
    return v;
  };

  const binary = (level: number): bigint => {
    if (level >= BINARY.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t === undefined || t.kind !== "op" || !BINARY[level].includes(t.text)) return left;
      i++;
      const right = binary(level + 1);
      switch (t.text) {
        case "|":
          left |= right;
          break;
        case "^":
          left ^= right;
          break;
        case "&":
          left &= right;
          break;
        case "<<":
        case ">>":
          if (right < 0n || right > 1024n) {
            throw new ConstExprError(expr, `shift count ${right} out of range`);
          }
          left = t.text === "<<" ? left << right : left >> right;
          break;
        case "+":
          left += right;
          break;
        case "-":
          left -= right;
          break;
        case "*":
          left *= right;
          break;
        case "/":
        case "%":
          if (right === 0n) throw new ConstExprError(expr, "division by zero");
          left = t.text === "/" ? left / right : left % right;
          break;
      }
    }
  };

  if (toks.length === 0) throw new ConstExprError(expr, "empty expression");
  const value = binary(0);
  if (i < toks.length) {
    const rest = toks[i];
    throw new ConstExprError(
      expr,
      rest.kind === "op" && rest.text === ")" ? "unbalanced `)`" : `unexpected \`${rest.text}\``,
    );
  }
  return value;
}
