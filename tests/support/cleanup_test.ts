/** The clean-up helper of the real-Windows tests: every step runs, the first error wins. */

import { assertEquals, assertRejects } from "../assert.ts";
import { withCleanup } from "./cleanup.ts";

Deno.test("withCleanup runs every step and throws the body's error, not a later one", async () => {
  const ran: string[] = [];
  const errors: string[] = [];
  const print = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.join(" "));
  try {
    await assertRejects(
      () =>
        withCleanup(() => Promise.reject(new Error("body")), [
          () => {
            ran.push("a");
            throw new Error("step a");
          },
          () => void ran.push("b"),
        ]),
      Error,
      "body",
    );
  } finally {
    console.error = print;
  }
  assertEquals(ran, ["a", "b"]);
  assertEquals(errors.length, 1);
});

Deno.test("withCleanup throws the first clean-up error when the body succeeded", async () => {
  const ran: string[] = [];
  await assertRejects(
    () =>
      withCleanup(() => Promise.resolve(), [
        () => Promise.reject(new Error("first")),
        () => {
          ran.push("second");
          throw new Error("second");
        },
      ]),
    Error,
    "first",
  );
  assertEquals(ran, ["second"]);
  await withCleanup(() => Promise.resolve(), [() => ran.push("ok")]);
  assertEquals(ran, ["second", "ok"]);
});
