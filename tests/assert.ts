/**
 * The few assertions the tests use, on top of `node:assert` (the Deno std
 * library is not reachable from here).
 *
 * @module
 */

import assert from "node:assert/strict";

export { assert };

/** Deep equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** The string matches the pattern. */
export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assert.match(actual, pattern, message);
}

function expectError<E extends Error>(
  error: unknown,
  errorClass: new (...args: never[]) => E,
  includes?: string,
): E {
  assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${error}`);
  const message = (error as Error).message;
  if (includes !== undefined) {
    assert.ok(message.includes(includes), `message "${message}" lacks "${includes}"`);
  }
  return error as E;
}

/** `fn` throws an instance of `errorClass` whose message contains `includes`; returns the error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  errorClass: new (...args: never[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (error) {
    return expectError(error, errorClass, includes);
  }
  throw new assert.AssertionError({ message: `expected ${errorClass.name} to be thrown` });
}

/** `fn` rejects with an instance of `errorClass` whose message contains `includes`. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  errorClass: new (...args: never[]) => E,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return expectError(error, errorClass, includes);
  }
  throw new assert.AssertionError({ message: `expected ${errorClass.name} to be rejected` });
}
