// How the lock-safety outcome reads in `check`'s output and in a commit's summary line. Apart from
// migration-sql.ts so that printing it loads nothing of the check itself.
import type { MigrationSqlOutcome } from '../ddl-safety/lock-safety-warnings.js';

const WHAT = "lock safety and NOT NULL columns (Django's SQL)";

/** The line `check` prints: what was checked where, or why not. */
export function describeMigrationSql(outcome: MigrationSqlOutcome): string {
  if (!outcome.checked) return `${WHAT}: not checked (${outcome.reason})`;
  return `${WHAT}: checked on ${outcome.server}${outcome.remembered ? ' (remembered from an earlier run on the same files)' : `, ${(outcome.ms / 1000).toFixed(1)} s`}${failedPart(outcome)}`;
}

/**
 * The end of a commit's summary line. Not checked for want of a database or of Django: nothing (`check` says
 * it); stopped by its time limit: said, since it made the commit wait.
 */
export function commitSummaryOfMigrationSql(outcome: MigrationSqlOutcome): string {
  if (outcome.checked) return `; lock safety and NOT NULL columns checked on ${outcome.server}${outcome.remembered ? ' (remembered)' : ''}${failedPart(outcome)}`;
  return outcome.timedOut ? `; lock safety and NOT NULL columns not checked (${outcome.reason})` : '';
}

function failedPart(outcome: Extract<MigrationSqlOutcome, { checked: true }>): string {
  return outcome.failed ? `; ${outcome.failed.migration ?? 'a migration'} failed on the scratch database (${outcome.failed.message}), nothing after it was checked` : '';
}
