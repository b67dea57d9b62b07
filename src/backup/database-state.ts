// A database's state as a restore must reproduce it: tables, their SHOW CREATE text and CHECKSUM TABLE,
// routines, triggers and the django_migrations rows. Saved beside every backup as <backup>.state.json.
import { createHash } from 'node:crypto';
import type { Connection } from '../db/connect.js';
import { quoteIdentifier } from '../db/connect.js';

export interface TableState {
  type: 'BASE TABLE' | 'VIEW' | 'SEQUENCE' | string;
  /** SHOW CREATE TABLE / SHOW CREATE VIEW output. */
  create: string;
  /** CHECKSUM TABLE result (null for views and tables the server cannot checksum). */
  checksum: string | null;
}

export interface DatabaseState {
  database: string;
  takenAt: string;
  tables: Record<string, TableState>;
  /** "PROCEDURE name" / "FUNCTION name" → sha256 of its definition. */
  routines: Record<string, string>;
  /** Trigger name → sha256 of table, timing, event and statement. */
  triggers: Record<string, string>;
  /** django_migrations rows in id order, as "app.name@applied". */
  migrations: string[];
}

type Row = Record<string, unknown>;

/** Reads the state of the connection's current database (the connection must have it selected). */
export async function readDatabaseState(connection: Connection, database: string): Promise<DatabaseState> {
  const [tableRows] = await connection.query('SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database]);
  const tables: Record<string, TableState> = {};
  const baseTables: string[] = [];
  for (const row of tableRows as Row[]) {
    const name = String(row.name);
    const type = String(row.type);
    const isView = type === 'VIEW';
    const [createRows] = await connection.query(`SHOW CREATE ${isView ? 'VIEW' : 'TABLE'} ${quoteIdentifier(name)}`);
    const createRow = (createRows as Row[])[0] ?? {};
    const create = String(createRow['Create Table'] ?? createRow['Create View'] ?? createRow['Create Sequence'] ?? '');
    tables[name] = { type, create, checksum: null };
    if (type === 'BASE TABLE') baseTables.push(name);
  }
  if (baseTables.length > 0) {
    const [checksumRows] = await connection.query(`CHECKSUM TABLE ${baseTables.map(quoteIdentifier).join(', ')}`);
    for (const row of checksumRows as Row[]) {
      // "Table" is db.table
      const qualified = String(row.Table);
      const name = qualified.slice(qualified.indexOf('.') + 1);
      if (tables[name]) tables[name].checksum = row.Checksum === null ? null : String(row.Checksum);
    }
  }

  const [routineRows] = await connection.query(
    'SELECT ROUTINE_TYPE AS type, ROUTINE_NAME AS name, ROUTINE_DEFINITION AS body, DTD_IDENTIFIER AS returns FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME',
    [database],
  );
  const routines: Record<string, string> = {};
  for (const row of routineRows as Row[]) routines[`${String(row.type)} ${String(row.name)}`] = sha256(`${String(row.returns)}\n${String(row.body)}`);

  const [triggerRows] = await connection.query(
    'SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, ACTION_TIMING AS timing, EVENT_MANIPULATION AS event, ACTION_STATEMENT AS body FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME',
    [database],
  );
  const triggers: Record<string, string> = {};
  for (const row of triggerRows as Row[]) triggers[String(row.name)] = sha256(`${String(row.tbl)} ${String(row.timing)} ${String(row.event)}\n${String(row.body)}`);

  let migrations: string[] = [];
  if (tables.django_migrations?.type === 'BASE TABLE') {
    const [rows] = await connection.query('SELECT app, name, applied FROM django_migrations ORDER BY id');
    migrations = (rows as Row[]).map((row) => `${String(row.app)}.${String(row.name)}@${String(row.applied)}`);
  }
  return { database, takenAt: new Date().toISOString(), tables, routines, triggers, migrations };
}

/** The differences between an expected and an actual state, one readable line each; [] when equal. */
export function compareDatabaseStates(expected: DatabaseState, actual: DatabaseState, options: { checksums?: boolean; ignoreAutoIncrement?: boolean } = {}): string[] {
  const differences: string[] = [];
  const expectedNames = Object.keys(expected.tables);
  const actualNames = Object.keys(actual.tables);
  const missing = expectedNames.filter((name) => !(name in actual.tables));
  const extra = actualNames.filter((name) => !(name in expected.tables));
  if (missing.length) differences.push(`tables missing: ${missing.join(', ')}`);
  if (extra.length) differences.push(`tables that should not exist: ${extra.join(', ')}`);
  for (const name of expectedNames) {
    const want = expected.tables[name]!;
    const got = actual.tables[name];
    if (!got) continue;
    const ignore = options.ignoreAutoIncrement ?? false;
    if (normalizeCreate(want.create, expected.database, ignore) !== normalizeCreate(got.create, actual.database, ignore)) differences.push(`table ${name}: definition (SHOW CREATE) differs`);
    else if (options.checksums !== false && want.checksum !== got.checksum) differences.push(`table ${name}: data differs (CHECKSUM TABLE ${want.checksum} before, ${got.checksum} now)`);
  }
  differences.push(...compareRecords('routine', expected.routines, actual.routines));
  differences.push(...compareRecords('trigger', expected.triggers, actual.triggers));
  if (expected.migrations.join('\n') !== actual.migrations.join('\n')) {
    const before = new Set(expected.migrations);
    const now = new Set(actual.migrations);
    const added = actual.migrations.filter((row) => !before.has(row)).map(stripApplied);
    const removed = expected.migrations.filter((row) => !now.has(row)).map(stripApplied);
    const parts = [added.length ? `recorded now but not before: ${added.join(', ')}` : '', removed.length ? `recorded before but not now: ${removed.join(', ')}` : ''].filter(Boolean);
    differences.push(`django_migrations differs${parts.length ? ` (${parts.join('; ')})` : ' (order)'}`);
  }
  return differences;
}

function compareRecords(kind: string, expected: Record<string, string>, actual: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [name, hash] of Object.entries(expected)) {
    if (!(name in actual)) lines.push(`${kind} ${name} missing`);
    else if (actual[name] !== hash) lines.push(`${kind} ${name} differs`);
  }
  for (const name of Object.keys(actual)) if (!(name in expected)) lines.push(`${kind} ${name} should not exist`);
  return lines;
}

// A view's definition names its database; a restore into another database name is still "the same".
// AUTO_INCREMENT counters move with every insert: ignored when the state was not taken exactly.
function normalizeCreate(create: string, database: string, ignoreAutoIncrement: boolean): string {
  const text = create.split(quoteIdentifier(database) + '.').join('');
  return ignoreAutoIncrement ? text.replace(/ AUTO_INCREMENT=\d+/, '') : text;
}

function stripApplied(row: string): string {
  return row.slice(0, row.lastIndexOf('@'));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
