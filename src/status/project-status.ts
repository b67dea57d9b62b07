// Reads migration files and the database's records, and says where every guarded app stands.
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { withConnection } from '../db/connect.js';
import { readAppliedMigrations } from '../db/django-migrations.js';
import { migrationId } from '../django/migration-types.js';
import { projectCacheDir } from '../config/local-state.js';
import { buildProjectGraph, loadProjectMigrations, statProjectMigrationFiles } from '../django/project-migrations.js';
import { computeMigrationStatus, settleSquashes, statusLayout, type MigrationStatus } from '../checks/migration-status.js';
import { openStatusLayoutCache } from './status-layout-cache.js';

/** Status of the configured apps against the database in `settings` (throws DatabaseUnreachableError). */
export async function readProjectStatus(config: ResolvedConfig, settings: ConnectionSettings): Promise<MigrationStatus> {
  const [listing, applied] = await Promise.all([
    statProjectMigrationFiles(config),
    withConnection(settings, (connection) => readAppliedMigrations(connection)),
  ]);
  // Unchanged files (and squashes settled the same way): no parsing, no graph.
  const cache = openStatusLayoutCache(projectCacheDir(config), config, listing);
  let entry = cache.get(applied);
  if (!entry) {
    const migrations = await loadProjectMigrations(config, listing);
    const graph = buildProjectGraph(config, migrations, new Set(applied.map(migrationId)));
    const layout = statusLayout(graph, migrations, config.apps.map((app) => app.label));
    entry = { layout, settled: settleSquashes(layout, applied) };
    cache.set(entry);
  }
  return computeMigrationStatus(entry.layout, applied, entry.settled);
}
