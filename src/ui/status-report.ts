// Human-readable rendering of a MigrationStatus (the --json form is the object itself).
import type { MigrationStatus } from '../checks/migration-status.js';
import { style } from './style.js';

/** Lines for `status`: one per app, details for pending and missing migrations; every migration with `list`. */
export function renderStatus(status: MigrationStatus, options: { list?: boolean; database: string }): string[] {
  const lines: string[] = [];
  for (const app of status.apps) {
    const applied = app.migrations.filter((entry) => entry.applied).length;
    const problems = app.pending.length + app.appliedMissingOnDisk.length;
    if (!options.list && problems === 0) continue;
    lines.push(`${style.bold(app.app)}  ${applied} applied${app.pending.length ? `, ${style.yellow(`${app.pending.length} pending`)}` : ''}${app.appliedMissingOnDisk.length ? `, ${style.red(`${app.appliedMissingOnDisk.length} applied but missing on disk`)}` : ''}`);
    for (const entry of app.migrations) {
      if (!options.list && entry.applied) continue;
      const mark = entry.applied ? style.green('[X]') : style.yellow('[ ]');
      const squash = entry.squashes ? style.dim(` (${entry.squashes} squashed migrations)`) : '';
      lines.push(`  ${mark} ${entry.name}${squash}`);
    }
    for (const name of app.appliedMissingOnDisk) {
      lines.push(`  ${style.red('[!]')} ${name}  ${style.dim('applied in the database, no such migration file')}`);
    }
  }
  lines.push(...summary(status, options.database));
  return lines;
}

function summary(status: MigrationStatus, database: string): string[] {
  const { totals } = status;
  if (status.verdict === 'in-sync') {
    return [`${style.green('✓')} ${database}: all ${totals.applied} migrations of ${status.apps.length} apps applied.`];
  }
  const lines: string[] = [];
  if (totals.pending > 0) {
    lines.push(`${style.yellow('!')} ${database}: ${totals.pending} migration${totals.pending === 1 ? '' : 's'} not applied yet.`, '  Apply them: python manage.py migrate   (on staging/production: migration-guard deploy)');
  }
  for (const { squash, lacks } of status.partlyAppliedSquashes) {
    lines.push(`${style.yellow('!')} ${database} has applied the squash ${squash} only in part: it still lacks ${lacks.join(', ')}. Migrate it before the migrations the squash replaces are deleted.`);
  }
  if (totals.appliedMissingOnDisk > 0) {
    lines.push(
      `${style.red('✗')} ${database}: ${totals.appliedMissingOnDisk} migration${totals.appliedMissingOnDisk === 1 ? ' is' : 's are'} applied in the database but not in this code (the database is ahead: another branch, or a deleted migration).`,
      '  Roll them back from the branch that has them: git checkout <branch> && python manage.py migrate <app> <last migration this code has>',
    );
  }
  return lines;
}
