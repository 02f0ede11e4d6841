// Usage: deno run --allow-read --allow-write patch_deno_exe.ts IN.exe OUT.exe
//
// Writes a copy of the Windows deno.exe in which the string "VirtualAlloc2",
// which V8 looks up with GetProcAddress, reads "VirtualAllocX". The lookup then
// fails and V8 takes its pre-Windows-10 memory path: Wine 8 rejects
// MEM_RESERVE_PLACEHOLDER. Exits non-zero unless the string occurs exactly once,
// NUL-terminated, inside the PE's .rdata section.

const FROM = "VirtualAlloc2";
const TO = "VirtualAllocX";

function fail(message: string): never {
  console.error(`patch_deno_exe: ${message}`);
  Deno.exit(1);
}

function findAll(haystack: Uint8Array, needle: Uint8Array): number[] {
  const hits: number[] = [];
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first); i !== -1; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) break;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    hits.push(i);
  }
  return hits;
}

interface Section {
  name: string;
  rawStart: number;
  rawEnd: number;
}

function peSections(bytes: Uint8Array): Section[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== 0x5a4d) fail("input is not an MZ executable");
  const pe = view.getUint32(0x3c, true);
  if (view.getUint32(pe, true) !== 0x00004550) fail("input has no PE signature");
  if (view.getUint16(pe + 4, true) !== 0x8664) fail("input is not an x86-64 PE");
  const count = view.getUint16(pe + 6, true);
  const optionalSize = view.getUint16(pe + 20, true);
  const table = pe + 24 + optionalSize;
  const sections: Section[] = [];
  for (let i = 0; i < count; i++) {
    const at = table + i * 40;
    const name = new TextDecoder().decode(bytes.subarray(at, at + 8)).replace(/\0+$/, "");
    const rawSize = view.getUint32(at + 16, true);
    const rawStart = view.getUint32(at + 20, true);
    sections.push({ name, rawStart, rawEnd: rawStart + rawSize });
  }
  return sections;
}

const [input, output] = Deno.args;
if (!input || !output || Deno.args.length !== 2) fail("usage: patch_deno_exe.ts IN.exe OUT.exe");

const bytes = await Deno.readFile(input);
const from = new TextEncoder().encode(FROM + "\0");
const to = new TextEncoder().encode(TO + "\0");

const hits = findAll(bytes, from).filter((i) => i === 0 || bytes[i - 1] === 0);
if (hits.length !== 1) {
  fail(`expected exactly one NUL-delimited "${FROM}" in ${input}, found ${hits.length}`);
}
const offset = hits[0];
const section = peSections(bytes).find((s) => offset >= s.rawStart && offset < s.rawEnd);
if (section?.name !== ".rdata") {
  fail(`"${FROM}" at 0x${offset.toString(16)} is in ${section?.name ?? "no section"}, not .rdata`);
}
if (findAll(bytes, to).length !== 0) fail(`${input} already contains "${TO}"`);

bytes.set(to, offset);
if (findAll(bytes, from).length !== 0) fail("patch did not remove the original string");
await Deno.writeFile(output, bytes);
console.log(`patched "${FROM}" -> "${TO}" at file offset 0x${offset.toString(16)} (.rdata)`);
