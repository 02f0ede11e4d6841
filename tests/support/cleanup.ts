/**
 * Clean-up that never hides the error that matters: the first one.
 *
 * @module
 */

/**
 * Runs `body`, then every clean-up step in order, each one even when an
 * earlier one failed. The first error (of the body, else of a step) is
 * thrown; a clean-up failure after it is printed, never thrown in its place.
 *
 * @example Delete a folder whatever happens, without masking the test's failure
 * ```ts ignore
 * import { withCleanup } from "../support/cleanup.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await withCleanup(async () => {
 *   await Deno.writeTextFile(`${dir}/a.txt`, "a");
 * }, [() => Deno.remove(dir, { recursive: true })]);
 * ```
 */
export async function withCleanup(
  body: () => Promise<void>,
  cleanups: (() => Promise<unknown> | unknown)[],
): Promise<void> {
  let first: { error: unknown } | null = null;
  try {
    await body();
  } catch (error) {
    first = { error };
  }
  for (const step of cleanups) {
    try {
      await step();
    } catch (error) {
      if (first === null) first = { error };
      else console.error(`clean-up failed after an earlier error (the first is kept): ${error}`);
    }
  }
  if (first !== null) throw first.error;
}
