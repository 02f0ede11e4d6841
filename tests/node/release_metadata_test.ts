/**
 * The release metadata of the npm packages (npm/release.json, read by
 * scripts/npm/release.ts): null fields are left out of a development build,
 * a release build refuses to start and names each missing field and the
 * file, and malformed values are rejected.
 */

import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  parseReleaseMetadata,
  RELEASE_FIELDS,
  RELEASE_FILE,
  ReleaseMetadataError,
} from "../../scripts/npm/release.ts";

const root = new URL("../../", import.meta.url);
const nulls = JSON.stringify({ $comment: "note", repository: null, homepage: null, bugs: null });
const filled = {
  repository: { type: "git", url: "git+https://example.org/vss/requester.git" },
  homepage: "https://example.org/vss/requester/docs/",
  bugs: { url: "https://example.org/vss/requester/issues" },
};

Deno.test("a development build leaves null fields out and lists them", () => {
  const { fields, missing } = parseReleaseMetadata(nulls, false);
  assertEquals(fields, {});
  assertEquals(missing, [...RELEASE_FIELDS]);
});

Deno.test("a release build with null fields is refused, naming each field and the file", () => {
  const error = assertThrows(() => parseReleaseMetadata(nulls, true), ReleaseMetadataError);
  assertEquals(error.missing, ["repository", "homepage", "bugs"]);
  for (const field of RELEASE_FIELDS) assert(error.message.includes(`"${field}"`), error.message);
  assert(error.message.includes(RELEASE_FILE), error.message);
  const one = assertThrows(
    () => parseReleaseMetadata(JSON.stringify({ ...filled, homepage: null }), true),
    ReleaseMetadataError,
  );
  assertEquals(one.missing, ["homepage"]);
  assert(!one.message.includes('"bugs"'), one.message);
});

Deno.test("filled fields go into package.json as given, in development and release builds", () => {
  for (const release of [false, true]) {
    const { fields, missing } = parseReleaseMetadata(JSON.stringify(filled), release);
    assertEquals(fields, filled);
    assertEquals(missing, []);
  }
  const strings = {
    repository: "https://example.org/r.git",
    homepage: "https://example.org/",
    bugs: "https://example.org/issues",
  };
  assertEquals(parseReleaseMetadata(JSON.stringify(strings), true).fields, strings);
});

Deno.test("malformed metadata is refused with what the field takes", () => {
  const cases: [unknown, RegExp][] = [
    [{ ...filled, homepage: "docs" }, /"homepage" must be a URL string/],
    [{ ...filled, repository: { url: "https://example.org/r.git" } }, /"repository" must be/],
    [{ ...filled, bugs: {} }, /"bugs" must be/],
    [{ ...filled, homepag: "https://example.org/" }, /unknown keys \(homepag\)/],
    [[1], /one JSON object/],
  ];
  for (const [data, message] of cases) {
    const error = assertThrows(
      () => parseReleaseMetadata(JSON.stringify(data), false),
      ReleaseMetadataError,
    );
    assert(message.test(error.message), error.message);
  }
  assertThrows(() => parseReleaseMetadata("{", false), ReleaseMetadataError, "is not JSON");
});

const committed = parseReleaseMetadata(
  await Deno.readTextFile(new URL(RELEASE_FILE, root)),
  false,
);

Deno.test({
  name: committed.missing.length > 0
    ? `deno task build:npm --release refuses to build: ${committed.missing.join(", ")} missing`
    : `deno task build:npm --release (not run: ${RELEASE_FILE} is complete, a release would build)`,
  ignore: committed.missing.length === 0,
  async fn() {
    const started = Date.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "build:npm", "--release", "--no-test"],
      cwd: root,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    for (const field of committed.missing) assert(text.includes(`"${field}"`), text);
    assert(text.includes(RELEASE_FILE), text);
    assert(!/\bbuilt dist\//.test(text), `nothing is built before the refusal:\n${text}`);
    assert(Date.now() - started < 60_000, "refused before compiling");
  },
});
