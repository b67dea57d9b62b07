// Exit codes shared by every command (beside errors.ts, which carries them); documented in README.md ("Exit codes").

export const ExitCode = {
  /** Everything is in order. */
  ok: 0,
  /** The command ran and found problems: blocked commit, drift, pending migrations, failed deploy (restored). */
  findings: 1,
  /** The command could not run: bad usage, bad configuration, database unreachable, Python/Django missing. */
  cannotRun: 2,
  /** `status`: the database has applied migrations the code does not have. */
  databaseAhead: 3,
  /** A write failed AND restoring the previous state failed too: needs a human now. */
  restoreFailed: 4,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;
