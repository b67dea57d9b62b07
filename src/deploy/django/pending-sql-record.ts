// Step 6: the SQL of every pending migration (sqlmigrate), saved beside the backup for the record.
import { companionPaths } from '../../backup/backup-files.js';
import { writeFileDurably } from '../../fs/durable-files.js';
import type { MigrationProbe } from '../../django/migration-probe.js';
import { migrationId } from '../../django/migration-types.js';

/** Writes <backup>.pending.sql and returns its path. */
export async function writePendingSql(backupPath: string, probe: MigrationProbe, context: { revision: string }): Promise<string> {
  const file = companionPaths(backupPath).pendingSql;
  const parts = [`-- Migrations about to be applied by migration-guard deploy (code ${context.revision}), ${new Date().toISOString()}`, `-- Backup taken before: ${backupPath}`, ''];
  for (const migration of probe.pending) {
    const key = migrationId(migration);
    const entry = probe.sql[key];
    parts.push(`-- ${'='.repeat(70)}`, `-- ${key}`, `-- ${'='.repeat(70)}`);
    if (entry?.sql !== undefined) parts.push(entry.sql.trimEnd() || '-- (no SQL: e.g. RunPython only)');
    else parts.push(`-- sqlmigrate could not produce the SQL: ${entry?.error ?? 'not collected'}`);
    parts.push('');
  }
  await writeFileDurably(file, `${parts.join('\n')}\n`, 0o600);
  return file;
}
