/**
 * A small C tokenizer for the WIDL-generated SDK headers: identifiers, numbers,
 * string and character literals, punctuators, and whole preprocessor lines.
 * Comments are dropped; every token keeps its 1-based line and source offsets.
 *
 * @module
 */

/** Kinds of token the lexer produces. */
export type TokenKind = "ident" | "number" | "string" | "char" | "punct" | "directive";

/** One token. */
export interface Token {
  kind: TokenKind;
  /** Token text; for `directive`, the logical line with comments removed and continuations joined. */
  text: string;
  /** 1-based line where the token starts. */
  line: number;
  /** Offset of the first character in the source text. */
  start: number;
  /** Offset just past the last character in the source text. */
  end: number;
}

/** A lexical error (unterminated comment, string or unknown character). */
export class LexError extends Error {
  /** 1-based line of the error. */
  readonly line: number;

  /**
   * @param line 1-based line of the error.
   * @param message What went wrong.
   */
  constructor(line: number, message: string) {
    super(message);
    this.name = "LexError";
    this.line = line;
  }
}

const THREE_CHAR = new Set(["...", "<<=", ">>="]);
const TWO_CHAR = new Set([
  "<<",
  ">>",
  "->",
  "::",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "##",
]);
const ONE_CHAR = "{}()[];,*&|^~!=<>+-/%?:.#";

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Options for {@link tokenize}. */
export interface TokenizeOptions {
  /**
   * Macro names whose `#ifdef NAME` blocks are skipped without tokenizing, up to
   * the matching `#endif` (or a top-level `#else`/`#elif`, after which lexing
   * resumes). WIDL's `COBJMACROS` wrappers are more than half of each header.
   */
  skipIfdef?: ReadonlySet<string>;
}

const CONDITIONAL = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b[^\n]*/gm;

/**
 * Offset just past the line that ends the `#ifdef` block whose body starts at
 * `from` (the matching `#endif`, or a `#else`/`#elif` at the same level); -1 if none.
 */
function skipConditional(text: string, from: number): number {
  CONDITIONAL.lastIndex = from;
  let depth = 1;
  for (let m = CONDITIONAL.exec(text); m; m = CONDITIONAL.exec(text)) {
    const d = m[1];
    if (d === "if" || d === "ifdef" || d === "ifndef") depth++;
    else if (d === "endif") depth--;
    if (depth === 0 || (depth === 1 && (d === "else" || d === "elif"))) {
      return d === "endif" ? CONDITIONAL.lastIndex : m.index;
    }
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = text.indexOf("\n", from); k >= 0 && k < to; k = text.indexOf("\n", k + 1)) n++;
  return n;
}

/**
 * Split C source text into tokens.
 *
 * @param text The header text.
 * @param options Blocks to skip.
 * @returns The tokens in source order.
 * @throws {LexError} On an unterminated comment or literal, or a character C does not use.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): Token[] {
  const skip = options.skipIfdef;
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  // True while only whitespace has been seen since the last newline.
  let lineStart = true;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      lineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    // Line continuation outside directives.
    if (c === 92 && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) throw new LexError(line, "unterminated /* comment");
      for (let k = i; k < close; k++) if (text.charCodeAt(k) === 10) line++;
      i = close + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 35 && lineStart) {
      const startLine = line;
      const start = i;
      let body = "";
      let segment = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) break;
        if (d === 92 && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
          body += text.slice(segment, i) + " ";
          i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
          line++;
          segment = i;
          continue;
        }
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          const close = text.indexOf("*/", i + 2);
          if (close < 0) throw new LexError(line, "unterminated /* comment");
          body += text.slice(segment, i) + " ";
          for (let k = i; k < close; k++) if (text.charCodeAt(k) === 10) line++;
          i = close + 2;
          segment = i;
          continue;
        }
        if (d === 47 && text.charCodeAt(i + 1) === 47) {
          body += text.slice(segment, i);
          while (i < n && text.charCodeAt(i) !== 10) i++;
          segment = i;
          break;
        }
        i++;
      }
      body += text.slice(segment, i);
      const directive = body.trim();
      const ifdef = skip && /^#\s*ifdef\s+(\w+)\s*$/.exec(directive);
      if (ifdef && skip.has(ifdef[1])) {
        const resume = skipConditional(text, i);
        if (resume < 0) throw new LexError(startLine, `unterminated \`${directive}\``);
        line += countNewlines(text, i, resume);
        i = resume;
        continue;
      }
      tokens.push({ kind: "directive", text: directive, line: startLine, start, end: i });
      continue;
    }
    lineStart = false;
    const start = i;
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: "ident", text: text.slice(start, i), line, start, end: i });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isIdentPart(d) || d === 46) i++;
        else if (
          (d === 43 || d === 45) && /[eEpP]/.test(text[i - 1]) &&
          !/^0[xX]/.test(text.slice(start, i))
        ) i++;
        else break;
      }
      tokens.push({ kind: "number", text: text.slice(start, i), line, start, end: i });
      continue;
    }
    if (c === 34 || c === 39) {
      i++;
      while (i < n && text.charCodeAt(i) !== c) {
        if (text.charCodeAt(i) === 92) i++;
        if (text.charCodeAt(i) === 10) throw new LexError(line, "unterminated literal");
        i++;
      }
      if (i >= n) throw new LexError(line, "unterminated literal");
      i++;
      tokens.push({
        kind: c === 34 ? "string" : "char",
        text: text.slice(start, i),
        line,
        start,
        end: i,
      });
      continue;
    }
    const three = text.slice(i, i + 3);
    if (THREE_CHAR.has(three)) {
      i += 3;
      tokens.push({ kind: "punct", text: three, line, start, end: i });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      i += 2;
      tokens.push({ kind: "punct", text: two, line, start, end: i });
      continue;
    }
    if (ONE_CHAR.includes(text[i])) {
      i++;
      tokens.push({ kind: "punct", text: text[start], line, start, end: i });
      continue;
    }
    throw new LexError(line, `unexpected character ${JSON.stringify(text[i])}`);
  }
  return tokens;
}
