// Where migrations stand on the restored copy: what the code has that production's data has not (and the reverse).
import type { ResolvedConfig } from '../config/load-config.js';
import type { Connection } from '../db/connect.js';
import { readAppliedMigrations } from '../db/django-migrations.js';
import { migrationId } from '../django/migration-graph.js';
import { buildProjectGraph, loadProjectMigrations } from '../django/project-migrations.js';

export interface MigrationStanding {
  /** Migrations `migrate` would apply, in order ('app.name'). */
  pending: string[];
  /** Applied on production but not in this checkout's files (guarded apps only): production is ahead. */
  unknownApplied: string[];
  applied: number;
  /** Set when the migration files could not be read; the counts above are then empty. */
  problem?: string;
}

/** Compares the restored database's django_migrations with the checkout's migration graph. */
export async function migrationStanding(config: ResolvedConfig, connection: Connection): Promise<MigrationStanding> {
  const applied = await readAppliedMigrations(connection);
  const appliedIds = new Set(applied.map(migrationId));
  try {
    const migrations = await loadProjectMigrations(config);
    const graph = buildProjectGraph(config, migrations, appliedIds);
    const guarded = new Set(config.apps.map((app) => app.label));
    // Rows of migrations a squash on disk replaces stay legitimate, as Django's loader counts them.
    const onDisk = new Set(migrations.flatMap((migration) => [migration, ...migration.replaces].map(migrationId)));
    return {
      pending: graph.pendingPlan().map(migrationId),
      unknownApplied: applied.filter((row) => guarded.has(row.app) && !onDisk.has(migrationId(row))).map(migrationId),
      applied: applied.length,
    };
  } catch (error) {
    return { pending: [], unknownApplied: [], applied: applied.length, problem: (error as Error).message };
  }
}
