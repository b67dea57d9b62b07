// Reads Django's migration records (the django_migrations table).
import type { Connection } from './connect.js';
import type { MigrationKey } from '../django/migration-types.js';

export interface AppliedMigration extends MigrationKey {
  applied: string;
}

/** Every row of django_migrations; an empty list when the table does not exist yet (fresh database). */
export async function readAppliedMigrations(connection: Connection): Promise<AppliedMigration[]> {
  const [tables] = await connection.query("SHOW TABLES LIKE 'django\\_migrations'");
  if ((tables as unknown[]).length === 0) return [];
  const [rows] = await connection.query('SELECT app, name, applied FROM django_migrations ORDER BY id');
  return (rows as Array<{ app: string; name: string; applied: string }>).map((row) => ({ app: row.app, name: row.name, applied: String(row.applied) }));
}
