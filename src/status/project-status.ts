// Reads migration files and the database's records, and says where every guarded app stands.
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { withConnection } from '../db/connect.js';
import { readAppliedMigrations } from '../db/django-migrations.js';
import { migrationId } from '../django/migration-graph.js';
import { buildProjectGraph, loadProjectMigrations } from '../django/project-migrations.js';
import { computeMigrationStatus, type MigrationStatus } from '../checks/migration-status.js';

/** Status of the configured apps against the database in `settings` (throws DatabaseUnreachableError). */
export async function readProjectStatus(config: ResolvedConfig, settings: ConnectionSettings): Promise<MigrationStatus> {
  const [migrations, applied] = await Promise.all([
    loadProjectMigrations(config),
    withConnection(settings, (connection) => readAppliedMigrations(connection)),
  ]);
  const graph = buildProjectGraph(config, migrations, new Set(applied.map(migrationId)));
  return computeMigrationStatus(graph, migrations, config.apps.map((app) => app.label), applied);
}
