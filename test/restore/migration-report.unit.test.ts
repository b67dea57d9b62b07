// Where migrations stand on a restored copy: rows of migrations a squash on disk replaces are not "production is ahead".
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/load-config.js';
import type { Connection } from '../../src/db/connect.js';
import { migrationStanding, standingAsJson } from '../../src/restore/migration-report.js';

const source = (dependencies: string, extra = '') =>
  `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [${dependencies}]\n${extra}    operations = []\n`;

let dir: string;
let config: ResolvedConfig;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-migration-report-'));
  const migrationsDir = path.join(dir, 'shop/migrations');
  await mkdir(migrationsDir, { recursive: true });
  // The replaced migrations' files were deleted after squashing: only the squash and a later one remain.
  await writeFile(path.join(migrationsDir, '__init__.py'), '');
  await writeFile(path.join(migrationsDir, '0001_squashed_0002_b.py'), source('', "    replaces = [('shop', '0001_initial'), ('shop', '0002_b')]\n"));
  await writeFile(path.join(migrationsDir, '0003_c.py'), source("('shop', '0001_squashed_0002_b')"));
  config = { repoRoot: dir, authUserModel: 'auth.User', apps: [{ label: 'shop', dir: path.join(dir, 'shop'), migrationsDir }] } as unknown as ResolvedConfig;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A connection whose django_migrations holds `names` of the shop app. */
function connectionWith(...names: string[]): Connection {
  const rows = names.map((name) => ({ app: 'shop', name, applied: '2026-01-01 00:00:00.000000' }));
  return {
    query: async (sql: string) => [sql.startsWith('SHOW TABLES') ? [{ table: 'django_migrations' }] : rows, []],
  } as unknown as Connection;
}

describe('migrationStanding', () => {
  it('counts rows of replaced migrations as on disk, and only unknown ones as production being ahead', async () => {
    const standing = await migrationStanding(config, connectionWith('0001_initial', '0002_b', '0004_from_prod'));
    expect(standing.problem).toBeUndefined();
    expect(standing.appliedMissingOnDisk).toEqual(['shop.0004_from_prod']);
    expect(standing.pending).toEqual(['shop.0003_c']);
    expect(standing.applied).toBe(3);
    // --json keeps the key scripts already read.
    expect(JSON.stringify(standingAsJson(standing))).toBe('{"pending":["shop.0003_c"],"unknownApplied":["shop.0004_from_prod"],"applied":3}');
  });
});
