/**
 * PrivilegeNotHeldError's hint says what the user can do, for library and
 * CLI users: run elevated under an account in Administrators or Backup
 * Operators or one granted the right, or read without backup semantics
 * (`privileges: false`, `vss copy --no-privileges`). The CLI shows the same
 * hint with exit code 3.
 */

import { assert, assertEquals } from "../assert.ts";
import { PrivilegeNotHeldError } from "../../requester/files/mod.ts";
import { classify, EXIT } from "../../cli/errors.ts";

function assertStringIncludes(text: string, part: string): void {
  assert(text.includes(part), `${JSON.stringify(text)} lacks ${JSON.stringify(part)}`);
}

Deno.test("PrivilegeNotHeldError's hint names every way out, for the API and the CLI", () => {
  const error = new PrivilegeNotHeldError(["SeBackupPrivilege"]);
  assertEquals(error.message, "the process token does not hold SeBackupPrivilege");
  const hint = error.hint!;
  for (
    const part of [
      "elevated",
      "Backup Operators",
      "Administrators",
      'SeBackupPrivilege ("Back up files and directories")',
      "UAC",
      "`privileges: false`",
      "`--no-privileges`",
      "`--require-privileges`",
    ]
  ) assertStringIncludes(hint, part);
  assert(!error.message.includes(hint), "advice only in the hint");
  const security = new PrivilegeNotHeldError(["SeBackupPrivilege", "SeSecurityPrivilege"]);
  assertStringIncludes(security.hint!, 'SeSecurityPrivilege ("Manage auditing and security log")');
});

Deno.test("the CLI reports a missing privilege with exit 3 and the same hint", () => {
  const error = new PrivilegeNotHeldError(["SeBackupPrivilege"]);
  const failure = classify(error);
  assertEquals(failure.exitCode, EXIT.notElevated);
  assertEquals(failure.hint, error.hint);
  assertEquals(failure.details, { privileges: ["SeBackupPrivilege"] });
});
