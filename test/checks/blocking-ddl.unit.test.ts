// blocking-ddl: sizes, estimates and the limit, from a classification as the replay returns it (no server).
import { describe, expect, it } from 'vitest';
import { assessStatements, blockingOverLimit, formatEstimate, serverReason } from '../../src/checks/blocking-ddl.js';
import type { ClassifiedMigration } from '../../src/checks/ddl-classification.js';

const TYPE_CHANGE = 'ALTER TABLE `shop_order` MODIFY `total` bigint NOT NULL';
const migrations: ClassifiedMigration[] = [
  {
    app: 'shop',
    name: '0007_total_bigint',
    statements: [
      { sql: 'ALTER TABLE `shop_order` ADD COLUMN `note` longtext NULL', table: 'shop_order', kind: 'instant', refusals: [], ms: 3 },
      {
        sql: TYPE_CHANGE,
        table: 'shop_order',
        kind: 'copy',
        refusals: [
          { tried: 'ALGORITHM=INSTANT', message: 'ALGORITHM=INSTANT is not supported. Reason: Cannot change column type. Try ALGORITHM=COPY' },
          { tried: 'ALGORITHM=INPLACE, LOCK=NONE', message: 'ALGORITHM=INPLACE is not supported. Reason: Cannot change column type. Try ALGORITHM=COPY' },
          { tried: 'ALGORITHM=INPLACE', message: 'ALGORITHM=INPLACE is not supported. Reason: Cannot change column type. Try ALGORITHM=COPY' },
        ],
        ms: 20,
      },
    ],
  },
  {
    app: 'shop',
    name: '0008_coupon',
    statements: [
      { sql: 'CREATE TABLE `shop_coupon` (`id` integer)', table: 'shop_coupon', kind: 'create-table', refusals: [], ms: 5 },
      { sql: 'ALTER TABLE `shop_coupon` MODIFY `id` bigint', table: 'shop_coupon', kind: 'copy', refusals: [], ms: 5 },
      { sql: "UPDATE shop_order SET note = ''", table: null, kind: 'other', refusals: [], ms: 1 },
    ],
  },
];
const sizes = new Map([
  ['shop_order', { rows: 2_100_000, bytes: 1_400_000_000 }],
  ['shop_coupon', { rows: 999_999_999, bytes: 1 }], // a same-named table that exists now: the migration creates its own
]);
const rate = { rowsPerSecond: 50_000, bytesPerSecond: 20_000_000, sampleRows: 50_000, sampleBytes: 20_000_000, ms: 1000 };

describe('blocking DDL', () => {
  it('estimates the copy from the slower of the row and byte rates; tables created by the migrations count as empty', () => {
    const assessed = assessStatements(migrations, sizes, rate);
    expect(assessed.map((item) => [item.statement.kind, item.blocksWrites])).toEqual([
      ['instant', false],
      ['copy', true],
      ['create-table', false],
      ['copy', true],
    ]);
    expect(assessed[1]!.estimateSeconds).toBe(70); // 1.4 GB at 20 MB/s (rows alone: 42 s)
    expect(assessed[1]!.reason).toBe('Cannot change column type');
    expect(assessed[3]!.size).toBeNull();
    expect(formatEstimate(70)).toBe('70 s');
    expect(formatEstimate(600)).toBe('10 min');
  });

  it('refuses a copy of a table over the limit, naming the migration, the statement, the reason and the safer ways', () => {
    const refusals = blockingOverLimit(assessStatements(migrations, sizes, null), 100_000);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.message).toContain('shop.0007_total_bigint copies `shop_order` (about 2,100,000 rows, more than "deploy.maxBlockingCopyRows" = 100,000)');
    expect(refusals[0]!.message).toContain(TYPE_CHANGE);
    expect(refusals[0]!.message).toContain('the server: Cannot change column type');
    expect(refusals[0]!.fix).toMatch(/Split shop\.0007_total_bigint.*SeparateDatabaseAndState.*--allow-blocking/);
    expect(blockingOverLimit(assessStatements(migrations, sizes, null), 3_000_000)).toEqual([]);
  });

  it('takes the server reason from the LOCK=NONE refusal, and none for statements the server accepted online', () => {
    expect(serverReason(migrations[0]!.statements[0]!)).toBeNull();
    expect(serverReason({ sql: 'x', table: 't', kind: 'inplace-locked', refusals: [{ tried: 'ALGORITHM=INPLACE, LOCK=NONE', message: 'LOCK=NONE is not supported. Reason: Fulltext index creation requires a lock. Try LOCK=SHARED' }], ms: 1 })).toBe('Fulltext index creation requires a lock');
  });
});
