// lock-blockers: which sessions can keep an ALTER waiting for a table's metadata lock, from rows as the server lists them.
import { describe, expect, it } from 'vitest';
import { describeBlocker, findLockBlockers, namesTable, tableOfStatement, type ServerSession } from '../../src/checks/lock-blockers.js';

const session = (fields: Partial<ServerSession>): ServerSession => ({
  id: 1,
  user: 'shop',
  host: '10.0.0.5:5123',
  db: 'shop',
  command: 'Sleep',
  seconds: 0,
  state: null,
  info: null,
  transactionSeconds: null,
  transactionQuery: null,
  ...fields,
});

describe('findLockBlockers', () => {
  const input = { database: 'shop', tables: ['shop_order'], exclude: new Set([99]) };

  it('counts open transactions on the database, running statements naming the table, and no idle or queued session', () => {
    const blockers = findLockBlockers(
      [
        session({ id: 10, transactionSeconds: 40 }),
        session({ id: 11, command: 'Query', seconds: 75, info: 'SELECT COUNT(*) FROM `shop_order` o JOIN shop_line l ON …' }),
        session({ id: 12 }),
        session({ id: 13, command: 'Query', state: 'Waiting for table metadata lock', info: 'SELECT * FROM shop_order' }),
        session({ id: 14, command: 'Query', info: 'SELECT * FROM shop_orderline' }),
        session({ id: 15, db: 'other', transactionSeconds: 5 }),
        session({ id: 99, transactionSeconds: 5 }),
        session({ id: 16, user: 'system user', command: 'Daemon', transactionSeconds: 1 }),
      ],
      input,
    );
    expect(blockers.map((blocker) => [blocker.session.id, blocker.why])).toEqual([
      [10, 'open transaction for 40 s (the server does not say which tables it has read)'],
      [11, 'statement running for 75 s uses `shop_order`'],
    ]);
    expect(describeBlocker(blockers[0]!)).toBe('session 10 (shop@10.0.0.5:5123, open transaction for 40 s (the server does not say which tables it has read)): idle');
  });

  it('trusts the server when it lists metadata locks (METADATA_LOCK_INFO)', () => {
    const blockers = findLockBlockers([session({ id: 10, transactionSeconds: 40, lockedTables: ['shop_line'] }), session({ id: 11, transactionSeconds: 2, lockedTables: ['shop_order'] })], input);
    expect(blockers.map((blocker) => [blocker.session.id, blocker.why])).toEqual([[11, 'holds the metadata lock of `shop_order`']]);
  });
});

describe('statement helpers', () => {
  it('finds the table a DDL statement waits on', () => {
    expect(tableOfStatement('ALTER TABLE `shop_order` ADD COLUMN `x` integer NULL')).toBe('shop_order');
    expect(tableOfStatement('CREATE UNIQUE INDEX `i` ON `shop_order` (`x`)')).toBe('shop_order');
    expect(tableOfStatement('DROP INDEX i ON shop_order')).toBe('shop_order');
    expect(tableOfStatement('DROP TABLE IF EXISTS `a`, `b`')).toBe('a');
    expect(tableOfStatement('SELECT 1')).toBeNull();
  });

  it('matches table names as whole words, quoted or not', () => {
    expect(namesTable('update shop_order set x = 1', 'shop_order')).toBe(true);
    expect(namesTable('select * from `shop_order`', 'shop_order')).toBe(true);
    expect(namesTable('select * from shop_orderline', 'shop_order')).toBe(false);
  });
});
