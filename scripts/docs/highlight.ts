/**
 * Build-time syntax highlighting for the guides' code blocks and the source
 * pages: a small tokenizer for TypeScript/JavaScript, JSON, shell and C that
 * wraps comments, strings, keywords and numbers in `<span class="tok-*">`.
 * No script runs in the browser for it.
 *
 * @module
 */

import { escapeHtml } from "./html.ts";

const TS_KEYWORDS = new Set(
  ("abstract as async await break case catch class const continue default delete do else enum " +
    "export extends false finally for from function if implements import in instanceof interface " +
    "let new null of private protected public readonly return static super switch this throw true " +
    "try type typeof undefined using var void while yield").split(" "),
);
const SH_KEYWORDS = new Set(
  "if then else fi for do done case esac while function export set cd echo deno npm npx node".split(
    " ",
  ),
);
const C_KEYWORDS = new Set(
  "const struct union enum typedef void unsigned signed int long char return sizeof".split(" "),
);

interface Rule {
  kind: string;
  pattern: RegExp;
}

function rules(lang: string): Rule[] | null {
  const strings = { kind: "str", pattern: /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/y };
  const number = { kind: "num", pattern: /\b(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?)n?\b/y };
  const word = { kind: "word", pattern: /[A-Za-z_$][\w$]*/y };
  switch (lang) {
    case "ts":
    case "typescript":
    case "js":
    case "javascript":
    case "mjs":
    case "cjs":
      return [
        { kind: "com", pattern: /\/\/[^\n]*|\/\*[\s\S]*?\*\//y },
        { kind: "str", pattern: /`(?:[^`\\]|\\.)*`/y },
        strings,
        number,
        word,
      ];
    case "json":
    case "jsonc":
      return [{ kind: "com", pattern: /\/\/[^\n]*/y }, strings, number, word];
    case "sh":
    case "bash":
    case "shell":
    case "console":
    case "powershell":
    case "ps1":
      return [{ kind: "com", pattern: /(?<=^|\s)#[^\n]*/y }, strings, number, word];
    case "c":
    case "cpp":
    case "h":
      return [
        { kind: "com", pattern: /\/\/[^\n]*|\/\*[\s\S]*?\*\//y },
        { kind: "com", pattern: /^[ \t]*#[^\n]*/my },
        strings,
        number,
        word,
      ];
    default:
      return null;
  }
}

function keywords(lang: string): Set<string> {
  if (lang === "sh" || lang === "bash" || lang === "shell" || lang === "console") {
    return SH_KEYWORDS;
  }
  if (lang === "c" || lang === "cpp" || lang === "h") return C_KEYWORDS;
  if (lang === "json" || lang === "jsonc") return new Set(["true", "false", "null"]);
  return TS_KEYWORDS;
}

/** The code as HTML, highlighted when the language is known, else only escaped. */
export function highlight(code: string, lang: string): string {
  const list = rules(lang.toLowerCase());
  if (!list) return escapeHtml(code);
  const words = keywords(lang.toLowerCase());
  let out = "";
  let plain = "";
  let at = 0;
  const flush = () => {
    out += escapeHtml(plain);
    plain = "";
  };
  outer: while (at < code.length) {
    for (const rule of list) {
      rule.pattern.lastIndex = at;
      const match = rule.pattern.exec(code);
      if (!match || match[0].length === 0) continue;
      const text = match[0];
      at += text.length;
      if (rule.kind === "word") {
        if (words.has(text)) {
          flush();
          out += `<span class="tok-kw">${text}</span>`;
        } else if (/^[A-Z]/.test(text) && lang !== "sh") {
          flush();
          out += `<span class="tok-type">${text}</span>`;
        } else plain += text;
      } else {
        flush();
        const inner = escapeHtml(text).replaceAll("\n", `</span>\n<span class="tok-${rule.kind}">`);
        out += `<span class="tok-${rule.kind}">${inner}</span>`;
      }
      continue outer;
    }
    plain += code[at++];
  }
  flush();
  return out;
}

/** The language of a file for {@linkcode highlight}, from its extension. */
export function languageOf(file: string): string {
  const ext = file.slice(file.lastIndexOf(".") + 1).toLowerCase();
  return ext === "md" ? "markdown" : ext;
}
