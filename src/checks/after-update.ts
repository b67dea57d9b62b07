// What to tell the user after a pull, branch switch or rebase changed the migrations (pure logic).
import type { MigrationStatus } from './migration-status.js';
import type { Role } from '../config/vocabulary.js';
import { formatMigrationList, type MigrationChanges } from './migration-changes.js';
import { migrationId } from '../django/migration-types.js';

export interface AfterUpdateFacts {
  /** "git pull", "switching to feature-x", "the rebase" */
  event: string;
  changes: MigrationChanges;
  /** The database's state against the code now checked out; null when unknown. */
  status: MigrationStatus | null;
  /** Why the status is unknown (database not configured or unreachable). */
  statusUnknownBecause?: string;
  role: Role;
  /** The branch (or commit) the user came from, which has the migrations this one lacks. */
  previousRef?: string;
  /** The branch now checked out (to come back to after a rollback). */
  currentRef?: string;
  /** Applied migrations whose files changed in this update. */
  changedButApplied: string[];
}

export interface AfterUpdatePlan {
  /** Lines to print, in order. */
  lines: string[];
  /** Pending migrations to apply; 0 when nothing should be offered. */
  offerMigrate: number;
  /** The command to run when not asking (or when the answer is no). */
  migrateCommand: string;
}

/** Decides what to say and whether to offer `migrate`; staging and production never get a plain migrate. */
export function planAfterUpdate(facts: AfterUpdateFacts): AfterUpdatePlan {
  const { changes, status } = facts;
  const lines: string[] = [];
  const counts = [
    changes.arrived.length ? `${changes.arrived.length} arrived (${formatMigrationList(changes.arrived)})` : '',
    changes.vanished.length ? `${changes.vanished.length} vanished (${formatMigrationList(changes.vanished)})` : '',
    changes.changed.length ? `${changes.changed.length} changed (${formatMigrationList(changes.changed)})` : '',
  ].filter(Boolean);
  lines.push(`migration-guard: after ${facts.event}, migrations: ${counts.join('; ')}.`);

  for (const id of facts.changedButApplied) {
    lines.push(`  ! ${id} changed, but this database already applied it: migrate will not run it again. Review the change (it belongs in a new migration).`);
  }

  const safeCommand = 'migration-guard deploy';
  const plainCommand = 'python manage.py migrate';
  const production = facts.role !== 'development';
  const migrateCommand = production ? safeCommand : plainCommand;

  if (!status) {
    lines.push(`  Database state unknown (${facts.statusUnknownBecause ?? 'not checked'}).`);
    if (changes.arrived.length) lines.push(`  To apply the new migrations: ${migrateCommand}${production ? '   (backs up first)' : ''}`);
    return { lines, offerMigrate: 0, migrateCommand };
  }

  const pending = status.apps.flatMap((app) => app.pending.map((name) => migrationId({ app: app.app, name })));
  const ahead = status.apps.filter((app) => app.appliedMissingOnDisk.length > 0);
  if (ahead.length) {
    lines.push(`  The database is ahead of this code: it has applied migrations that ${facts.currentRef ?? 'this checkout'} does not have:`);
    for (const app of ahead) {
      const target = lastAppliedInCode(status, app.app);
      lines.push(`    ${app.appliedMissingOnDisk.map((name) => migrationId({ app: app.app, name })).join(', ')}`);
      const rollback = `python manage.py migrate ${app.app} ${target}`;
      lines.push(
        facts.previousRef
          ? `    to roll back, from the branch that has them: git checkout ${facts.previousRef} && ${rollback} && git checkout ${facts.currentRef ?? '-'}`
          : `    to roll back, from a checkout that has them: ${rollback}`,
      );
    }
    lines.push('  (Or keep them if you are going back to that branch soon; this code may fail where the schema differs.)');
  }
  if (pending.length === 0) {
    if (!ahead.length) lines.push('  The database has every migration applied.');
    return { lines, offerMigrate: 0, migrateCommand };
  }
  lines.push(`  Not applied to the database yet: ${pending.join(', ')}`);
  if (production) {
    lines.push(`  This checkout's role is ${facts.role}: apply them with ${safeCommand} (it takes a backup first), not a plain migrate.`);
    return { lines, offerMigrate: 0, migrateCommand };
  }
  return { lines, offerMigrate: pending.length, migrateCommand };
}

// The migration to roll back to: the last applied one the code has, in migrate's order; else "zero".
function lastAppliedInCode(status: MigrationStatus, app: string): string {
  const entries = status.apps.find((candidate) => candidate.app === app)?.migrations ?? [];
  const applied = entries.filter((entry) => entry.applied);
  return applied.at(-1)?.name ?? 'zero';
}
