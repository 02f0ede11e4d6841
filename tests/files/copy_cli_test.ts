/**
 * `vss copy` as a user runs it, against the simulator's directory volumes:
 * the JSON summary, --incremental, --exclude, usage errors, and Ctrl-C
 * releasing the shadow copies (exit 7).
 */

import { removeTree } from "./cleanup.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { baseEnv, HOOK, MAIN, type Report, splitNotice } from "../cli/helpers.ts";
const sep = Deno.build.os === "windows" ? "\\" : "/";

async function vss(args: string[], options: { interruptWhen?: () => boolean } = {}) {
  const scratch = await Deno.makeTempDir({ prefix: "vss-copy-cli-" });
  const reportPath = `${scratch}${sep}report.json`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--preload", HOOK, MAIN, ...args],
      env: { ...baseEnv(), VSS_CLI_TEST_REPORT: reportPath },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const when = options.interruptWhen;
    const poll = when === undefined ? undefined : setInterval(() => {
      if (when()) {
        clearInterval(poll);
        child.kill("SIGINT");
      }
    }, 5);
    const out = await child.output();
    clearInterval(poll);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    let report: Report | null = null;
    try {
      report = JSON.parse(await Deno.readTextFile(reportPath));
    } catch { /* the process wrote none */ }
    const { notice, rest: stderr } = splitNotice(text(out.stderr));
    return { code: out.code, stdout: text(out.stdout), stderr, notice, report };
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

async function volume(files: number, size = 64) {
  const work = await Deno.makeTempDir({ prefix: "vss-copy-cli-vol-" });
  const root = `${work}${sep}data`;
  await Deno.mkdir(`${root}${sep}logs`, { recursive: true });
  for (let i = 0; i < files; i++) {
    await Deno.writeFile(`${root}${sep}f${i}.bin`, new Uint8Array(size).fill(i));
  }
  await Deno.writeTextFile(`${root}${sep}logs${sep}app.log`, "log");
  return {
    root,
    dest: `${work}${sep}backup`,
    async [Symbol.asyncDispose]() {
      await removeTree(work);
    },
  };
}

Deno.test("vss copy --json: a summary; --incremental; --exclude; nothing left behind", async () => {
  await using v = await volume(20);
  const first = await vss(["copy", "--json", "--exclude", "logs/", v.root, v.dest]);
  assertEquals(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assertEquals(summary.totals.files, 20);
  assertEquals(summary.totals.excluded, 1);
  assertEquals(summary.sources[0].destination, `${v.dest}${sep}data`);
  assertEquals(first.report?.snapshots.length, 0, "the shadow copy was released");
  assertEquals(first.report?.live.objects, 0);
  await Deno.writeFile(`${v.root}${sep}f7.bin`, new Uint8Array(10));
  const again = await vss(["copy", "--json", "--incremental", v.root, v.dest]);
  assertEquals(again.code, 0, again.stderr);
  const totals = JSON.parse(again.stdout).totals;
  assertEquals([totals.files, totals.unchanged], [2, 19], "f7.bin and the log");
  const human = await vss(["copy", "--incremental", v.root, v.dest]);
  assertEquals(human.code, 0, human.stderr);
  assertMatch(human.stdout, /Copied 0 file\(s\).*21 unchanged/);
  assertMatch(human.stdout, /was released/);
});

Deno.test("vss copy: usage errors", async () => {
  const one = await vss(["copy", "only-one"]);
  assertEquals(one.code, 1);
  await using v = await volume(1);
  const clash = await vss(["copy", v.root, `${v.root}${sep}..${sep}data`, v.dest]);
  assertEquals(clash.code, 1, clash.stderr);
  assertMatch(clash.stderr, /both be copied/);
  const missing = await vss(["copy", "--json", `${v.root}${sep}nope`, v.dest]);
  assertEquals(missing.code, 1, missing.stdout);
  assertMatch(JSON.parse(missing.stdout).error.message, /nope does not exist/);
});

Deno.test("vss copy: a destination that cannot be written is a file error (exit 8)", async () => {
  await using v = await volume(1);
  await Deno.writeTextFile(v.dest, "a file, not a folder");
  const r = await vss(["copy", "--json", v.root, v.dest]);
  assertEquals(r.code, 8, r.stdout);
  const error = JSON.parse(r.stdout).error;
  assertEquals(error.name, "ShadowFileError");
  assertEquals(error.details.path, `${v.dest}${sep}data`);
  assert(error.hint.length > 0);
  assertMatch(r.notice ?? "", /^vss: using simulator VSS /);
  assertEquals(r.report?.snapshots.length, 0, "the shadow copy was released");
});

Deno.test({
  name: "vss copy: Ctrl-C stops the copy, releases the shadow copy, exits 7",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using v = await volume(400, 1 << 20);
    const started = () => {
      try {
        return [...Deno.readDirSync(`${v.dest}${sep}data`)].length > 2;
      } catch {
        return false;
      }
    };
    const r = await vss(["copy", "--concurrency", "1", v.root, v.dest], { interruptWhen: started });
    assertEquals(r.code, 7, r.stderr);
    assertMatch(r.stderr, /interrupted|aborted/);
    assertEquals(r.report?.snapshots.length, 0, "the shadow copy was released");
    assertEquals(r.report?.live.objects, 0);
    const copied = [...Deno.readDirSync(`${v.dest}${sep}data`)].length;
    assert(copied < 401, `stopped part way (${copied} entries copied)`);
  },
});
