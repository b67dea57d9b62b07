// Loads every guarded app's migration files and builds the project's graph (no Python involved).
import type { ResolvedConfig } from '../config/load-config.js';
import { loadAppMigrations } from './migration-files.js';
import { MigrationGraph } from './migration-graph.js';
import type { ParsedMigration } from './migration-types.js';

/** All parsed migrations of the configured apps, in app order. */
export async function loadProjectMigrations(config: ResolvedConfig): Promise<ParsedMigration[]> {
  const perApp = await Promise.all(config.apps.map((app) => loadAppMigrations(app.label, app.migrationsDir)));
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
