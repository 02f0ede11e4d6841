/**
 * Blocks the API pages get from the ABI model (`ffi/generated/abi.json`):
 * the native signature, vtable slot, parameters and return codes of every
 * generated method; the value of every enumeration member; the layout of
 * every structure; value, meaning and documenting pages of every HRESULT.
 * Meanings quoted from the reference are added at build time only, with
 * their attribution.
 *
 * @module
 */

import { formatHresult, toSigned } from "../../ffi/hresult.ts";
import { ccByUrl } from "./config.ts";
import { escapeHtml } from "./html.ts";
import type { AbiMethod, AbiModel, AbiParam, AbiStruct, ReferenceEntry } from "./reference.ts";

/** What the blocks link to besides the model. */
export interface ModelLinks {
  /** HRESULT name → address (relative to the API page) of the section that says what to do. */
  advice: ReadonlyMap<string, string>;
  /** `IVssAsync::Wait` or a function name → address relative to the page, when it has one. */
  page(documentedBy: string): string | null;
}

const FACILITIES: Record<number, string> = { 0: "NULL", 1: "RPC", 4: "ITF", 7: "WIN32" };

/**
 * What the generic COM codes mean, in our own words (the reference pages of
 * the VSS methods describe them only for each method).
 */
const OWN_MEANINGS: Record<string, string> = {
  S_OK: "Success.",
  S_FALSE: "Success, with a negative or empty answer (for example no more items).",
  E_FAIL: "An unspecified failure.",
  E_INVALIDARG: "An argument is not valid.",
  E_OUTOFMEMORY: "Memory or another system resource ran out.",
  E_POINTER: "A required pointer argument is null.",
  E_NOTIMPL: "The object does not implement this method.",
  E_NOINTERFACE: "The object does not support the requested interface.",
  E_UNEXPECTED: "A catastrophic or otherwise unexpected failure.",
  E_ACCESSDENIED:
    "The caller lacks the rights for the operation (VSS needs administrator or backup rights).",
  CO_E_NOTINITIALIZED: "COM is not initialised on the calling thread.",
  RPC_E_CHANGED_MODE: "COM was already initialised on this thread with another threading model.",
  RPC_E_TOO_LATE: "COM security was already initialised in this process.",
  REGDB_E_CLASSNOTREG: "The COM class is not registered on this machine.",
};

function attribution(url: string, label: string): string {
  return `<p class="vss-ref-attribution">Meanings from the <a href="${escapeHtml(url)}">` +
    `Microsoft reference page for ${escapeHtml(label)}</a>, ` +
    `<a rel="license" href="${ccByUrl}">CC-BY-4.0</a></p>`;
}

function cDeclaration(param: AbiParam): string {
  return param.type.endsWith("*") ? `${param.type}${param.name}` : `${param.type} ${param.name}`;
}

/** The C declaration of a method: `HRESULT AddToSnapshotSet(VSS_PWSZ pwszVolumeName, ...)`. */
export function cSignature(method: AbiMethod): string {
  const params = method.params.map(cDeclaration);
  const inner = params.length === 0
    ? "void"
    : params.length > 2
    ? `\n  ${params.join(",\n  ")}\n`
    : params.join(", ");
  return `${method.returns} ${method.name}(${inner})`;
}

function hresultLink(name: string): string {
  return `<a href="HRESULT.${name}.html"><code>${name}</code></a>`;
}

/**
 * The block of a method page: native signature, slot, parameters, and the
 * return codes the reference page lists, with their values and (at build
 * time) what the page says about each.
 */
export function methodBlock(
  abi: AbiModel,
  interfaceName: string,
  method: AbiMethod,
  entry: ReferenceEntry | undefined,
  links: ModelLinks,
): string {
  const params = method.params.length === 0
    ? `<p class="muted">No parameters besides <code>this</code>.</p>`
    : `<div class="vss-table-wrap"><table class="vss-params"><thead><tr><th>Parameter</th>` +
      `<th>C type</th><th>Direction</th></tr></thead><tbody>${
        method.params.map((p) =>
          `<tr><td><code>${escapeHtml(p.name)}</code></td><td><code>${
            escapeHtml(p.type)
          }</code></td><td class="vss-dir-${escapeHtml(p.direction)}">${
            escapeHtml(p.direction)
          }</td></tr>`
        ).join("")
      }</tbody></table></div>`;
  const codes = method.returnCodes ?? [];
  const meanings = entry?.codeMeanings ?? new Map<string, string>();
  const label = `${interfaceName}::${method.name}`;
  const rows = codes.map((name) => {
    const value = abi.hresults[name]?.value;
    const advice = links.advice.get(name);
    const meaning = meanings.get(name);
    return `<tr data-code="${name}"><td>${hresultLink(name)}</td><td><code>${
      value === undefined ? "?" : formatHresult(value)
    }</code></td><td>${meaning ? escapeHtml(meaning) : ""}${
      advice ? ` <a class="vss-advice" href="${advice}">What to do</a>` : ""
    }</td></tr>`;
  });
  const codeTable = codes.length === 0
    ? `<p class="muted">The reference page lists no return codes for this method.</p>`
    : `<p>The return codes the ${
      entry ? `<a href="${escapeHtml(entry.url)}">reference page</a>` : "reference page"
    } documents for <code>${label}</code> (${codes.length}):</p>` +
      `<div class="vss-table-wrap"><table class="vss-codes"><thead><tr><th>Code</th><th>Value</th>` +
      `<th>Meaning</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>` +
      (entry && meanings.size > 0 ? attribution(entry.url, label) : "");
  return `<section class="vss-model" data-vss-model="method">` +
    `<h2 class="vss-model-title">Native method</h2>` +
    `<pre class="vss-c"><code>${escapeHtml(cSignature(method))}</code></pre>` +
    `<p>Vtable slot <strong data-vss-slot>${method.slot}</strong> of <code>${interfaceName}</code>.` +
    ` Returns <code>${escapeHtml(method.returns)}</code>.</p>` +
    `<h3>Parameters</h3>${params}<h3>Return codes</h3>${codeTable}</section>`;
}

function enumValue(value: number): string {
  return value < 0 ? `${value} (${formatHresult(value)})` : String(value);
}

/** The block of an enumeration page: every member with its value. */
export function enumBlock(name: string, members: Record<string, number>): string {
  const rows = Object.entries(members).map(([member, value]) =>
    `<tr data-member="${member}"><td><a href="${name}.${member}.html"><code>${member}</code></a>` +
    `</td><td><code>${enumValue(value)}</code></td></tr>`
  );
  return `<section class="vss-model" data-vss-model="enum"><h2 class="vss-model-title">Members</h2>` +
    `<div class="vss-table-wrap"><table class="vss-enum"><thead><tr><th>Member</th><th>Value</th>` +
    `</tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

/** The block of an enumeration member's page: its value. */
export function enumMemberBlock(name: string, member: string, value: number): string {
  return `<section class="vss-model" data-vss-model="enum-member"><p><code>${name}.${member}</code>` +
    ` = <code data-vss-value>${enumValue(value)}</code></p></section>`;
}

/** The block of a structure page: size, alignment and every field's offset. */
export function structBlock(name: string, struct: AbiStruct): string {
  const rows = struct.fields.map((f) =>
    `<tr><td><code>${escapeHtml(f.name)}</code></td><td><code>${escapeHtml(f.type)}</code></td>` +
    `<td>${f.offset}</td><td>${f.size}</td></tr>`
  );
  return `<section class="vss-model" data-vss-model="struct"><h2 class="vss-model-title">` +
    `Layout (Windows x64)</h2><p><code>${name}</code> (${struct.kind}, ${
      escapeHtml(struct.header)
    }): ${struct.size} bytes, aligned to ${struct.align}.</p>` +
    `<div class="vss-table-wrap"><table class="vss-struct"><thead><tr><th>Field</th><th>C type</th>` +
    `<th>Offset</th><th>Size</th></tr></thead><tbody>${
      rows.join("")
    }</tbody></table></div></section>`;
}

/** Where the meaning of an HRESULT comes from: a reference page, or our own words. */
export interface HresultMeaning {
  /** The text. */
  text: string;
  /** The reference entry it was quoted from; null for our own words. */
  from: ReferenceEntry | null;
}

/** The meaning of each HRESULT: our words for the COM codes, else the first reference page's. */
export function hresultMeanings(
  abi: AbiModel,
  entries: readonly ReferenceEntry[],
): Map<string, HresultMeaning> {
  const byLabel = new Map(entries.map((e) => [e.label, e]));
  const out = new Map<string, HresultMeaning>();
  for (const [name, info] of Object.entries(abi.hresults)) {
    if (OWN_MEANINGS[name]) {
      out.set(name, { text: OWN_MEANINGS[name], from: null });
      continue;
    }
    for (const page of info.documentedBy) {
      const entry = byLabel.get(page);
      const text = entry?.codeMeanings.get(name);
      if (entry && text) {
        out.set(name, { text, from: entry });
        break;
      }
    }
  }
  return out;
}

/** The block of an HRESULT's page: value, severity, facility, meaning and documenting pages. */
export function hresultBlock(
  abi: AbiModel,
  name: string,
  meaning: HresultMeaning | undefined,
  links: ModelLinks,
): string {
  const info = abi.hresults[name];
  const value = info.value;
  const facility = (value >>> 16) & 0x1fff;
  const advice = links.advice.get(name);
  const meaningHtml = meaning
    ? `<p class="vss-meaning">${escapeHtml(meaning.text)}</p>${
      meaning.from
        ? `<p class="vss-ref-attribution">As the <a href="${
          escapeHtml(meaning.from.url)
        }">Microsoft reference page for ${
          escapeHtml(meaning.from.label)
        }</a> describes it, <a rel="license" href="${ccByUrl}">CC-BY-4.0</a></p>`
        : ""
    }`
    : `<p class="muted">No reference page describes this code; its name and value come from the SDK headers.</p>`;
  const pages = info.documentedBy.map((page) => {
    const href = links.page(page);
    const label = `<code>${escapeHtml(page)}</code>`;
    return `<li>${href ? `<a href="${href}">${label}</a>` : label}</li>`;
  });
  return `<section class="vss-model" data-vss-model="hresult">` +
    `<dl class="vss-facts"><dt>Value</dt><dd><code data-vss-hex>${
      formatHresult(value)
    }</code> (signed ${toSigned(value)})</dd>` +
    `<dt>Severity</dt><dd>${value >>> 31 ? "failure" : "success"}</dd>` +
    `<dt>Facility</dt><dd>${FACILITIES[facility] ?? facility}</dd></dl>` +
    `<h2 class="vss-model-title">Meaning</h2>${meaningHtml}${
      advice ? `<p><a class="vss-advice" href="${advice}">What to do about ${name}</a></p>` : ""
    }<h3>Listed as a return value by</h3>${
      pages.length === 0
        ? `<p class="muted">no reference page</p>`
        : `<ul class="vss-pages">${pages.join("")}</ul>`
    }</section>`;
}
