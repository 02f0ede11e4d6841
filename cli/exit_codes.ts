/**
 * The exit codes of the CLI and their meaning. No imports: the entry module
 * uses them even when the rest of the CLI cannot be loaded.
 *
 * @module
 */

/** The exit codes of the CLI. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The command line was wrong (unknown option, bad value, unreadable input file). */
  usage: 1,
  /** VSS cannot be reached (no VSS here, library not loadable, wrong process architecture). */
  unavailable: 2,
  /**
   * Access denied: not elevated, not a member of Administrators or Backup
   * Operators, or (`vss copy`) a file it may not read or a missing backup privilege.
   */
  notElevated: 3,
  /** A writer failed or did not respond. */
  writer: 4,
  /** Shadow copy storage, or a volume or provider limit: not enough space, volume not supported. */
  storage: 5,
  /** Another shadow copy set (or a revert) is in progress. */
  inProgress: 6,
  /** Aborted (Ctrl-C, a declined confirmation) or a deadline passed. */
  aborted: 7,
  /**
   * Any other VSS error, a file `vss copy` could not read or write, or the
   * `create --save-document` file that could not be written after completion.
   */
  vss: 8,
  /** The `--exec` command failed (non-zero exit or could not be started). */
  exec: 9,
  /** An unexpected internal error (a bug; rerun with --debug and report it). */
  internal: 10,
} as const;

/** An exit code of the CLI. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code table as shown by `--help` and the README. */
export const EXIT_TABLE: readonly (readonly [ExitCode, string])[] = [
  [EXIT.ok, "success"],
  [EXIT.usage, "usage error: unknown command or option, bad value, unreadable input file"],
  [
    EXIT.unavailable,
    "VSS unavailable: no VSS or simulator here, library not loadable, permission missing",
  ],
  [
    EXIT.notElevated,
    "access denied: run elevated or as a Backup Operator (copy: file denied, no backup privilege)",
  ],
  [EXIT.writer, "a writer failed or did not respond"],
  [EXIT.storage, "not enough shadow copy storage, or the volume/provider is not supported"],
  [EXIT.inProgress, "another shadow copy set or revert is in progress"],
  [
    EXIT.aborted,
    "aborted (Ctrl-C, confirmation declined), a deadline passed, or VSS gave up waiting",
  ],
  [
    EXIT.vss,
    "another VSS error (names the call, HRESULT); a file not read/written (copy, document)",
  ],
  [EXIT.exec, "the --exec command failed"],
  [EXIT.internal, "internal error (a bug: rerun with --debug and report it)"],
];
