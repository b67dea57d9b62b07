// Reads a whole database's schema from information_schema: a fixed handful of queries, never one per table.
import type { Connection } from '../../db/connect.js';
import type {
  CheckSchema,
  ColumnSchema,
  DatabaseSchema,
  ForeignKeySchema,
  IndexSchema,
  ServerInfo,
  TableSchema,
  TriggerSchema,
  ViewSchema,
} from './types.js';
import { UserError } from '../../errors.js';

type Row = Record<string, unknown>;

/** The server's family and version (information_schema differs slightly between MariaDB and MySQL). */
export async function readServerInfo(connection: Connection): Promise<ServerInfo> {
  const [rows] = await connection.query('SELECT VERSION() AS version');
  const version = String((rows as Row[])[0]!.version);
  return { flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql', version };
}

/**
 * Reads every table, column, index, foreign key, check constraint, view and trigger of `database`.
 * The connection need not be connected to that database; nothing outside information_schema is read.
 */
export async function readSchema(connection: Connection, database: string, server?: ServerInfo): Promise<DatabaseSchema> {
  const q = async (sql: string): Promise<Row[]> => (await connection.query(sql, [database]))[0] as Row[];

  // Queued together on the one connection (nothing waits for an earlier answer in JavaScript), and the same
  // on MariaDB and MySQL, so the server's version need not be known first.
  const [info, schemata, tableRows, columnRows, indexRows, fkColumnRows, fkRuleRows, checkRows, viewRows, triggerRows] = await Promise.all([
    server ?? readServerInfo(connection),
    q('SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?'),
    q('SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?'),
    q(`SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, ORDINAL_POSITION AS position, COLUMN_DEFAULT AS defaultValue,
              IS_NULLABLE AS nullable, DATA_TYPE AS dataType, COLUMN_TYPE AS type, CHARACTER_SET_NAME AS charset,
              COLLATION_NAME AS collation, EXTRA AS extra, GENERATION_EXPRESSION AS generation
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`),
    // SELECT *: MySQL 8 adds EXPRESSION (functional indexes), MariaDB has no such column.
    q('SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?'),
    q(`SELECT TABLE_NAME AS tableName, CONSTRAINT_NAME AS name, COLUMN_NAME AS columnName, ORDINAL_POSITION AS position,
              REFERENCED_TABLE_SCHEMA AS refSchema, REFERENCED_TABLE_NAME AS refTable, REFERENCED_COLUMN_NAME AS refColumn
         FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL`),
    q(`SELECT TABLE_NAME AS tableName, CONSTRAINT_NAME AS name, UPDATE_RULE AS onUpdate, DELETE_RULE AS onDelete
         FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`),
    readCheckRows(connection, database),
    q('SELECT * FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?'),
    q(`SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tableName, ACTION_TIMING AS timing, EVENT_MANIPULATION AS event,
              ACTION_ORDER AS actionOrder, ACTION_STATEMENT AS statement
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?`),
  ]);

  const schemaRow = schemata[0];
  if (!schemaRow) {
    throw new UserError(`The database "${database}" does not exist on the server.`, {
      fix: `Check the database name (SHOW DATABASES;), or create it and run: python manage.py migrate`,
    });
  }

  const tables: Record<string, TableSchema> = {};
  const viewNames = new Set<string>();
  for (const row of tableRows) {
    const name = String(row.name);
    if (row.type === 'VIEW') {
      viewNames.add(name);
      continue;
    }
    tables[name] = { name, engine: str(row.engine), collation: str(row.collation), columns: {}, indexes: {}, foreignKeys: {}, checks: {} };
  }

  for (const row of columnRows) {
    const table = tables[String(row.tableName)];
    if (!table) continue; // a view's columns: views are compared by definition
    const column: ColumnSchema = {
      name: String(row.name),
      position: Number(row.position),
      type: String(row.type),
      nullable: row.nullable === 'YES',
      default: rawDefault(row, info),
      extra: String(row.extra ?? ''),
      charset: str(row.charset),
      collation: str(row.collation),
      generation: str(row.generation) || null,
    };
    table.columns[column.name] = column;
  }

  indexRows.sort((a, b) => Number(a.SEQ_IN_INDEX) - Number(b.SEQ_IN_INDEX));
  for (const row of indexRows) {
    const table = tables[String(row.TABLE_NAME)];
    if (!table) continue;
    const name = String(row.INDEX_NAME);
    const index: IndexSchema = (table.indexes[name] ??= {
      name,
      unique: Number(row.NON_UNIQUE) === 0,
      primary: name === 'PRIMARY',
      type: String(row.INDEX_TYPE ?? 'BTREE'),
      columns: [],
    });
    const columnName = row.COLUMN_NAME === null || row.COLUMN_NAME === undefined ? `(${String(row.EXPRESSION ?? '?')})` : String(row.COLUMN_NAME);
    index.columns.push({ name: columnName, prefix: row.SUB_PART === null || row.SUB_PART === undefined ? null : Number(row.SUB_PART), descending: row.COLLATION === 'D' });
  }

  const rules = new Map(fkRuleRows.map((row) => [`${String(row.tableName)}\0${String(row.name)}`, row]));
  fkColumnRows.sort((a, b) => Number(a.position) - Number(b.position));
  for (const row of fkColumnRows) {
    const table = tables[String(row.tableName)];
    if (!table) continue;
    const name = String(row.name);
    const rule = rules.get(`${table.name}\0${name}`);
    const fk: ForeignKeySchema = (table.foreignKeys[name] ??= {
      name,
      columns: [],
      referencedDatabase: str(row.refSchema),
      referencedTable: String(row.refTable),
      referencedColumns: [],
      onDelete: String(rule?.onDelete ?? 'RESTRICT'),
      onUpdate: String(rule?.onUpdate ?? 'RESTRICT'),
    });
    fk.columns.push(String(row.columnName));
    fk.referencedColumns.push(String(row.refColumn));
  }

  for (const row of checkRows) {
    const table = tables[String(row.tableName)];
    if (!table) continue;
    const check: CheckSchema = { name: String(row.name), clause: String(row.clause), level: String(row.level ?? 'Table').toLowerCase() === 'column' ? 'column' : 'table' };
    table.checks[check.name] = check;
  }

  const views: Record<string, ViewSchema> = {};
  for (const row of viewRows) {
    const name = String(row.TABLE_NAME);
    if (!viewNames.has(name)) continue;
    views[name] = {
      name,
      definition: String(row.VIEW_DEFINITION ?? ''),
      checkOption: String(row.CHECK_OPTION ?? 'NONE'),
      algorithm: str(row.ALGORITHM),
      securityType: String(row.SECURITY_TYPE ?? 'DEFINER'),
    };
  }

  const triggers: Record<string, TriggerSchema> = {};
  for (const row of triggerRows) {
    const trigger: TriggerSchema = {
      name: String(row.name),
      table: String(row.tableName),
      timing: String(row.timing),
      event: String(row.event),
      order: Number(row.actionOrder ?? 1),
      statement: String(row.statement ?? ''),
    };
    triggers[trigger.name] = trigger;
  }

  return { database, server: info, charset: String(schemaRow.charset), collation: String(schemaRow.collation), tables, views, triggers };
}

// Through TABLE_CONSTRAINTS, which names the table on both servers (MySQL's CHECK_CONSTRAINTS does not);
// MariaDB adds LEVEL (Column/Table). MySQL before 8.0.16 has no CHECK_CONSTRAINTS at all.
async function readCheckRows(connection: Connection, database: string): Promise<Row[]> {
  try {
    const [rows] = await connection.query(
      `SELECT tc.TABLE_NAME AS tableName, cc.*
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
        WHERE tc.CONSTRAINT_SCHEMA = ? AND tc.CONSTRAINT_TYPE = 'CHECK'`,
      [database],
    );
    return (rows as Row[]).filter((row) => row.TABLE_NAME === undefined || row.TABLE_NAME === row.tableName).map((row) => ({ tableName: row.tableName, name: row.CONSTRAINT_NAME, clause: row.CHECK_CLAUSE, level: row.LEVEL }));
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_UNKNOWN_TABLE') return [];
    throw error;
  }
}

// MariaDB reports defaults as SQL ('text', 42, current_timestamp(), NULL); MySQL as bare values.
function rawDefault(row: Row, info: ServerInfo): string | null {
  const value = row.defaultValue;
  if (value === null || value === undefined) return null;
  const text = String(value);
  if (info.flavor === 'mariadb') return text === 'NULL' ? null : text;
  const extra = String(row.extra ?? '').toLowerCase();
  if (extra.includes('default_generated')) return text.startsWith('(') || /^\w+(\(\d*\))?$/.test(text) ? text : `(${text})`;
  return NUMERIC_TYPES.has(String(row.dataType).toLowerCase()) ? text : `'${text.replace(/'/g, "''")}'`;
}

const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real', 'bit', 'year']);

function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
