// Finds and reads an app's migration modules from disk, choosing files the way Django's loader does.
import type { Hash } from 'node:crypto';
import { readFileSync, type Stats } from 'node:fs';
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MigrationParseError, parseMigrationSource } from './migration-parser.js';
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

/** Reads an app's migration files with Django's loader (django-migration-reader.ts, bound to a project). */
export type AppMigrationReader = (app: string, files: Array<{ name: string; path: string; source: string }>) => Promise<{ migrations: ParsedMigration[] } | { error: string; file?: string; line?: number }>;

/**
 * Reads and parses every migration of one app; throws MigrationParseError for an unreadable file.
 * A file only Python can read goes, with the app's others, to `readWithDjango` when given (one run
 * for the app); when Django cannot read it either, the MigrationParseError names the file, the line
 * and Django's error. Call it for all apps at once: the apps' directories are listed in parallel.
 * `files` is the app's listing when already taken (statMigrationFiles).
 */
export async function loadAppMigrations(app: string, migrationsDir: string, cache?: ParsedMigrationCache, files?: readonly MigrationFile[], readWithDjango?: AppMigrationReader): Promise<ParsedMigration[]> {
  // The files themselves are read synchronously: for thousands of small files each promise-based
  // read costs several thread-pool round trips (5,000 files: ~800 ms with fs/promises, ~100 ms sync).
  const needPython: MigrationParseError[] = [];
  const parse = (file: string): ParsedMigration | null => {
    try {
      return parseMigrationSource(app, path.basename(file, '.py'), file, readFileSync(file, 'utf8'));
    } catch (error) {
      if (!(error instanceof MigrationParseError) || !error.needsPython || !readWithDjango) throw error;
      needPython.push(error);
      return null;
    }
  };
  const listing = files ?? (cache ? await statMigrationFiles(migrationsDir) : (await listMigrationFiles(migrationsDir)).map((file) => ({ file, stats: null })));
  const parsed = listing.map(({ file, stats }) => {
    const cached = cache && stats ? cache.get(file, stats) : null;
    if (cached && cached.app === app) return cached;
    const migration = parse(file);
    if (migration && cache && stats) cache.set(file, stats, migration);
    return migration;
  });
  const migrations = parsed.filter((migration): migration is ParsedMigration => migration !== null);
  if (needPython.length === 0) return migrations;
  const sources = listing.map(({ file }) => ({ name: path.basename(file, '.py'), path: file, source: readFileSync(file, 'utf8') }));
  const read = await readWithDjango!(app, sources);
  if ('error' in read) {
    // The file Django's error points at when it is one of the app's, else the first one it was asked about.
    if (read.file) throw new MigrationParseError(read.file, read.line ?? 1, read.error, { needsPython: true });
    const [first] = needPython;
    throw new MigrationParseError(first!.file, first!.line, `${first!.reason}; ${read.error}`, { needsPython: true });
  }
  const wanted = new Set(needPython.map((error) => error.file));
  return [...migrations, ...read.migrations.filter((migration) => wanted.has(migration.file))];
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Feeds every migration file's path (relative to `root`) and content into `hash`, in a stable order: a cache key's part. */
export async function hashMigrationFiles(hash: Hash, migrationFiles: readonly (readonly MigrationFile[])[], root: string): Promise<void> {
  const files = migrationFiles.flat().map((entry) => entry.file).sort();
  const contents = await Promise.all(files.map((file) => readFile(file)));
  files.forEach((file, i) => {
    hash.update(`\0${path.relative(root, file)}\0`);
    hash.update(contents[i]!);
  });
}
