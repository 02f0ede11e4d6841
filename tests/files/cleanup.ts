/**
 * Test clean-up shared by the copy tests.
 *
 * @module
 */

/** Removes a test folder; on Windows first clears the read-only attribute the copy preserved. */
export async function removeTree(dir: string): Promise<void> {
  if (Deno.build.os === "windows") {
    await new Deno.Command("cmd.exe", { args: ["/c", "attrib", "-R", `${dir}\\*`, "/S", "/D"] })
      .output();
  }
  await Deno.remove(dir, { recursive: true });
}
