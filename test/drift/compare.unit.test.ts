// compare + normalize on hand-made schemas: what counts as drift and what is only spelling.
import { describe, expect, it } from 'vitest';
import { compareSchemas } from '../../src/drift/compare.js';
import { normalizeSchema, type NormalizeOptions } from '../../src/drift/schema/normalize.js';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../../src/drift/schema/types.js';

function column(name: string, position: number, type: string, extra: Partial<ColumnSchema> = {}): ColumnSchema {
  return { name, position, type, nullable: false, default: null, extra: '', charset: null, collation: null, generation: null, ...extra };
}

function table(name: string, columns: ColumnSchema[], extra: Partial<TableSchema> = {}): TableSchema {
  return {
    name,
    engine: 'InnoDB',
    collation: 'utf8mb4_unicode_ci',
    columns: Object.fromEntries(columns.map((c) => [c.name, c])),
    indexes: { PRIMARY: { name: 'PRIMARY', unique: true, primary: true, type: 'BTREE', columns: [{ name: 'id', prefix: null, descending: false }] } },
    foreignKeys: {},
    checks: {},
    ...extra,
  };
}

function schema(database: string, tables: TableSchema[], extra: Partial<DatabaseSchema> = {}): DatabaseSchema {
  return {
    database,
    server: { flavor: 'mariadb', version: '10.11.6-MariaDB' },
    charset: 'utf8mb4',
    collation: 'utf8mb4_unicode_ci',
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
    views: {},
    triggers: {},
    ...extra,
  };
}

function diff(expected: DatabaseSchema, actual: DatabaseSchema, options: NormalizeOptions = {}) {
  return compareSchemas(normalizeSchema(expected, options), normalizeSchema(actual, options));
}

const product = () =>
  table('shop_product', [
    column('id', 1, 'bigint(20)', { extra: 'auto_increment' }),
    column('name', 2, 'varchar(200)', { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' }),
    column('price', 3, 'int(11)'),
  ]);

describe('compareSchemas', () => {
  it('ignores column order, integer display widths and collations that are only the table default', () => {
    const actual = product();
    actual.columns.price = column('price', 1, 'int');
    actual.columns.id = column('id', 3, 'bigint', { extra: 'auto_increment' });
    const result = diff(schema('ref', [product()]), schema('live', [actual]));
    expect(result).toEqual({ database: [], tables: [], unexpected: [] });
  });

  it('reports attribute changes as expected → actual', () => {
    const actual = product();
    actual.columns.price = column('price', 3, 'int(11)', { nullable: true, default: '0' });
    actual.columns.name = column('name', 2, 'varchar(200)', { charset: 'utf8mb4', collation: 'utf8mb4_bin' });
    const result = diff(schema('ref', [product()]), schema('live', [actual]));
    expect(result.tables[0]!.differences).toEqual([
      { object: 'column', name: 'name', change: 'changed', attribute: 'collation', expected: 'utf8mb4_unicode_ci (table default)', actual: 'utf8mb4_bin' },
      { object: 'column', name: 'price', change: 'changed', attribute: 'nullable', expected: 'NOT NULL', actual: 'NULL' },
      { object: 'column', name: 'price', change: 'changed', attribute: 'default', expected: '(none)', actual: '0' },
    ]);
  });

  it('separates tables only in the live database from drift, and reports missing ones', () => {
    const result = diff(schema('ref', [product(), table('shop_tag', [column('id', 1, 'int')])]), schema('live', [product(), table('legacy', [column('id', 1, 'int')])]));
    expect(result.unexpected).toEqual([{ name: 'legacy', kind: 'table' }]);
    expect(result.tables.map((t) => [t.table, t.status])).toEqual([['shop_tag', 'missing']]);
  });

  it('matches indexes and foreign keys by definition with ignoreNames, by name otherwise', () => {
    const withIndex = (name: string, fkName: string) =>
      table('shop_product', Object.values(product().columns), {
        indexes: { ...product().indexes, [name]: { name, unique: false, primary: false, type: 'BTREE', columns: [{ name: 'price', prefix: null, descending: false }] } },
        foreignKeys: { [fkName]: { name: fkName, columns: ['price'], referencedDatabase: 'ref', referencedTable: 'x', referencedColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'RESTRICT' } },
      });
    const expected = schema('ref', [withIndex('shop_product_price_1a2b3c4d', 'fk_1')]);
    const actual = schema('live', [withIndex('price_idx', 'fk_2')]);
    actual.tables.shop_product!.foreignKeys.fk_2!.referencedDatabase = 'live';
    expect(diff(expected, actual).tables[0]!.differences.map((d) => `${d.object} ${d.name} ${d.change}`)).toEqual([
      'index price_idx extra',
      'index shop_product_price_1a2b3c4d missing',
      'foreignKey fk_1 missing',
      'foreignKey fk_2 extra',
    ]);
    expect(diff(expected, actual, { ignoreNames: true }).tables).toEqual([]);
  });

  it('ignores DEFINER-free spelling of views and their own database name, but not a changed definition', () => {
    const view = (db: string, where: string) => ({ name: 'v', definition: `select \`${db}\`.\`t\`.\`a\` AS \`a\` from \`${db}\`.\`t\` where ${where}`, checkOption: 'NONE', algorithm: 'UNDEFINED', securityType: 'DEFINER' });
    expect(diff(schema('ref', [], { views: { v: view('ref', '1') } }), schema('live', [], { views: { v: view('live', '1') } })).tables).toEqual([]);
    const changed = diff(schema('ref', [], { views: { v: view('ref', '1') } }), schema('live', [], { views: { v: view('live', '2') } }));
    expect(changed.tables[0]).toMatchObject({ table: 'v', kind: 'view', differences: [{ attribute: 'definition' }] });
  });

  it('reports triggers under their table, and leaves out ignored tables and columns', () => {
    const trigger = { name: 'trg', table: 'shop_product', timing: 'BEFORE', event: 'INSERT', order: 1, statement: 'set new.price = 0' };
    const actual = product();
    actual.columns.cache = column('cache', 4, 'text');
    const result = diff(schema('ref', [product()]), schema('live', [actual, table('celery_taskmeta', [])], { triggers: { trg: trigger } }), {
      ignoreTables: ['celery_*'],
      ignoreColumns: ['shop_product.cache'],
    });
    expect(result.unexpected).toEqual([]);
    expect(result.tables[0]!.differences).toEqual([{ object: 'trigger', name: 'trg', change: 'extra', definition: 'BEFORE INSERT: set new.price = 0' }]);
  });
});
