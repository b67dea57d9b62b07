// Compares two normalized schemas (expected vs actual) and lists every difference, grouped by table.
import { compareText, describeIndexColumn, foreignKeySignature } from './schema/normalize.js';
import type { CheckSchema, ColumnSchema, DatabaseSchema, ForeignKeySchema, IndexSchema, TableSchema, TriggerSchema, ViewSchema } from './schema/types.js';

export type ObjectKind = 'database' | 'table' | 'view' | 'column' | 'index' | 'foreignKey' | 'check' | 'trigger';
export type ChangeKind = 'missing' | 'extra' | 'changed';

/** One difference: something expected but missing, present but not expected, or an attribute that differs. */
export interface Difference {
  object: ObjectKind;
  /** The object's name (for indexes and constraints under --ignore-names: its definition). */
  name: string;
  change: ChangeKind;
  /** For `changed`: which attribute differs (type, nullable, default, collation, columns, onDelete, …). */
  attribute?: string;
  expected?: string;
  actual?: string;
  /** For `missing`/`extra`: the object's definition, e.g. `varchar(100) NOT NULL`. */
  definition?: string;
}

/** Every difference of one table (or view), in a stable order: table, columns, indexes, foreign keys, checks, triggers. */
export interface TableDrift {
  table: string;
  kind: 'table' | 'view';
  /** `missing`: expected but absent; `extra`: present but not expected; `changed`: present in both, differs. */
  status: ChangeKind;
  differences: Difference[];
}

export interface SchemaComparison {
  /** Differences in the database's own defaults (charset, collation). */
  database: Difference[];
  /** Tables and views that exist in both or only in the expected schema, and differ. */
  tables: TableDrift[];
  /** Tables and views only in the actual database: not Django's (no model builds them). */
  unexpected: Array<{ name: string; kind: 'table' | 'view' }>;
}

/** Compares `actual` with `expected`; both must come from normalizeSchema() with the same options. */
export function compareSchemas(expected: DatabaseSchema, actual: DatabaseSchema): SchemaComparison {
  const database: Difference[] = [];
  for (const attribute of ['charset', 'collation'] as const) {
    if (expected[attribute] !== actual[attribute]) {
      database.push({ object: 'database', name: actual.database, change: 'changed', attribute, expected: expected[attribute], actual: actual[attribute] });
    }
  }

  const tables: TableDrift[] = [];
  const unexpected: SchemaComparison['unexpected'] = [];
  const triggersByTable = (schema: DatabaseSchema) => groupBy(Object.values(schema.triggers), (trigger) => trigger.table);
  const expectedTriggers = triggersByTable(expected);
  const actualTriggers = triggersByTable(actual);

  for (const name of unionKeys(expected.tables, actual.tables)) {
    const want = expected.tables[name];
    const have = actual.tables[name];
    if (!have) {
      tables.push({ table: name, kind: 'table', status: 'missing', differences: [{ object: 'table', name, change: 'missing', definition: describeTable(want!) }] });
      continue;
    }
    if (!want) {
      unexpected.push({ name, kind: 'table' });
      continue;
    }
    const differences = [
      ...compareTableAttributes(want, have, expected, actual),
      ...compareMembers('column', want.columns, have.columns, (a, b) => compareColumn(a, b, want, have, expected, actual), describeColumn),
      ...compareMembers('index', want.indexes, have.indexes, compareIndex, describeIndex),
      ...compareMembers('foreignKey', want.foreignKeys, have.foreignKeys, compareForeignKey, foreignKeyDefinition),
      ...compareMembers('check', want.checks, have.checks, compareCheck, (check) => `CHECK (${check.clause})`),
      ...compareMembers('trigger', keyed(expectedTriggers.get(name)), keyed(actualTriggers.get(name)), compareTrigger, describeTrigger),
    ];
    if (differences.length) tables.push({ table: name, kind: 'table', status: 'changed', differences });
  }

  for (const name of unionKeys(expected.views, actual.views)) {
    const want = expected.views[name];
    const have = actual.views[name];
    if (!have) tables.push({ table: name, kind: 'view', status: 'missing', differences: [{ object: 'view', name, change: 'missing', definition: want!.definition }] });
    else if (!want) unexpected.push({ name, kind: 'view' });
    else {
      const differences = compareView(want, have).map((d) => ({ object: 'view' as const, name, change: 'changed' as const, ...d }));
      if (differences.length) tables.push({ table: name, kind: 'view', status: 'changed', differences });
    }
  }

  // Triggers on tables that are only in the actual database travel with that table; missing tables' triggers are implied.
  tables.sort((a, b) => compareText(a.table, b.table));
  unexpected.sort((a, b) => compareText(a.name, b.name));
  return { database, tables, unexpected };
}

type AttributeDiff = { attribute: string; expected: string; actual: string };

function compareTableAttributes(want: TableSchema, have: TableSchema, expected: DatabaseSchema, actual: DatabaseSchema): Difference[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'engine', want.engine ?? '(none)', have.engine ?? '(none)');
  attribute(diffs, 'collation', want.collation ?? `${expected.collation} (database default)`, have.collation ?? `${actual.collation} (database default)`, want.collation === have.collation);
  return diffs.map((d) => ({ object: 'table', name: want.name, change: 'changed', ...d }));
}

function compareColumn(want: ColumnSchema, have: ColumnSchema, wantTable: TableSchema, haveTable: TableSchema, expected: DatabaseSchema, actual: DatabaseSchema): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'type', want.type, have.type);
  attribute(diffs, 'nullable', want.nullable ? 'NULL' : 'NOT NULL', have.nullable ? 'NULL' : 'NOT NULL');
  attribute(diffs, 'default', want.default ?? '(none)', have.default ?? '(none)');
  attribute(diffs, 'extra', want.extra || '(none)', have.extra || '(none)');
  // The collation names its charset too, so a charset change shows here.
  const tableDefault = (table: TableSchema, schema: DatabaseSchema) => `${table.collation ?? schema.collation} (table default)`;
  attribute(diffs, 'collation', want.collation ?? tableDefault(wantTable, expected), have.collation ?? tableDefault(haveTable, actual), want.collation === have.collation);
  attribute(diffs, 'generated', want.generation ?? '(not generated)', have.generation ?? '(not generated)');
  return diffs;
}

function compareIndex(want: IndexSchema, have: IndexSchema): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'unique', want.unique ? 'unique' : 'not unique', have.unique ? 'unique' : 'not unique');
  attribute(diffs, 'type', want.type, have.type);
  attribute(diffs, 'columns', want.columns.map(describeIndexColumn).join(', '), have.columns.map(describeIndexColumn).join(', '));
  return diffs;
}

function compareForeignKey(want: ForeignKeySchema, have: ForeignKeySchema): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'columns', want.columns.join(', '), have.columns.join(', '));
  const target = (fk: ForeignKeySchema) => `${fk.referencedDatabase ? `${fk.referencedDatabase}.` : ''}${fk.referencedTable}(${fk.referencedColumns.join(', ')})`;
  attribute(diffs, 'references', target(want), target(have));
  attribute(diffs, 'onDelete', want.onDelete, have.onDelete);
  attribute(diffs, 'onUpdate', want.onUpdate, have.onUpdate);
  return diffs;
}

function compareCheck(want: CheckSchema, have: CheckSchema): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'clause', want.clause, have.clause);
  return diffs;
}

function compareTrigger(want: TriggerSchema, have: TriggerSchema): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'timing', `${want.timing} ${want.event}`, `${have.timing} ${have.event}`);
  attribute(diffs, 'order', String(want.order), String(have.order));
  attribute(diffs, 'statement', want.statement, have.statement);
  return diffs;
}

function compareView(want: ViewSchema, have: ViewSchema): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  attribute(diffs, 'definition', want.definition, have.definition);
  attribute(diffs, 'checkOption', want.checkOption, have.checkOption);
  attribute(diffs, 'algorithm', want.algorithm ?? 'UNDEFINED', have.algorithm ?? 'UNDEFINED');
  attribute(diffs, 'securityType', want.securityType, have.securityType);
  return diffs;
}

// Members are keyed by name (or, with --ignore-names, by definition), so a name never needs comparing.
function compareMembers<T extends { name: string }>(
  object: ObjectKind,
  expected: Record<string, T>,
  actual: Record<string, T>,
  compare: (want: T, have: T) => AttributeDiff[],
  describe: (item: T) => string,
): Difference[] {
  const differences: Difference[] = [];
  for (const key of unionKeys(expected, actual)) {
    const want = expected[key];
    const have = actual[key];
    if (!have) differences.push({ object, name: key, change: 'missing', definition: describe(want!) });
    else if (!want) differences.push({ object, name: key, change: 'extra', definition: describe(have) });
    else for (const diff of compare(want, have)) differences.push({ object, name: key, change: 'changed', ...diff });
  }
  return differences;
}

function attribute(diffs: AttributeDiff[], name: string, expected: string, actual: string, equal = expected === actual): void {
  if (!equal) diffs.push({ attribute: name, expected, actual });
}

/** `varchar(100) NOT NULL DEFAULT 'x'` */
export function describeColumn(column: ColumnSchema): string {
  const parts = [column.type];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.generation) parts.push(`AS (${column.generation})`);
  parts.push(column.nullable ? 'NULL' : 'NOT NULL');
  if (column.default !== null) parts.push(`DEFAULT ${column.default}`);
  if (column.extra) parts.push(column.extra);
  return parts.join(' ');
}

export function describeIndex(index: IndexSchema): string {
  const kind = index.primary ? 'PRIMARY KEY' : index.unique ? 'UNIQUE' : 'INDEX';
  return `${kind}${index.type !== 'BTREE' ? ` ${index.type}` : ''} ${index.primary ? '' : `${index.name} `}(${index.columns.map(describeIndexColumn).join(', ')})`;
}

function foreignKeyDefinition(fk: ForeignKeySchema): string {
  return `${foreignKeySignature(fk)} ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}

function describeTrigger(trigger: TriggerSchema): string {
  return `${trigger.timing} ${trigger.event}: ${trigger.statement}`;
}

function describeTable(table: TableSchema): string {
  const columns = Object.keys(table.columns).length;
  return `${columns} column${columns === 1 ? '' : 's'}, ${Object.keys(table.indexes).length} index(es), ${Object.keys(table.foreignKeys).length} foreign key(s)`;
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText);
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}

function keyed<T extends { name: string }>(items: T[] | undefined): Record<string, T> {
  return Object.fromEntries((items ?? []).map((item) => [item.name, item]));
}
