// Helpers for drift's tests: copy a migrated schema into another database without booting Django again.
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { adminQuery } from '../helpers/database.js';

type Row = Record<string, unknown>;

/** Recreates every table of `from` in the (empty) database `to`, with django_migrations' rows: a migrated copy. */
export async function cloneSchema(from: string, to: string): Promise<void> {
  const tables = (await adminQuery(`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`, [from])) as Row[];
  const creates: string[] = [];
  for (const { name } of tables) {
    const [row] = (await adminQuery(`SHOW CREATE TABLE \`${from}\`.\`${String(name)}\``)) as Row[];
    creates.push(`${String(row!['Create Table'])};`);
  }
  await adminQuery(
    `SET FOREIGN_KEY_CHECKS = 0; ${creates.join('\n')} SET FOREIGN_KEY_CHECKS = 1;
     INSERT INTO django_migrations SELECT * FROM \`${from}\`.django_migrations;`,
    [],
    to,
  );
}

/** Databases on the test server whose names start with `prefix` (e.g. leftover scratch databases). */
export async function databasesLike(prefix: string): Promise<string[]> {
  const rows = (await adminQuery(`SHOW DATABASES LIKE '${prefix.replace(/_/g, '\\_')}%'`)) as Row[];
  return rows.map((row) => String(Object.values(row)[0]));
}

/** The reference cache files of a checkout, with their modification times. */
export async function cacheFiles(repoDir: string): Promise<Array<{ name: string; mtimeMs: number }>> {
  const dir = path.join(repoDir, '.migration-guard', 'cache');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith('drift-reference-'));
  return Promise.all(names.map(async (name) => ({ name, mtimeMs: (await stat(path.join(dir, name))).mtimeMs })));
}

/** Adds a migration file to an app of the fixture checkout. */
export async function addMigration(repoDir: string, app: string, name: string, source: string): Promise<void> {
  await writeFile(path.join(repoDir, app, 'migrations', `${name}.py`), source);
}

/** The --json output of a drift run. */
export interface DriftJson {
  drift: boolean | null;
  exitCode: number;
  expected: { kind: string; source?: string; cacheFile?: string | null; database?: string };
  tables: Array<{ table: string; kind: string; status: string; differences: Array<{ object: string; name: string; change: string; attribute?: string; expected?: string; actual?: string; definition?: string }> }>;
  notDjango: Array<{ name: string; kind: string }>;
  migrations: { source: string; notApplied: Array<{ app: string; name: string }>; appliedUnknown: Array<{ app: string; name: string }> } | null;
  hints: Array<{ table: string; column: string | null; migration: string; message: string }>;
  error?: { message: string; fix: string | null };
}

/** Every difference as "table|object|name|change|attribute" for compact assertions. */
export function differenceKeys(result: DriftJson): string[] {
  return result.tables.flatMap((table) => table.differences.map((d) => [table.table, d.object, d.name, d.change, d.attribute ?? ''].join('|')));
}
