/**
 * Reading the user's input files, with usage errors that say what is wrong.
 *
 * @module
 */

import { UsageError } from "./errors.ts";

/**
 * The text of a file the user named (relative paths are the user's, so they
 * resolve against the working directory).
 *
 * @example
 * ```ts ignore
 * const xml = await readInput("bc.xml");
 * ```
 */
export async function readInput(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(
      `cannot read ${path}: ${(error as Error).message}`,
      error instanceof Deno.errors.NotCapable
        ? "Allow reading it (--allow-read, or -A)."
        : "Check the path; it should be a document written by `vss create --save-document`.",
      { cause: error },
    );
  }
}
