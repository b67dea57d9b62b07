// Where each app's migrations stand against a database, as `showmigrations` would say (pure logic).
import type { MigrationGraph } from '../django/migration-graph.js';
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
  // Per app, name -> applied timestamp: one pass over the rows, and no 'app.name' strings to build.
  const appliedAt = new Map<string, Map<string, string>>();
  for (const row of applied) rowsOf(appliedAt, row.app).set(row.name, row.applied);
  // Names on disk per app; a deleted migration that a squash on disk replaces is still accounted for.
  const known = new Map<string, Map<string, true>>();
  for (const migration of migrations) {
    rowsOf(known, migration.app).set(migration.name, true);
    for (const replaced of migration.replaces) rowsOf(known, replaced.app).set(replaced.name, true);
  }

  const apps = appLabels.map((app): AppStatus => {
    const appliedHere = appliedAt.get(app);
    const entries: MigrationEntry[] = [];
    for (const key of graph.showmigrationsOrder(app)) {
      const entry: MigrationEntry = { name: key.name, applied: graph.isApplied(key) };
      const at = entry.applied ? appliedHere?.get(key.name) : undefined;
      if (at !== undefined) entry.appliedAt = at;
      const squashes = graph.get(key)?.replaces.length;
      if (squashes) entry.squashes = squashes;
      entries.push(entry);
    }
    const knownHere = known.get(app);
    const appliedMissingOnDisk = [...(appliedHere?.keys() ?? [])].filter((name) => !knownHere?.has(name));
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

function rowsOf<V>(byApp: Map<string, Map<string, V>>, app: string): Map<string, V> {
  let rows = byApp.get(app);
  if (!rows) byApp.set(app, (rows = new Map()));
  return rows;
}
