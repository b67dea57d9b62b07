// Loads every guarded app's migration files and builds the project's graph (no Python involved).
import type { ResolvedConfig } from '../config/load-config.js';
import { projectCacheDir } from '../config/local-state.js';
import { loadAppMigrations, statMigrationFiles, type MigrationFile } from './migration-files.js';
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
  const perApp = await Promise.all(config.apps.map((app, i) => loadAppMigrations(app.label, app.migrationsDir, cache, listing?.[i])));
  cache.save();
  return perApp.flat();
}

/** The project's migration graph, optionally against a database's applied set ('app.name' keys). */
export function buildProjectGraph(config: ResolvedConfig, migrations: readonly ParsedMigration[], applied?: ReadonlySet<string>): MigrationGraph {
  return new MigrationGraph(migrations, {
    applied,
    apps: config.apps.map((app) => app.label),
    settings: { AUTH_USER_MODEL: config.authUserModel },
  });
}
