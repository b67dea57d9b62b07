// The reference cache's file handling: key check, best-effort writes, pruning to the newest few.
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCachedReference, referenceCacheFile, writeCachedReference, type ReferenceSchema } from '../../src/drift/reference-cache.js';

const reference = {
  schema: { database: 'shop', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci', server: { version: '10.11.0-MariaDB' }, tables: {} },
  records: [{ app: 'catalog', name: '0001_initial' }],
  djangoVersion: '3.2.25',
  builtAt: '2024-01-01T00:00:00.000Z',
} as unknown as ReferenceSchema;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-reference-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reference cache', () => {
  it('lives in the checkout cache directory and reads back only for its own key', async () => {
    const key = 'ab'.repeat(32);
    const file = referenceCacheFile(dir, key);
    expect(file).toBe(path.join(dir, '.migration-guard', 'cache', `drift-reference-${key.slice(0, 24)}.json`));
    expect(readCachedReference(file, key)).toBeNull();
    await writeCachedReference(file, key, reference);
    expect(readCachedReference(file, key)).toEqual(reference);
    expect(readCachedReference(file, 'cd'.repeat(32))).toBeNull();
    await writeFile(file, '{"format": 1, "key": "x"');
    expect(readCachedReference(file, key)).toBeNull();
  });

  it('a cache that cannot be written only costs a rebuild: no error', async () => {
    await writeFile(path.join(dir, '.migration-guard'), 'a file where the directory should be');
    const key = 'ef'.repeat(32);
    const file = referenceCacheFile(dir, key);
    await expect(writeCachedReference(file, key, reference)).resolves.toBeUndefined();
    expect(readCachedReference(file, key)).toBeNull();
  });

  it('keeps the newest five entries and always the one just written', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `${i}`.repeat(64));
    const cacheDir = path.join(dir, '.migration-guard', 'cache');
    for (const [i, key] of keys.entries()) {
      const file = referenceCacheFile(dir, key);
      await writeCachedReference(file, key, reference);
      const time = new Date(Date.UTC(2024, 0, 1 + i));
      if (i < keys.length - 1) await utimes(file, time, time);
    }
    const names = (await readdir(cacheDir)).sort();
    expect(names).toEqual(keys.slice(2).map((key) => `drift-reference-${key.slice(0, 24)}.json`).sort());
  });
});
