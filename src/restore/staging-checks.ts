// Checks a loaded staging database before it may replace the developer's: it must look like the project's.
import { quoteIdentifier, type Connection } from '../db/connect.js';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';
import { listBaseTables, listObjectNames } from './database-objects.js';

export interface StagingFacts {
  tables: number;
  views: number;
  triggers: number;
  routines: number;
  /** InnoDB's estimate; exact counts would cost a full scan of every table. */
  approximateRows: number;
  appliedMigrations: number;
}

/** Fails with a clear message when the staging copy lacks tables the project needs. */
export async function checkStaging(connection: Connection, staging: string, expectedTables: readonly string[]): Promise<StagingFacts> {
  const tables = await listBaseTables(connection, staging);
  if (tables.length === 0) {
    throw new UserError('The dump loaded without error but created no tables; it was not swapped in.', {
      fix: 'Check that the dump is of the right database (mariadb-dump <database>, not --no-data of another).',
      exitCode: ExitCode.findings,
    });
  }
  const missing = ['django_migrations', ...expectedTables].filter((name) => !tables.includes(name));
  if (missing.length > 0) {
    throw new UserError(`The restored copy lacks ${missing.map((name) => `"${name}"`).join(', ')}, so it is not this project's database; it was not swapped in.`, {
      fix: 'Point the restore source at the dump of this project\'s database (config restore.database.source or --db-source).',
      exitCode: ExitCode.findings,
    });
  }
  const [rows] = await connection.query('SELECT COALESCE(SUM(TABLE_ROWS), 0) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [staging]);
  const [applied] = await connection.query(`SELECT COUNT(*) AS n FROM ${quoteIdentifier(staging)}.django_migrations`);
  const objects = await listObjectNames(connection, staging);
  return {
    tables: tables.length,
    views: objects.views.length,
    triggers: objects.triggers.length,
    routines: objects.routines.length,
    approximateRows: Number((rows as Array<{ n: string | number }>)[0]!.n),
    appliedMigrations: Number((applied as Array<{ n: string | number }>)[0]!.n),
  };
}
