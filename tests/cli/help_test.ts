/**
 * `--help` of the tool, of every group and of every subcommand (text and
 * JSON), and the usage errors of the command line itself.
 */

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { ENTRIES } from "../../cli/commands/mod.ts";
import { isGroup } from "../../cli/command.ts";
import { EXIT_TABLE } from "../../cli/errors.ts";
import { runCli } from "./helpers.ts";

const commands = ENTRIES.flatMap((e) => (isGroup(e) ? e.commands : [e]));
const groups = ENTRIES.filter(isGroup);

Deno.test("the tool's --help lists every command and the exit code table", async () => {
  const r = await runCli(["--help"], { bare: true });
  assertEquals(r.code, 0, r.stderr);
  for (const c of commands) assert(r.stdout.includes(`  ${c.name} `), `--help lists ${c.name}`);
  for (const [code, meaning] of EXIT_TABLE) {
    assert(
      r.stdout.includes(`${String(code).padStart(2)}  ${meaning}`),
      `exit code ${code} listed`,
    );
  }
  assertEquals((await runCli(["help"], { bare: true })).stdout, r.stdout);
  assertEquals((await runCli(["-h"], { bare: true })).stdout, r.stdout);
});

for (const command of commands) {
  Deno.test(`${command.name} --help shows usage, options, examples and exit codes`, async () => {
    const r = await runCli([...command.name.split(" "), "--help"], { bare: true });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stderr, "");
    assert(r.stdout.startsWith(`vss ${command.name} - `), r.stdout.slice(0, 80));
    for (const section of ["Usage:", "Global options:", "Examples:", "Exit codes:"]) {
      assert(r.stdout.includes(`\n${section}\n`), `${command.name} --help has ${section}`);
    }
    for (const o of command.options) assert(r.stdout.includes(`--${o.name}`), `--${o.name} shown`);
    for (const line of r.stdout.split("\n")) {
      assert(line.length <= 100 || line.includes("|"), `line too long: ${line}`);
    }
    const viaHelp = await runCli(["help", ...command.name.split(" ")], { bare: true });
    assertEquals(viaHelp.stdout, r.stdout);
    const json = (await runCli([...command.name.split(" "), "--help", "--json"], { bare: true }))
      .json();
    assertEquals(json.command, command.name);
    assertEquals(
      (json.options as { name: string }[]).map((o) => o.name),
      command.options.map((o) => `--${o.name}`),
    );
    assert((json.examples as unknown[]).length > 0);
  });
}

for (const group of groups) {
  Deno.test(`${group.name} --help lists its subcommands; without one it is a usage error`, async () => {
    const r = await runCli([group.name, "--help"], { bare: true });
    assertEquals(r.code, 0);
    for (const c of group.commands) assert(r.stdout.includes(c.name));
    const missing = await runCli([group.name], { bare: true });
    assertEquals(missing.code, 1);
    assertMatch(missing.stderr, /needs a subcommand/);
    const wrong = await runCli([group.name, "nope", "--json"], { bare: true });
    assertEquals(wrong.code, 1);
    assertEquals((wrong.json().error as { exitCode: number }).exitCode, 1);
  });
}

Deno.test("command-line mistakes exit with 1 and a hint, as JSON with --json", async () => {
  const none = await runCli([], { bare: true });
  assertEquals(none.code, 1);
  assertMatch(none.stderr, /^error: no command given\nhint: /);
  const typo = await runCli(["lst"], { bare: true });
  assertEquals(typo.code, 1);
  assertMatch(typo.stderr, /Did you mean `vss list`\?/);
  const option = await runCli(["create", "C:", "--persistant"], { bare: true });
  assertEquals(option.code, 1);
  assertMatch(option.stderr, /unknown option --persistant\nhint: Did you mean --persistent\?/);
  const choice = await runCli(["create", "C:", "--backup-type", "weekly", "--json"], {
    bare: true,
  });
  assertEquals(choice.code, 1);
  const error = choice.json().error as Record<string, unknown>;
  assertEquals(error.name, "UsageError");
  assertMatch(error.hint as string, /full, incremental, differential, log, copy/);
  assertEquals(choice.stderr, "");
  const missing = await runCli(["list", "--set"], { bare: true });
  assertEquals(missing.code, 1);
  assertMatch(missing.stderr, /--set needs a value/);
  const extra = await runCli(["providers", "unexpected"], { bare: true });
  assertEquals(extra.code, 1);
  const guid = await runCli(["list", "--id", "not-a-guid"], { bare: true });
  assertEquals(guid.code, 1);
  assertMatch(guid.stderr, /--id needs a GUID/);
  assert(!guid.stderr.includes("    at "), "no stack trace without --debug");
  const debug = await runCli(["list", "--id", "not-a-guid", "--debug"], { bare: true });
  assertMatch(debug.stderr, /\n {4}at /);
});
