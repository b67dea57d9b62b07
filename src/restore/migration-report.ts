// Where migrations stand on the restored copy: what the code has that production's data has not (and the reverse).
import type { ResolvedConfig } from '../config/load-config.js';
import type { Connection } from '../db/connect.js';
import { readAppliedMigrations } from '../db/django-migrations.js';
import { migrationId } from '../django/migration-types.js';
import { buildProjectGraph, loadProjectMigrations } from '../django/project-migrations.js';
import { findAppliedMissingOnDisk, migrationKeysInCode, namesByApp } from '../checks/migration-status.js';

export interface MigrationStanding {
  /** Migrations `migrate` would apply, in order ('app.name'). */
  pending: string[];
  /** Applied on production but missing in this checkout's files (guarded apps only): production is ahead. */
  appliedMissingOnDisk: string[];
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
    return {
      pending: graph.pendingPlan().map(migrationId),
      appliedMissingOnDisk: findAppliedMissingOnDisk(applied, namesByApp(migrationKeysInCode(migrations)), guarded).map(migrationId),
      applied: applied.length,
    };
  } catch (error) {
    return { pending: [], appliedMissingOnDisk: [], applied: applied.length, problem: (error as Error).message };
  }
}

/** The standing as `--json` prints it: `unknownApplied` is the key scripts have read since the first release. */
export function standingAsJson(standing: MigrationStanding): Record<string, unknown> {
  const { pending, appliedMissingOnDisk, applied, problem } = standing;
  return { pending, unknownApplied: appliedMissingOnDisk, applied, ...(problem === undefined ? {} : { problem }) };
}
