import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeMigrationStatus, settleSquashes, statusLayout, type StatusLayout } from '../../src/checks/migration-status.js';
import type { AppliedMigration } from '../../src/db/django-migrations.js';
import { loadAppMigrations, statMigrationFiles } from '../../src/django/migration-files.js';
import { MigrationGraph } from '../../src/django/migration-graph.js';
import { migrationId } from '../../src/django/migration-types.js';
import { openStatusLayoutCache, type StatusLayoutCache } from '../../src/status/status-layout-cache.js';

const source = (dependencies: string, extra = '') =>
  `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [${dependencies}]\n${extra}    operations = []\n`;

let dir: string;
let cacheDir: string;
let config: { apps: Array<{ label: string; dir: string; migrationsDir: string }>; authUserModel: string };

async function write(relative: string, content: string): Promise<void> {
  await writeFile(path.join(dir, 'shop/migrations', relative), content);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-layout-cache-'));
  cacheDir = path.join(dir, 'cache');
  await mkdir(path.join(dir, 'shop/migrations'), { recursive: true });
  await write('__init__.py', '');
  await write('0001_initial.py', source(''));
  await write('0002_b.py', source("('shop', '0001_initial')"));
  await write('0001_squashed_0002_b.py', source('', "    replaces = [('shop', '0001_initial'), ('shop', '0002_b')]\n"));
  await write('0003_c.py', source("('shop', '0002_b')"));
  config = { apps: [{ label: 'shop', dir: path.join(dir, 'shop'), migrationsDir: path.join(dir, 'shop/migrations') }], authUserModel: 'auth.User' };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The cache's two calls, as readProjectStatus makes them.
const rememberIn = (cache: StatusLayoutCache, layout: StatusLayout, applied: AppliedMigration[]) => cache.set({ layout, settled: settleSquashes(layout, applied) });
const servedBy = (cache: StatusLayoutCache, applied: AppliedMigration[]) => cache.get(applied)?.layout;

const rows = (...names: string[]): AppliedMigration[] => names.map((name) => ({ app: 'shop', name, applied: '2026-01-01 00:00:00.000000' }));

/** The listing, the cache opened on it, and the layout built from scratch for `applied`. */
async function open(applied: AppliedMigration[], settleMs = 0) {
  const listing = await Promise.all(config.apps.map((app) => statMigrationFiles(app.migrationsDir)));
  const migrations = (await Promise.all(config.apps.map((app, i) => loadAppMigrations(app.label, app.migrationsDir, undefined, listing[i])))).flat();
  const graph = new MigrationGraph(migrations, { applied: new Set(applied.map(migrationId)), apps: config.apps.map((app) => app.label) });
  return { cache: openStatusLayoutCache(cacheDir, config, listing, { settleMs }), fresh: statusLayout(graph, migrations, config.apps.map((app) => app.label)) };
}

describe('status layout cache', () => {
  it('serves the layout while the files are unchanged and the database settles the squashes the same way', async () => {
    const none = await open([]);
    rememberIn(none.cache, none.fresh, []);
    expect(servedBy(none.cache, [])).toEqual(none.fresh);
    // 0003 applied alone still leaves the squash "none applied": same graph, same layout.
    expect(servedBy(none.cache, rows('0003_c'))).toEqual(none.fresh);

    // Part of the squash applied: Django drops the squash and keeps the replaced migrations.
    const partial = await open(rows('0001_initial'));
    expect(servedBy(partial.cache, rows('0001_initial'))).toBeUndefined();
    expect(partial.fresh.apps[0]!.migrations.map((m) => m.name)).toEqual(['0001_initial', '0002_b', '0003_c']);
    rememberIn(partial.cache, partial.fresh, rows('0001_initial'));
    expect(servedBy(partial.cache, rows('0001_initial'))).toEqual(partial.fresh);
    expect(servedBy(partial.cache, [])).toBeUndefined();
    // All of it applied: the squash stands in again, and counts as applied.
    const all = await open(rows('0001_initial', '0002_b'));
    expect(servedBy(all.cache, rows('0001_initial', '0002_b'))).toBeUndefined();
    rememberIn(all.cache, all.fresh, rows('0001_initial', '0002_b'));
    const served = servedBy(all.cache, rows('0001_initial', '0002_b'))!;
    expect(served).toEqual(all.fresh);
    expect(computeMigrationStatus(served, rows('0001_initial', '0002_b')).apps[0]!.migrations).toEqual([
      { name: '0001_squashed_0002_b', applied: true, squashes: 2 },
      { name: '0003_c', applied: false },
    ]);
  });

  it('misses when a file changes, appears or disappears, and when the apps or AUTH_USER_MODEL change', async () => {
    const remember = async () => {
      const { cache, fresh } = await open([]);
      rememberIn(cache, fresh, []);
      expect(servedBy(cache, [])).toEqual(fresh);
    };
    const missesNow = async () => expect(servedBy((await open([])).cache, [])).toBeUndefined();

    await remember();
    await write('0003_c.py', source("('shop', '0002_b')", '    atomic = False\n'));
    await missesNow();
    await remember();
    await write('0004_d.py', source("('shop', '0003_c')"));
    await missesNow();
    await remember();
    await unlink(path.join(dir, 'shop/migrations/0004_d.py'));
    await missesNow();
    await remember();
    config.authUserModel = 'accounts.User';
    await missesNow();
    await remember();
    await mkdir(path.join(dir, 'blog/migrations'), { recursive: true });
    await writeFile(path.join(dir, 'blog/migrations/__init__.py'), '');
    config.apps.push({ label: 'blog', dir: path.join(dir, 'blog'), migrationsDir: path.join(dir, 'blog/migrations') });
    await missesNow();
  });

  it('stores nothing while a file changed too recently to be trusted, and ignores a damaged file', async () => {
    const young = await open([], 60_000);
    rememberIn(young.cache, young.fresh, []);
    await expect(readFile(path.join(cacheDir, 'status-layout.json'), 'utf8')).rejects.toThrow(/ENOENT/);

    await mkdir(cacheDir, { recursive: true });
    await writeFile(path.join(cacheDir, 'status-layout.json'), '{"version": 1, "key": ');
    const { cache, fresh } = await open([]);
    expect(servedBy(cache, [])).toBeUndefined();
    rememberIn(cache, fresh, []);
    expect(servedBy(cache, [])).toEqual(fresh);
  });

  it('never fails status where the cache cannot be written (read-only checkout)', async () => {
    // A cache directory under a regular file cannot be created, even by root.
    await writeFile(path.join(dir, 'not-a-dir'), '');
    cacheDir = path.join(dir, 'not-a-dir', 'cache');
    const { cache, fresh } = await open([]);
    expect(() => rememberIn(cache, fresh, [])).not.toThrow();
    expect(servedBy(cache, [])).toBeUndefined();
  });
});
