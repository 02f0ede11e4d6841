/**
 * How the CLI reports progress: one updating line on a terminal, plain lines
 * with --verbose elsewhere, nothing otherwise; and the shared value parsers.
 */

import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  Options,
  parseArgs,
  parseDuration,
  parseSize,
  parseWriterSelector,
  UNBOUNDED,
} from "../../cli/args.ts";
import { normalizeVolume } from "../../cli/volumes.ts";
import { UsageError } from "../../cli/errors.ts";
import { toJson } from "../../cli/output.ts";
import { baseEnv, cliArgs, runCli } from "./helpers.ts";

Deno.test("without a terminal: no progress, unless --verbose prints one line per phase", async () => {
  const quiet = await runCli(["create", "C:"]);
  assertEquals(quiet.code, 0);
  assertEquals(quiet.stderr, "");
  const verbose = await runCli(["create", "C:", "--verbose"]);
  const lines = verbose.stderr.trim().split("\n");
  assertMatch(lines[0], /^\[ +\d+\.\ds\] initialize start$/);
  for (const phase of ["gather-metadata", "prepare", "snapshot", "properties", "complete"]) {
    assert(
      lines.some((l) => l.endsWith(`] ${phase} end`) || l.includes(`] ${phase} end (`)),
      phase,
    );
  }
  const json = await runCli(["create", "C:", "--json", "-v"]);
  assert(json.stderr.includes("] snapshot start"), "--verbose lines go to stderr with --json");
  json.json();
});

const hasScript = (() => {
  try {
    return Deno.statSync("/usr/bin/script").isFile;
  } catch {
    return false;
  }
})();
if (Deno.build.os === "windows" || !hasScript) {
  console.log(
    "output_test: the terminal progress test needs /usr/bin/script to fake a terminal; skipped",
  );
}

Deno.test({
  name: "on a terminal: one line rewritten in place with the phase and elapsed time",
  ignore: Deno.build.os === "windows" || !(() => {
    try {
      return Deno.statSync("/usr/bin/script").isFile;
    } catch {
      return false;
    }
  })(),
  async fn() {
    const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const command = [Deno.execPath(), ...cliArgs(["create", "C:", "--persistent"])].map(quote)
      .join(" ");
    const out = await new Deno.Command("/usr/bin/script", {
      args: ["-qec", command, "/dev/null"],
      env: { ...baseEnv(), VSS_CLI_TEST_SETUP: JSON.stringify({}) },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).replaceAll("\x1b", "<ESC>");
    assertEquals(out.code, 0, text);
    assertMatch(text, /\r<ESC>\[2Kcreating the shadow copies … \d+\.\ds/);
    assertMatch(text, /\r<ESC>\[2Kcompleting the backup … \d+\.\ds/);
    assertMatch(text, /<ESC>\[2KShadow copy set [0-9a-f-]{36} \(persistent/);
  },
});

Deno.test("JSON output: bigints as strings, dates as ISO strings", () => {
  assertEquals(
    toJson({ n: 12345678901234567890n, d: new Date(Date.UTC(2024, 0, 1)) }),
    '{\n  "n": "12345678901234567890",\n  "d": "2024-01-01T00:00:00.000Z"\n}',
  );
});

Deno.test("argument parsing: forms of options, repeats, --, and mistakes", () => {
  const specs = [
    { name: "persistent", short: "p", kind: "boolean", description: "" },
    { name: "set", kind: "string", value: "ID", description: "" },
    { name: "writer", kind: "list", value: "SEL", description: "" },
    { name: "type", kind: "string", choices: ["a", "b"], description: "" },
  ] as const;
  const parsed = parseArgs(
    ["C:", "-p", "--set=x", "--writer", "a", "--writer", "b", "--", "--not-an-option"],
    specs,
  );
  assertEquals(parsed.options, { persistent: true, set: "x", writer: ["a", "b"] });
  assertEquals(parsed.positionals, ["C:", "--not-an-option"]);
  assertEquals(parseArgs(["--set", "-1"], specs).options.set, "-1");
  assertThrows(() => parseArgs(["--sett", "x"], specs), UsageError, "unknown option --sett");
  assertThrows(() => parseArgs(["--set"], specs), UsageError, "needs a value");
  assertThrows(() => parseArgs(["--persistent=yes"], specs), UsageError, "takes no value");
  assertThrows(() => parseArgs(["--type", "c"], specs), UsageError, "does not accept");
  assertThrows(() => parseArgs(["-x"], specs), UsageError, "unknown option -x");
  // An optional value is given with `=` only; alone it is a flag, and the next word stays.
  const optional = [{
    name: "simulator",
    kind: "optional",
    value: "PATH",
    description: "",
  }] as const;
  assertEquals(parseArgs(["--simulator", "C:"], optional), {
    options: { simulator: true },
    positionals: ["C:"],
  });
  assertEquals(parseArgs(["--simulator=/x/lib.so"], optional).options, { simulator: "/x/lib.so" });
  assertEquals(new Options(parseArgs(["--simulator=/y"], optional)).optional("simulator"), "/y");
  assertEquals(new Options(parseArgs([], optional)).optional("simulator"), undefined);
  assertThrows(() => parseArgs(["--simulator="], optional), UsageError, "needs a value after");
});

Deno.test("durations, sizes, writer selectors and volume names", () => {
  assertEquals(parseDuration("--t", "1500ms"), 1500);
  assertEquals(parseDuration("--t", "30"), 30_000);
  assertEquals(parseDuration("--t", "2m"), 120_000);
  assertEquals(parseDuration("--t", "1.5h"), 5_400_000);
  assertThrows(() => parseDuration("--t", "0s"), UsageError);
  assertThrows(() => parseDuration("--t", "-1"), UsageError);
  assertEquals(parseDuration("--t", "2147483647ms"), 2 ** 31 - 1);
  assertThrows(
    () => parseDuration("--timeout", "600h"),
    UsageError,
    "--timeout 600h is out of range",
  );
  assertThrows(() => parseDuration("--timeout-gather", "720h"), UsageError, "--timeout-gather");
  assertThrows(() => parseDuration("--t", "2147483648ms"), UsageError, "out of range");
  assertEquals(parseSize("--max", "320MB"), 320n * 2n ** 20n);
  assertEquals(parseSize("--max", "1.5 GiB"), 3n * 2n ** 29n);
  assertEquals(parseSize("--max", "4096"), 4096n);
  assertEquals(parseSize("--max", "unbounded"), UNBOUNDED);
  assertThrows(() => parseSize("--max", "10%"), UsageError);
  assertEquals(parseWriterSelector("SQL Server Writer"), [{ name: "SQL Server Writer" }]);
  assertEquals(parseWriterSelector("{A0000000-0000-0000-0000-000000000001}"), [
    { classId: "a0000000-0000-0000-0000-000000000001" },
    { instanceId: "a0000000-0000-0000-0000-000000000001" },
  ]);
  assertEquals(parseWriterSelector("name:SQL;component:Instance\\db1"), [
    { name: "SQL", componentPath: "Instance\\db1" },
  ]);
  assertThrows(() => parseWriterSelector("class:xyz"), UsageError);
  assertThrows(() => parseWriterSelector("name:"), UsageError);
  assertEquals(normalizeVolume("c:"), "C:\\");
  assertEquals(normalizeVolume("D:\\"), "D:\\");
  assertEquals(normalizeVolume("\\\\?\\Volume{x}\\"), "\\\\?\\Volume{x}\\");
  assertEquals(normalizeVolume("/srv/data"), "/srv/data");
});
