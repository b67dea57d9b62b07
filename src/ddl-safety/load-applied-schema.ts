// Loads a remembered applied-set schema into the (empty) scratch database: the CREATE TABLE statements and
// django_migrations' rows, as a no-data dump would. Verifies on the open connection that it is the scratch
// database, and empty, before writing anything; and afterwards that every table is there.
import { quoteIdentifier, type Connection } from '../db/connect.js';
import type { ScratchServerFacts } from './applied-schema-cache.js';
import type { CapturedSchema } from './ddl-replay.js';

/** What the scratch server says of itself (part of the cache key, and compared with the entry's). */
export async function readScratchServerFacts(connection: Connection): Promise<ScratchServerFacts> {
  const [rows] = await connection.query('SELECT VERSION() AS version, @@innodb_default_row_format AS rowFormat, @@lower_case_table_names AS lowerCaseTableNames');
  const row = (rows as Array<{ version: string; rowFormat: string; lowerCaseTableNames: number | string }>)[0]!;
  return { version: row.version, rowFormat: String(row.rowFormat), lowerCaseTableNames: Number(row.lowerCaseTableNames) };
}

/** Creates the schema's tables and django_migrations rows in `database`; throws when anything does not add up. */
export async function loadAppliedSchema(connection: Connection, database: string, schema: CapturedSchema): Promise<void> {
  const [[current]] = (await connection.query('SELECT DATABASE() AS name')) as unknown as [[{ name: string | null }]];
  if (current?.name !== database) throw new Error(`the connection is on "${current?.name ?? '(none)'}", not on the scratch database "${database}": nothing loaded`);
  const existing = await countTables(connection);
  if (existing !== 0) throw new Error(`the scratch database "${database}" is not empty (${existing} tables): nothing loaded`);
  // As mariadb-dump does: tables in any order (foreign keys checked by nobody), 0 kept in AUTO_INCREMENT columns.
  await connection.query("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', SESSION foreign_key_checks = 0, SESSION unique_checks = 0");
  for (const { sql } of schema.tables) await connection.query(sql);
  if (schema.migrations.length) {
    await connection.query(`INSERT INTO ${quoteIdentifier('django_migrations')} (app, name, applied) VALUES ?`, [schema.migrations.map(([app, name]) => [app, name, new Date()])]);
  }
  await connection.query('SET SESSION foreign_key_checks = 1, SESSION unique_checks = 1');
  const loaded = await countTables(connection);
  if (loaded !== schema.tables.length) throw new Error(`${loaded} tables in the scratch database after loading ${schema.tables.length}`);
}

async function countTables(connection: Connection): Promise<number> {
  const [rows] = await connection.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  return Number((rows as Array<{ n: number }>)[0]!.n);
}

/** Drops every table of the scratch database (after a load that failed), so the replay starts from empty. */
export async function emptyScratchDatabase(connection: Connection, database: string): Promise<void> {
  const [[current]] = (await connection.query('SELECT DATABASE() AS name')) as unknown as [[{ name: string | null }]];
  if (current?.name !== database) throw new Error(`the connection is on "${current?.name ?? '(none)'}", not on the scratch database "${database}": nothing dropped`);
  const [rows] = await connection.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  const names = (rows as Array<{ name: string }>).map((row) => quoteIdentifier(row.name));
  await connection.query('SET SESSION foreign_key_checks = 0');
  if (names.length) await connection.query(`DROP TABLE ${names.join(', ')}`);
  await connection.query('SET SESSION foreign_key_checks = 1');
}
