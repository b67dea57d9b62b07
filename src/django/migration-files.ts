// Finds and reads an app's migration modules from disk, choosing files the way Django's loader does.
import { readFileSync, type Stats } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseMigrationSource } from './migration-parser.js';
import type { ParsedMigration } from './migration-types.js';
import { statMigrationFile, type ParsedMigrationCache } from './parsed-migration-cache.js';
import { isMigrationModuleFileName } from './migration-module-name.js';

export { isMigrationModuleFileName };

/** Absolute paths of the migration modules in a migrations/ package, sorted; [] when Django would see none. */
export async function listMigrationFiles(migrationsDir: string): Promise<string[]> {
  // Django 3.2 treats a migrations/ without __init__.py (a namespace package) as "no migrations".
  if (!(await exists(path.join(migrationsDir, '__init__.py')))) return [];
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const files = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isMigrationModuleFileName(entry.name))
    .map((entry) => path.join(migrationsDir, entry.name));
  return files.sort(); // a stable order; the graph sorts keys Django's way itself
}

/** A migration module on disk and its stat (which the parse and status caches key on). */
export interface MigrationFile {
  file: string;
  stats: Stats;
}

/** The app's migration modules with their stats ([] when Django would see none). */
export async function statMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  // Stats are synchronous: thousands of promise-based stats cost thread-pool round trips each.
  return (await listMigrationFiles(migrationsDir)).map((file) => ({ file, stats: statMigrationFile(file) }));
}

/**
 * Reads and parses every migration of one app; throws MigrationParseError for an unreadable file.
 * Call it for all apps at once: the apps' directories are listed in parallel. `files` is the app's
 * listing when already taken (statMigrationFiles).
 */
export async function loadAppMigrations(app: string, migrationsDir: string, cache?: ParsedMigrationCache, files?: readonly MigrationFile[]): Promise<ParsedMigration[]> {
  // The files themselves are read synchronously: for thousands of small files each promise-based
  // read costs several thread-pool round trips (5,000 files: ~800 ms with fs/promises, ~100 ms sync).
  const parse = (file: string) => parseMigrationSource(app, path.basename(file, '.py'), file, readFileSync(file, 'utf8'));
  if (!cache) return (files?.map((entry) => entry.file) ?? (await listMigrationFiles(migrationsDir))).map(parse);
  return (files ?? (await statMigrationFiles(migrationsDir))).map(({ file, stats }) => {
    const cached = cache.get(file, stats);
    if (cached && cached.app === app) return cached;
    const migration = parse(file);
    cache.set(file, stats, migration);
    return migration;
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
