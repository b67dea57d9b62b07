// Removes what does not matter before comparing: column order, defaults spelled out, server spellings,
// the database's own name inside definitions; optionally keys indexes and constraints by definition.
import type { CheckSchema, ColumnSchema, DatabaseSchema, ForeignKeySchema, IndexSchema, TableSchema, TriggerSchema, ViewSchema } from './types.js';

export interface NormalizeOptions {
  /** Match indexes, foreign keys and check constraints by what they do, not by their (generated) names. */
  ignoreNames?: boolean;
  /** Table (and view) name patterns to leave out; `*` matches any run of characters. */
  ignoreTables?: string[];
  /** `table.column` patterns to leave out. */
  ignoreColumns?: string[];
}

/**
 * A copy of `schema` ready for comparison. Never read (so never compared): AUTO_INCREMENT counters,
 * DEFINERs, table and column comments, row counts. Column order stays only as `position`, which compare ignores.
 */
export function normalizeSchema(schema: DatabaseSchema, options: NormalizeOptions = {}): DatabaseSchema {
  const skipTable = patternMatcher(options.ignoreTables ?? []);
  const skipColumn = patternMatcher(options.ignoreColumns ?? []);
  const own = schema.database;

  const tables: Record<string, TableSchema> = {};
  for (const table of Object.values(schema.tables)) {
    if (skipTable(table.name)) continue;
    const tableCollation = table.collation ?? schema.collation;
    const columns: Record<string, ColumnSchema> = {};
    for (const column of Object.values(table.columns)) {
      if (skipColumn(`${table.name}.${column.name}`)) continue;
      columns[column.name] = normalizeColumn(column, tableCollation);
    }
    const indexes = rekey(
      Object.values(table.indexes).map((index) => normalizeIndex(index, columns)),
      (index) => (options.ignoreNames && !index.primary ? indexSignature(index) : index.name),
    );
    const foreignKeys = rekey(
      Object.values(table.foreignKeys).map((fk) => ({ ...fk, referencedDatabase: fk.referencedDatabase === own ? null : fk.referencedDatabase, onDelete: fk.onDelete.toUpperCase(), onUpdate: fk.onUpdate.toUpperCase() })),
      (fk) => (options.ignoreNames ? foreignKeySignature(fk) : fk.name),
    );
    const checks = rekey(
      Object.values(table.checks).map((check) => ({ ...check, clause: normalizeExpression(check.clause, own) })),
      (check) => (options.ignoreNames ? checkSignature(check) : check.name),
    );
    tables[table.name] = {
      name: table.name,
      engine: table.engine ? table.engine.toLowerCase() : null,
      collation: sameCollation(table.collation, schema.collation) ? null : table.collation,
      columns,
      indexes,
      foreignKeys,
      checks,
    };
  }

  const views: Record<string, ViewSchema> = {};
  for (const view of Object.values(schema.views)) {
    if (skipTable(view.name)) continue;
    views[view.name] = { ...view, definition: normalizeExpression(view.definition, own), algorithm: view.algorithm === 'UNDEFINED' ? null : view.algorithm };
  }

  const triggers: Record<string, TriggerSchema> = {};
  for (const trigger of Object.values(schema.triggers)) {
    if (skipTable(trigger.table)) continue;
    triggers[trigger.name] = { ...trigger, statement: normalizeExpression(trigger.statement, own) };
  }

  return { ...schema, tables, views, triggers };
}

function normalizeColumn(column: ColumnSchema, tableCollation: string | null): ColumnSchema {
  const collationIsDefault = column.collation === null || sameCollation(column.collation, tableCollation);
  return {
    ...column,
    type: normalizeType(column.type),
    default: normalizeDefault(column.default),
    extra: normalizeExtra(column.extra),
    // A column's charset follows from its collation: compare it only when the collation is not the table's.
    charset: collationIsDefault ? null : column.charset,
    collation: collationIsDefault ? null : column.collation,
    generation: column.generation === null ? null : normalizeExpression(column.generation, null),
  };
}

// Display widths (int(11)) mean nothing and MySQL 8 no longer reports them.
function normalizeType(type: string): string {
  return type
    .trim()
    .replace(/\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/gi, '$1')
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .replace(/^integer\b/, 'int');
}

function normalizeDefault(value: string | null): string | null {
  if (value === null) return null;
  return value.replace(/^current_timestamp(\(\))?$/i, 'current_timestamp()').replace(/^current_timestamp\((\d+)\)$/i, 'current_timestamp($1)');
}

function normalizeExtra(extra: string): string {
  return extra
    .toLowerCase()
    .replace(/\bdefault_generated\b/g, '')
    .replace(/\bcurrent_timestamp\b(?!\()/g, 'current_timestamp()')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalizeIndex(index: IndexSchema, columns: Record<string, ColumnSchema>): IndexSchema {
  return {
    ...index,
    type: index.type.toUpperCase(),
    // A prefix as long as the whole column is no prefix.
    columns: index.columns.map((column) => ({ ...column, prefix: column.prefix !== null && isWholeColumnPrefix(columns[column.name], column.prefix) ? null : column.prefix })),
  };
}

function isWholeColumnPrefix(column: ColumnSchema | undefined, prefix: number): boolean {
  const match = column ? /^(?:var)?char\((\d+)\)/.exec(column.type) : null;
  return match !== null && Number(match[1]) === prefix;
}

/** Views, triggers and checks mention their own database by name; the reference lives in another one. */
function normalizeExpression(text: string, ownDatabase: string | null): string {
  let result = text;
  if (ownDatabase) result = result.split(`\`${ownDatabase.replace(/`/g, '``')}\`.`).join('');
  return result.replace(/\s+/g, ' ').trim();
}

function sameCollation(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.toLowerCase() === b.toLowerCase();
}

/** What an index does, independent of its name: `UNIQUE (a, b(10) DESC)`. */
export function indexSignature(index: IndexSchema): string {
  const kind = [index.primary ? 'PRIMARY KEY' : index.unique ? 'UNIQUE' : 'INDEX', index.type !== 'BTREE' ? index.type : ''].filter(Boolean).join(' ');
  return `${kind} (${index.columns.map(describeIndexColumn).join(', ')})`;
}

export function describeIndexColumn(column: IndexSchema['columns'][number]): string {
  return `${column.name}${column.prefix !== null ? `(${column.prefix})` : ''}${column.descending ? ' DESC' : ''}`;
}

/** What a foreign key does, independent of its name: `(order_id) → orders_order(id)`. */
export function foreignKeySignature(fk: ForeignKeySchema): string {
  const target = `${fk.referencedDatabase ? `${fk.referencedDatabase}.` : ''}${fk.referencedTable}`;
  return `FOREIGN KEY (${fk.columns.join(', ')}) → ${target}(${fk.referencedColumns.join(', ')})`;
}

export function checkSignature(check: CheckSchema): string {
  return `CHECK (${check.clause})`;
}

// Two objects with the same signature (a duplicate index) both stay: the second gets " #2".
function rekey<T>(items: T[], keyOf: (item: T) => string): Record<string, T> {
  const result: Record<string, T> = {};
  const sorted = [...items].sort((a, b) => compareText(String((a as { name: string }).name), String((b as { name: string }).name)));
  for (const item of sorted) {
    const base = keyOf(item);
    let key = base;
    for (let n = 2; key in result; n++) key = `${base} #${n}`;
    result[key] = item;
  }
  return result;
}

function patternMatcher(patterns: string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexes = patterns.map((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`));
  return (name) => regexes.some((regex) => regex.test(name));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
