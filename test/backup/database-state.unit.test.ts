// Comparing a database's state before a deploy with its state after a restore.
import { describe, expect, it } from 'vitest';
import { compareDatabaseStates, type DatabaseState } from '../../src/backup/database-state.js';

const base: DatabaseState = {
  database: 'shop',
  takenAt: 't',
  tables: {
    catalog_product: { type: 'BASE TABLE', create: 'CREATE TABLE `catalog_product` (`id` int) AUTO_INCREMENT=4', checksum: '111' },
    cheap: { type: 'VIEW', create: 'CREATE VIEW `cheap` AS select `shop`.`catalog_product`.`id` AS `id` from `shop`.`catalog_product`', checksum: null },
  },
  routines: { 'PROCEDURE count_products': 'h1' },
  triggers: {},
  migrations: ['catalog.0001_initial@2026-01-01 00:00:00', 'catalog.0002_more@2026-01-02 00:00:00'],
};

function variant(change: (state: DatabaseState) => void): DatabaseState {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('compareDatabaseStates', () => {
  it('finds nothing between equal states, also when restored under another database name', () => {
    expect(compareDatabaseStates(base, structuredClone(base))).toEqual([]);
    const renamed = variant((state) => {
      state.database = 'shop_copy';
      state.tables.cheap!.create = state.tables.cheap!.create.replaceAll('`shop`.', '`shop_copy`.');
    });
    expect(compareDatabaseStates(base, renamed)).toEqual([]);
  });

  it('names each difference: tables, definitions, data, routines, django_migrations', () => {
    const after = variant((state) => {
      state.tables.catalog_product!.checksum = '222';
      state.tables.extra = { type: 'BASE TABLE', create: 'CREATE TABLE `extra` (`id` int)', checksum: '0' };
      delete state.routines['PROCEDURE count_products'];
      state.migrations.push('catalog.0003_new@2026-01-03 00:00:00');
    });
    expect(compareDatabaseStates(base, after)).toEqual([
      'tables that should not exist: extra',
      'table catalog_product: data differs (CHECKSUM TABLE 111 before, 222 now)',
      'routine PROCEDURE count_products missing',
      'django_migrations differs (recorded now but not before: catalog.0003_new)',
    ]);
    const altered = variant((state) => {
      state.tables.catalog_product!.create = 'CREATE TABLE `catalog_product` (`id` int, `weight` int) AUTO_INCREMENT=4';
    });
    expect(compareDatabaseStates(base, altered)).toEqual(['table catalog_product: definition (SHOW CREATE) differs']);
  });

  it('without exact state: ignores checksums and AUTO_INCREMENT counters', () => {
    const busy = variant((state) => {
      state.tables.catalog_product!.checksum = '999';
      state.tables.catalog_product!.create = 'CREATE TABLE `catalog_product` (`id` int) AUTO_INCREMENT=9';
    });
    expect(compareDatabaseStates(base, busy, { checksums: false, ignoreAutoIncrement: true })).toEqual([]);
    expect(compareDatabaseStates(base, busy)).toHaveLength(1);
  });
});
