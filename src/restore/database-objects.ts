// Views, triggers and stored routines of a database: read, dropped and recreated elsewhere.
// RENAME TABLE moves base tables only (a view cannot change database; a table with triggers cannot
// move to another database), so a swap carries these objects across by their definitions.
import type { Connection } from '../db/connect.js';
import { quoteIdentifier } from '../db/connect.js';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { STAGING_ACCOUNT_PREFIX } from './load/staging-account.js';

export interface ViewDefinition {
  name: string;
  sql: string;
}

export interface TriggerDefinition {
  name: string;
  table: string;
  sql: string;
  sqlMode: string;
}

export interface RoutineDefinition {
  type: 'PROCEDURE' | 'FUNCTION';
  name: string;
  sql: string;
  sqlMode: string;
}

export interface DatabaseObjects {
  views: ViewDefinition[];
  triggers: TriggerDefinition[];
  routines: RoutineDefinition[];
}

type Row = Record<string, string | null>;

const DEFINER_CLAUSE = /\s*DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|[\w$.-]+)(?:\s*@\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|[\w$.%:-]+))?/i;

/** Base tables (and sequences) of a database: what RENAME TABLE moves. */
export async function listBaseTables(connection: Connection, database: string): Promise<string[]> {
  const [rows] = await connection.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE NOT IN ('VIEW', 'SYSTEM VIEW') ORDER BY TABLE_NAME",
    [database],
  );
  return (rows as Row[]).map((row) => row.name!);
}

/** Whether a database exists (visible to this user). */
export async function databaseExists(connection: Connection, database: string): Promise<boolean> {
  const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
  return (rows as Row[]).length > 0;
}

/** Reads every view, trigger and routine definition of `database`. */
export async function readObjects(connection: Connection, database: string): Promise<DatabaseObjects> {
  const db = quoteIdentifier(database);
  const [viewRows] = await connection.query('SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database]);
  const views: ViewDefinition[] = [];
  for (const { name } of viewRows as Row[]) {
    const [rows] = await connection.query(`SHOW CREATE VIEW ${db}.${quoteIdentifier(name!)}`);
    views.push({ name: name!, sql: (rows as Row[])[0]!['Create View']! });
  }
  const [triggerRows] = await connection.query(
    'SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER',
    [database],
  );
  const triggers: TriggerDefinition[] = [];
  for (const { name, tbl } of triggerRows as Row[]) {
    const [rows] = await connection.query(`SHOW CREATE TRIGGER ${db}.${quoteIdentifier(name!)}`);
    const row = (rows as Row[])[0]!;
    triggers.push({ name: name!, table: tbl!, sql: row['SQL Original Statement']!, sqlMode: row.sql_mode ?? '' });
  }
  const [routineRows] = await connection.query('SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME', [database]);
  const routines: RoutineDefinition[] = [];
  for (const { name, type } of routineRows as Row[]) {
    const kind = type === 'FUNCTION' ? 'FUNCTION' : 'PROCEDURE';
    const [rows] = await connection.query(`SHOW CREATE ${kind} ${db}.${quoteIdentifier(name!)}`);
    const row = (rows as Row[])[0]!;
    const sql = row[kind === 'FUNCTION' ? 'Create Function' : 'Create Procedure'];
    if (!sql) {
      throw new UserError(`Cannot read the definition of ${kind.toLowerCase()} ${database}.${name} (not its owner), so it could not be carried over.`, {
        fix: `GRANT SELECT ON mysql.proc TO <your user>, or drop the ${kind.toLowerCase()} first.`,
        exitCode: ExitCode.cannotRun,
      });
    }
    routines.push({ type: kind, name: name!, sql, sqlMode: row.sql_mode ?? '' });
  }
  return { views, triggers, routines };
}

/** Drops the triggers of `database` (before its tables move to another database). */
export async function dropTriggers(connection: Connection, database: string, triggers: TriggerDefinition[]): Promise<void> {
  for (const trigger of triggers) await connection.query(`DROP TRIGGER IF EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(trigger.name)}`);
}

/** Drops every view and routine currently in `database`. */
export async function dropViewsAndRoutines(connection: Connection, database: string): Promise<void> {
  const current = await listObjectNames(connection, database);
  for (const view of current.views) await connection.query(`DROP VIEW IF EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(view)}`);
  for (const routine of current.routines) await connection.query(`DROP ${routine.type} IF EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(routine.name)}`);
}

/** Names of the views, triggers and routines now in `database`. */
export async function listObjectNames(connection: Connection, database: string): Promise<{ views: string[]; triggers: string[]; routines: Array<{ type: string; name: string }> }> {
  const [views] = await connection.query('SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?', [database]);
  const [triggers] = await connection.query('SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [database]);
  const [routines] = await connection.query('SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?', [database]);
  return {
    views: (views as Row[]).map((row) => row.name!),
    triggers: (triggers as Row[]).map((row) => row.name!),
    routines: (routines as Row[]).map((row) => ({ type: row.type!, name: row.name! })),
  };
}

const ER_SPECIFIC_ACCESS_DENIED = 1227;

function withoutLoaderDefiner(sql: string): string {
  const match = DEFINER_CLAUSE.exec(sql);
  return match && match[0].includes(STAGING_ACCOUNT_PREFIX) ? sql.replace(DEFINER_CLAUSE, '') : sql;
}

/**
 * Creates `objects` (read from database `from`) in database `to`, with references qualified with `from`
 * re-pointed at `to`. The original DEFINER is kept when this user may set it; otherwise it is dropped
 * and the user becomes the definer. Objects already there are left alone, so a half-finished
 * recreation can simply be run again.
 */
export async function createObjects(connection: Connection, objects: DatabaseObjects, from: string, to: string): Promise<void> {
  // The temporary loading account is dropped after the load: an object it defined would stop working.
  const retargeted = (sql: string) => withoutLoaderDefiner(sql.split(`${quoteIdentifier(from)}.`).join(`${quoteIdentifier(to)}.`));
  const run = async (sql: string) => {
    try {
      await connection.query(retargeted(sql));
    } catch (error) {
      if ((error as { errno?: number }).errno !== ER_SPECIFIC_ACCESS_DENIED || !DEFINER_CLAUSE.test(sql)) throw error;
      await connection.query(retargeted(sql).replace(DEFINER_CLAUSE, ''));
    }
  };
  const existing = await listObjectNames(connection, to);
  await connection.query(`USE ${quoteIdentifier(to)}`);
  const [[modeRow]] = (await connection.query('SELECT @@SESSION.sql_mode AS mode')) as unknown as [[{ mode: string }]];
  try {
    for (const routine of objects.routines) {
      if (existing.routines.some((r) => r.name === routine.name && r.type === routine.type)) continue;
      await connection.query('SET SESSION sql_mode = ?', [routine.sqlMode]);
      await run(routine.sql);
    }
    // Views may use other views: create what can be created until nothing is left or nothing moves.
    let pending = objects.views.filter((view) => !existing.views.includes(view.name));
    while (pending.length > 0) {
      const failed: { view: ViewDefinition; error: unknown }[] = [];
      for (const view of pending) {
        try {
          await run(view.sql);
        } catch (error) {
          failed.push({ view, error });
        }
      }
      if (failed.length === pending.length) throw failed[0]!.error;
      pending = failed.map((entry) => entry.view);
    }
    for (const trigger of objects.triggers) {
      if (existing.triggers.includes(trigger.name)) continue;
      await connection.query('SET SESSION sql_mode = ?', [trigger.sqlMode]);
      await run(trigger.sql);
    }
  } finally {
    await connection.query('SET SESSION sql_mode = ?', [modeRow.mode]);
  }
}
