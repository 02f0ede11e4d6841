/**
 * Layout truth: a C probe, compiled by x86_64-w64-mingw32-gcc against the
 * mingw-w64 headers and run under Wine, prints every struct size, alignment,
 * field offset and size, every vtable slot (offsetof in the header's Vtbl
 * struct) and every enum value; the model must agree on each number.
 */

import { fileURLToPath } from "node:url";
import { assertEquals } from "../assert.ts";
import type { AbiModel } from "../../gen/model.ts";
import { runWindowsProgram } from "../support/wine.ts";

const root = new URL("../../", import.meta.url);
const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("ffi/generated/abi.json", root)),
);

/** Probe source and the value the model expects for each printed key. */
function probe(model: AbiModel): { source: string; expected: Map<string, number> } {
  const lines: string[] = [];
  const expected = new Map<string, number>();
  const print = (key: string, expr: string, value: number) => {
    lines.push(`  printf("${key} %lld\\n", (long long)(${expr}));`);
    expected.set(key, value);
  };
  for (const [name, s] of Object.entries(model.structs)) {
    print(`size ${name}`, `sizeof(${name})`, s.size);
    print(`align ${name}`, `_Alignof(${name})`, s.align);
    for (const f of s.fields) {
      print(`offset ${name}.${f.name}`, `offsetof(${name}, ${f.name})`, f.offset);
      print(`fsize ${name}.${f.name}`, `sizeof(((${name} *)0)->${f.name})`, f.size);
    }
  }
  for (const [name, iface] of Object.entries(model.interfaces)) {
    for (const m of iface.methods) {
      print(`slot ${name}.${m.name}`, `offsetof(${name}Vtbl, ${m.name}) / sizeof(void *)`, m.slot);
    }
    print(`vtable ${name}`, `sizeof(${name}Vtbl) / sizeof(void *)`, iface.vtableSize);
  }
  for (const [name, e] of Object.entries(model.enums)) {
    for (const [member, value] of Object.entries(e.members)) {
      print(`enum ${name}.${member}`, `(int)${member}`, value);
    }
  }
  const source = `#define CINTERFACE
#include <windows.h>
#include <stddef.h>
#include <stdio.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsmgmt.h>

int main(void) {
${lines.join("\n")}
  return 0;
}
`;
  return { source, expected };
}

Deno.test("every struct, field, vtable slot and enum value matches the compiler under Wine", async () => {
  const { source, expected } = probe(abi);
  const dir = fileURLToPath(new URL(".cache/layout-probe/", root));
  await Deno.mkdir(dir, { recursive: true });
  const exe = `${dir}probe.exe`;
  let previous = "";
  try {
    previous = await Deno.readTextFile(`${dir}probe.c`);
  } catch { /* first run */ }
  const built = await Deno.stat(exe).then(() => true, () => false);
  if (previous !== source || !built) {
    await Deno.writeTextFile(`${dir}probe.c`, source);
    const cc = await new Deno.Command("x86_64-w64-mingw32-gcc", {
      args: ["-std=c11", "-O0", "-Wall", "-Werror", "-o", exe, `${dir}probe.c`],
      stderr: "piped",
    }).output();
    if (!cc.success) {
      throw new Error(`probe compile failed:\n${new TextDecoder().decode(cc.stderr)}`);
    }
  }
  const output = await runWindowsProgram(exe);
  const actual = new Map<string, number>();
  for (const line of output.trim().split(/\r?\n/)) {
    const at = line.lastIndexOf(" ");
    actual.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  const mismatches = [...expected].filter(([key, value]) => actual.get(key) !== value)
    .map(([key, value]) => `${key}: model ${value}, compiler ${actual.get(key)}`);
  assertEquals(mismatches, []);
  assertEquals(actual.size, expected.size);
  const kinds = new Map<string, number>();
  for (const key of expected.keys()) {
    const kind = key.split(" ")[0];
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  console.log(
    `layout probe: ${expected.size} numbers agree (${
      [...kinds].map(([k, n]) => `${n} ${k}`).join(", ")
    })`,
  );
});
