/**
 * Text rendering shared by the commands: aligned tables and `key: value`
 * blocks, sizes, counts, and the lines for a shadow copy or a writer's state.
 * Pure functions; what is printed where is `output.ts`'s business.
 *
 * @module
 */

import { describeHresult } from "../ffi/hresult.ts";
import type { FileSpec, ShadowCopy, WriterStatus } from "../mod.ts";

/** Rows as aligned columns (the last column is not padded). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [format(headers), ...rows.map(format)];
}

/** A value of a {@linkcode fields} block: undefined leaves the line out, null shows `-`. */
export type FieldValue = string | number | boolean | null | undefined;

/** `key: value` lines with the values aligned, indented by `indent` spaces. */
export function fields(
  entries: readonly (readonly [string, FieldValue])[],
  indent = 2,
): string[] {
  const shown = entries.filter(([, v]) => v !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) =>
    `${" ".repeat(indent)}${`${k}:`.padEnd(width + 2)}${v === null ? "-" : String(v)}`
  );
}

/** A heading line followed by its {@linkcode fields} block, as one text. */
export function block(
  heading: string,
  entries: readonly (readonly [string, FieldValue])[],
): string {
  return [heading, ...fields(entries)].join("\n");
}

/** Bytes as a short human size (`1.5 GiB`); negative means no limit. */
export function formatBytes(bytes: bigint): string {
  if (bytes < 0n) return "unbounded";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `1 shadow copy`, `3 shadow copies`. */
export function shadowCopies(count: number): string {
  return `${count} shadow cop${count === 1 ? "y" : "ies"}`;
}

/** `yes` or `no`. */
export function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

/** An enumeration member's name without its prefix, in lower case (`VSS_WS_STABLE` → `stable`). */
export function shortName(name: string, prefix: RegExp | string): string {
  return name.replace(typeof prefix === "string" ? new RegExp(`^${prefix}`) : prefix, "")
    .toLowerCase();
}

/** The lines describing one shadow copy, under `volumeLabel`. */
export function shadowCopyLines(s: ShadowCopy, volumeLabel: string, indent = 2): string[] {
  return [
    `${" ".repeat(indent)}${volumeLabel}`,
    ...fields([
      ["id", s.id],
      ["set", s.setId],
      ["device", s.devicePath],
      ["volume", s.originalVolumeName],
      ["created", s.createdAt.toISOString()],
      ["attributes", s.attributeNames.join(", ") || "-"],
      ["provider", s.providerId],
      [
        "exposed",
        s.exposedName ? `${s.exposedName}${s.exposedPath ? ` (${s.exposedPath})` : ""}` : undefined,
      ],
    ], indent + 2),
  ];
}

/** Writer status rows as aligned text, indented by two spaces. */
export function writerStatusLines(status: readonly WriterStatus[]): string[] {
  return table(
    ["WRITER", "STATE", "FAILURE", "INSTANCE"],
    status.map((s) => [
      s.name,
      shortName(s.stateName, "VSS_WS_"),
      s.failure === 0 ? "-" : s.failureName ?? describeHresult(s.failure),
      s.instanceId,
    ]),
  ).map((l) => `  ${l}`);
}

/** A file specification as one path (`C:\sql\*.mdf (recursive)`). */
export function fileSpecText(f: Pick<FileSpec, "path" | "filespec" | "recursive">): string {
  const sep = f.path.endsWith("\\") || f.path.endsWith("/") || f.path === "" ? "" : "\\";
  return `${f.path}${sep}${f.filespec}${f.recursive ? " (recursive)" : ""}`;
}
