// Where each app's migrations stand against a database, as `showmigrations` would say (pure logic).
import type { MigrationGraph } from '../django/migration-graph.js';
import { migrationId } from '../django/migration-graph.js';
import type { ParsedMigration } from '../django/migration-types.js';
import type { AppliedMigration } from '../db/django-migrations.js';

export interface MigrationEntry {
  name: string;
  applied: boolean;
  /** When applied: the django_migrations timestamp (absent for a squash counted applied through its replaced rows). */
  appliedAt?: string;
  /** For a squashed migration that stands in for others: how many it replaces. */
  squashes?: number;
}

export interface AppStatus {
  app: string;
  /** Migrations on disk, in the order migrate would apply them. */
  migrations: MigrationEntry[];
  pending: string[];
  /** Recorded as applied in the database, but no file in the code has it (the database is ahead). */
  appliedMissingOnDisk: string[];
}

export type StatusVerdict = 'in-sync' | 'pending' | 'database-ahead';

export interface MigrationStatus {
  verdict: StatusVerdict;
  apps: AppStatus[];
  totals: { applied: number; pending: number; appliedMissingOnDisk: number };
}

/** Compares the migrations on disk (graph built with the applied set) with the database's records. */
export function computeMigrationStatus(graph: MigrationGraph, migrations: readonly ParsedMigration[], appLabels: readonly string[], applied: readonly AppliedMigration[]): MigrationStatus {
  const appliedAt = new Map(applied.map((row) => [migrationId(row), row.applied]));
  // A deleted migration that a squash on disk replaces is still accounted for.
  const known = new Set<string>();
  for (const migration of migrations) {
    known.add(migrationId(migration));
    for (const replaced of migration.replaces) known.add(migrationId(replaced));
  }

  const apps = appLabels.map((app): AppStatus => {
    const entries: MigrationEntry[] = [];
    const shown = new Set<string>();
    // Same walk as showmigrations: each leaf's forwards plan, this app's nodes only, first sighting wins.
    for (const leaf of graph.leaves(app)) {
      for (const key of graph.forwardsPlan(leaf)) {
        const id = migrationId(key);
        if (key.app !== app || shown.has(id)) continue;
        shown.add(id);
        const migration = graph.get(key);
        const isApplied = graph.isApplied(key);
        entries.push({
          name: key.name,
          applied: isApplied,
          ...(isApplied && appliedAt.has(id) ? { appliedAt: appliedAt.get(id) } : {}),
          ...(migration && migration.replaces.length ? { squashes: migration.replaces.length } : {}),
        });
      }
    }
    const appliedMissingOnDisk = applied.filter((row) => row.app === app && !known.has(migrationId(row))).map((row) => row.name);
    return { app, migrations: entries, pending: entries.filter((entry) => !entry.applied).map((entry) => entry.name), appliedMissingOnDisk };
  });

  const totals = {
    applied: apps.reduce((sum, app) => sum + app.migrations.filter((entry) => entry.applied).length, 0),
    pending: apps.reduce((sum, app) => sum + app.pending.length, 0),
    appliedMissingOnDisk: apps.reduce((sum, app) => sum + app.appliedMissingOnDisk.length, 0),
  };
  const verdict: StatusVerdict = totals.appliedMissingOnDisk > 0 ? 'database-ahead' : totals.pending > 0 ? 'pending' : 'in-sync';
  return { verdict, apps, totals };
}
