import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAppMigrations } from '../../src/django/migration-files.js';
import { openParsedMigrationCache } from '../../src/django/parsed-migration-cache.js';

const migration = (dependency: string) => `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '${dependency}')]\n    operations = []\n`;

let dir: string;
let migrationsDir: string;
let cacheDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-parse-cache-'));
  migrationsDir = path.join(dir, 'shop/migrations');
  cacheDir = path.join(dir, 'cache');
  await mkdir(migrationsDir, { recursive: true });
  await writeFile(path.join(migrationsDir, '__init__.py'), '');
  await writeFile(path.join(migrationsDir, '0001_initial.py'), migration('__first__').replace("('shop', '__first__')", ''));
  await writeFile(path.join(migrationsDir, '0002_b.py'), migration('0001_initial'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(settleMs = 0) {
  const cache = openParsedMigrationCache(cacheDir, { settleMs });
  const migrations = await loadAppMigrations('shop', migrationsDir, cache);
  cache.save();
  return migrations;
}

describe('parsed migration cache', () => {
  it('serves unchanged files from the cache and gives the same result as parsing', async () => {
    const parsed = await loadAppMigrations('shop', migrationsDir);
    expect(await load()).toEqual(parsed);
    const stored = JSON.parse(await readFile(path.join(cacheDir, 'parsed-migrations.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(stored.entries).sort()).toEqual([path.join(migrationsDir, '0001_initial.py'), path.join(migrationsDir, '0002_b.py')]);
    expect(await load()).toEqual(parsed);
  });

  it('parses a file again when it changes, even to content of the same size', async () => {
    await load();
    const file = path.join(migrationsDir, '0002_b.py');
    const before = await readFile(file, 'utf8');
    const after = before.replace('0001_initial', '0001_initiaX');
    expect(after.length).toBe(before.length);
    await writeFile(file, after);
    const [, second] = await load();
    expect(second!.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001_initiaX' }]);
  });

  it('does not store files that changed a moment ago (racily clean) and forgets deleted files', async () => {
    await load(60_000);
    await expect(readFile(path.join(cacheDir, 'parsed-migrations.json'), 'utf8')).rejects.toThrow();
    await load();
    await rm(path.join(migrationsDir, '0002_b.py'));
    expect((await load()).map((m) => m.name)).toEqual(['0001_initial']);
    const stored = JSON.parse(await readFile(path.join(cacheDir, 'parsed-migrations.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(stored.entries)).toEqual([path.join(migrationsDir, '0001_initial.py')]);
  });

  it('ignores a damaged cache file', async () => {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(path.join(cacheDir, 'parsed-migrations.json'), '{"version": 1, "entr');
    expect((await load()).map((m) => m.name)).toEqual(['0001_initial', '0002_b']);
  });
});
