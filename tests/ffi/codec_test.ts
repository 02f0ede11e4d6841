import { assert, assertEquals, assertThrows } from "../assert.ts";
import { guidBytes, GuidFormatError, normalizeGuid, readGuid, writeGuid } from "../../ffi/guid.ts";
import { readBstr, readWideString, wideString } from "../../ffi/wide_string.ts";
import { dateToTicks, filetimeBytes, guidArray, ticksToDate } from "../../ffi/marshal.ts";
import { VssArgumentError, VssError } from "../../ffi/errors.ts";
import * as structs from "../../ffi/generated/structs.ts";
import type { AbiModel } from "../../gen/model.ts";

const abi: AbiModel = JSON.parse(
  await Deno.readTextFile(new URL("../../ffi/generated/abi.json", import.meta.url)),
);

Deno.test("GUIDs use the Windows byte layout", () => {
  const bytes = guidBytes("00112233-4455-6677-8899-aabbccddeeff");
  assertEquals([...bytes], [
    0x33,
    0x22,
    0x11,
    0x00,
    0x55,
    0x44,
    0x77,
    0x66,
    0x88,
    0x99,
    0xaa,
    0xbb,
    0xcc,
    0xdd,
    0xee,
    0xff,
  ]);
  assertEquals(readGuid(new DataView(bytes.buffer), 0), "00112233-4455-6677-8899-aabbccddeeff");
  assertEquals(
    normalizeGuid("{00112233-4455-6677-8899-AABBCCDDEEFF}"),
    "00112233-4455-6677-8899-aabbccddeeff",
  );
  assertThrows(
    () => writeGuid(new DataView(new ArrayBuffer(16)), 0, "nope"),
    GuidFormatError,
    "not a GUID",
  );
  const array = guidArray([
    "00000000-0000-0000-0000-000000000001",
    "00000000-0000-0000-0000-000000000002",
  ], "ids");
  assertEquals(array.length, 32);
  assertEquals(readGuid(new DataView(array.buffer), 16), "00000000-0000-0000-0000-000000000002");
});

Deno.test("wide strings keep every UTF-16 unit and refuse embedded NULs", () => {
  const text = "Volumé ünï €𝄞 \\\\?\\Volume{x}\\";
  const units = wideString(text, "p")!;
  assertEquals(units.length, text.length + 1);
  assertEquals(units.at(-1), 0);
  assertEquals(readWideString(Deno.UnsafePointer.of(units)), text);
  assertEquals(wideString(null, "p"), null);
  assertEquals(readWideString(null), null);
  assertThrows(
    () => wideString("a\0b", "pwszVolumeName"),
    VssArgumentError,
    "pwszVolumeName contains a NUL character at index 1",
  );
});

Deno.test("BSTRs are read by their length prefix, so embedded NULs survive", () => {
  const text = "a\0b€";
  const memory = new Uint16Array(2 + text.length + 1);
  new DataView(memory.buffer).setUint32(0, text.length * 2, true);
  for (let i = 0; i < text.length; i++) memory[2 + i] = text.charCodeAt(i);
  const bstr = Deno.UnsafePointer.offset(Deno.UnsafePointer.of(memory)!, 4);
  assertEquals(readBstr(bstr), text);
  assertEquals(readBstr(null), null);
});

Deno.test("FILETIME ticks convert to Date and back without drift at millisecond precision", () => {
  const date = new Date("2024-01-01T00:00:00.123Z");
  const ticks = dateToTicks(date);
  assertEquals(ticks, 133485408001230000n);
  assertEquals(ticksToDate(ticks).toISOString(), date.toISOString());
  assertEquals(new DataView(filetimeBytes(ticks + 7n).buffer).getBigUint64(0, true), ticks + 7n);
});

Deno.test("every generated struct codec round-trips through its own layout", () => {
  const values = (name: string, seed: number): Record<string, unknown> => {
    const s = abi.structs[name];
    const out: Record<string, unknown> = {};
    s.fields.forEach((f, i) => {
      const n = seed + i;
      if (f.ffi === "struct:GUID") {
        out[f.name] = `0000000${n % 10}-1111-2222-3333-44445555666${n % 10}`;
      } else if (f.ffi.startsWith("struct:")) out[f.name] = values(f.ffi.slice(7), n * 3);
      else if (f.ffi === "bool") out[f.name] = n % 2 === 0;
      else if (f.ffi === "i64") out[f.name] = BigInt(-n) * 1000000007n;
      else if (f.ffi === "u64" || f.ffi === "pointer") out[f.name] = BigInt(n) * 0x100000001n;
      else if (f.ffi === "u8") out[f.name] = n % 256;
      else if (f.ffi === "u16") out[f.name] = n * 7;
      else if (f.ffi === "i32") out[f.name] = -n;
      else out[f.name] = n * 11;
    });
    return out;
  };
  let checked = 0;
  for (const [name, s] of Object.entries(abi.structs)) {
    const overlaps = s.kind === "union" ||
      s.fields.some((f) =>
        f.ffi.startsWith("struct:") && abi.structs[f.ffi.slice(7)].kind === "union"
      );
    if (name === "GUID" || overlaps) continue; // union members share bytes by design
    const codec =
      (structs as unknown as Record<string, structs.StructCodec<Record<string, unknown>>>)[name];
    assertEquals(codec.size, s.size);
    const value = values(name, 3);
    const view = new DataView(new ArrayBuffer(s.size + 16));
    codec.write(view, 8, value);
    assertEquals(codec.read(view, 8), value, name);
    checked++;
  }
  assertEquals(checked, 8, "structs without overlapping union members");
});

Deno.test("VssError carries code, name, method, page and whether the page lists the code", () => {
  const doc =
    abi.interfaces.IVssBackupComponents.methods.find((m) => m.name === "AddToSnapshotSet")!.doc;
  const listed = new VssError(0x80042301, "IVssBackupComponents", "AddToSnapshotSet", doc);
  assertEquals([listed.code, listed.hex, listed.codeName, listed.documented], [
    0x80042301,
    "0x80042301",
    "VSS_E_BAD_STATE",
    true,
  ]);
  assert(
    listed.message.includes(
      "IVssBackupComponents::AddToSnapshotSet failed with VSS_E_BAD_STATE (0x80042301)",
    ),
  );
  const unlisted = new VssError(0x8004231f | 0, "IVssBackupComponents", "AddToSnapshotSet", doc);
  assertEquals([unlisted.codeName, unlisted.documented], ["VSS_E_INSUFFICIENT_STORAGE", false]);
  assert(unlisted.message.includes("does not list this code"));
  const unknown = new VssError(0x80123456 | 0, "IVssAsync", "Wait", null);
  assertEquals(unknown.codeName, "0x80123456");
});

Deno.test("long wide strings are read across pages", () => {
  const text = "ü".repeat(3000) + "𝄞".repeat(1500) + "end";
  const units = wideString(text, "p")!;
  assertEquals(readWideString(Deno.UnsafePointer.of(units)), text);
});
