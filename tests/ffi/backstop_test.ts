/**
 * The FinalizationRegistry backstop releases objects the program forgot, once.
 */

import { assertEquals } from "../assert.ts";

Deno.test("objects dropped without release are released once by the finalization backstop", async () => {
  const child = new URL("../support/backstop_child.ts", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", child.href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  assertEquals(JSON.parse(text.split("\n").at(-1)!), { before: 5, after: 0, releases: 5 });
});
