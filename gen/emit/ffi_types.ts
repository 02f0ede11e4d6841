/**
 * How FFI tokens from the model are written in generated TypeScript.
 *
 * @module
 */

/** By-value struct definitions the generated tables refer to by name. */
export const BY_VALUE_STRUCTS: Record<string, string> = {
  GUID: `{ struct: ["u32", "u16", "u16", "u8", "u8", "u8", "u8", "u8", "u8", "u8", "u8"] }`,
  FILETIME: `{ struct: ["u32", "u32"] }`,
};

/** The TypeScript expression for an FFI token (`struct:GUID` → `GUID_BY_VALUE`). */
export function ffiExpression(token: string): string {
  if (token.startsWith("struct:")) {
    const name = token.slice(7);
    if (!BY_VALUE_STRUCTS[name]) throw new Error(`no by-value FFI definition for struct ${name}`);
    return `${name}_BY_VALUE`;
  }
  return JSON.stringify(token);
}
