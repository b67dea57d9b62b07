// Loads every guarded app's migration files and builds the project's graph. Python is involved only for
// a file the static parser cannot read (Django's loader reads that app, cached by content).
import type { ResolvedConfig } from '../config/load-config.js';
import { projectCacheDir } from '../config/local-state.js';
import path from 'node:path';
import { loadAppMigrations, statMigrationFiles, type AppMigrationReader, type MigrationFile } from './migration-files.js';
import { openParsedMigrationCache } from './parsed-migration-cache.js';
import { MigrationGraph } from './migration-graph.js';
import type { ParsedMigration } from './migration-types.js';

/** Every configured app's migration files with their stats, in app order. */
export async function statProjectMigrationFiles(config: ResolvedConfig): Promise<MigrationFile[][]> {
  return Promise.all(config.apps.map((app) => statMigrationFiles(app.migrationsDir)));
}

/**
 * All parsed migrations of the configured apps, in app order (through the checkout's parse cache);
 * `listing` is statProjectMigrationFiles' answer when already taken.
 */
export async function loadProjectMigrations(config: ResolvedConfig, listing?: MigrationFile[][]): Promise<ParsedMigration[]> {
  const cache = openParsedMigrationCache(projectCacheDir(config));
  const perApp = await Promise.all(config.apps.map((app, i) => loadAppMigrations(app.label, app.migrationsDir, cache, listing?.[i], djangoReaderFor(config))));
  cache.save();
  return perApp.flat();
}

// Django's loader for the files only Python can read, with the project's interpreter and settings (the
// loader reads files only: no database is opened).
function djangoReaderFor(config: ResolvedConfig): AppMigrationReader {
  return async (app, files) => {
    const [{ readMigrationsWithDjango }, { djangoEnv }] = await Promise.all([import('./django-migration-reader.js'), import('./django-env.js')]);
    return readMigrationsWithDjango({ python: config.python.path, projectDir: path.dirname(config.managePy), env: djangoEnv(config), app, files, cacheDir: projectCacheDir(config) });
  };
}

/** The project's migration graph, optionally against a database's applied set ('app.name' keys). */
export function buildProjectGraph(config: ResolvedConfig, migrations: readonly ParsedMigration[], applied?: ReadonlySet<string>): MigrationGraph {
  return new MigrationGraph(migrations, {
    applied,
    apps: config.apps.map((app) => app.label),
    settings: { AUTH_USER_MODEL: config.authUserModel },
  });
}
