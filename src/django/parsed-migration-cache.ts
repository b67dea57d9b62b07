// Parsed migrations remembered between runs, keyed by each file's identity (size, mtime, ctime,
// inode): on a project of thousands of migrations a run then costs a stat per file instead of a
// read and a parse. A changed, replaced or touched file misses and is parsed again.
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { ParsedMigration } from './migration-types.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';

// Bump when the parser's output changes shape or meaning: older caches are then ignored.
const CACHE_VERSION = 1;
// A file changed again within the same clock tick as its last stat would look unchanged ("racily
// clean", as git calls it): entries younger than this are parsed every time and not stored.
export const SETTLE_MS = 2_000;

interface Entry {
  identity: string;
  migration: ParsedMigration;
}

interface CacheFile {
  version: number;
  entries: Record<string, Entry>;
}

export interface ParsedMigrationCache {
  /** The cached parse of `file` when it has not changed since, else undefined. */
  get(file: string, stats: Stats): ParsedMigration | undefined;
  set(file: string, stats: Stats, migration: ParsedMigration): void;
  /** Writes the cache (atomically) when something changed; never throws. */
  save(): void;
}

/** What a cached answer about a file is keyed on: its size, mtime, ctime and inode. */
export function fileIdentity(stats: Stats): string {
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`;
}

/** Opens the cache file in `cacheDir` (absent or unreadable: an empty cache). */
export function openParsedMigrationCache(cacheDir: string, options: { settleMs?: number } = {}): ParsedMigrationCache {
  const settleMs = options.settleMs ?? SETTLE_MS;
  const file = path.join(cacheDir, 'parsed-migrations.json');
  // No cache yet, a damaged one or an older version: start over.
  const data = readJsonFile<CacheFile>(file);
  let entries: Record<string, Entry> = data?.version === CACHE_VERSION && data.entries ? data.entries : {};
  const used = new Set<string>();
  let dirty = false;
  return {
    get(migrationFile, stats) {
      const entry = entries[migrationFile];
      if (!entry || entry.identity !== fileIdentity(stats)) return undefined;
      used.add(migrationFile);
      return entry.migration;
    },
    set(migrationFile, stats, migration) {
      if (!isSettled(stats, settleMs)) return;
      entries[migrationFile] = { identity: fileIdentity(stats), migration };
      used.add(migrationFile);
      dirty = true;
    },
    save() {
      // Drop entries of files that no longer exist or were not asked for, so the cache stays the project's size.
      const stale = Object.keys(entries).filter((key) => !used.has(key));
      if (!dirty && stale.length === 0) return;
      for (const key of stale) delete entries[key];
      rememberJsonFile(file, { version: CACHE_VERSION, entries } satisfies CacheFile);
    },
  };
}

/** Whether a file last changed long enough ago for its identity to be trusted. */
export function isSettled(stats: Stats, settleMs = SETTLE_MS): boolean {
  return Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) >= settleMs;
}

/** Stats a migration file (follows symlinks, as reading it does). */
export function statMigrationFile(file: string): Stats {
  return statSync(file);
}
