// Where each app's migrations stand against a database, as `showmigrations` would say (pure logic).
// Two halves: the layout is what the files say (each app's migrations in showmigrations order,
// squashes), which depends on the database only through which squashes are fully, partly or not
// applied; the status combines a layout with the database's rows.
import { countSquashApplied, type MigrationGraph, type SquashState } from '../django/migration-graph.js';
import { migrationId, type MigrationKey, type ParsedMigration } from '../django/migration-types.js';
import type { PlanNode } from '../django/migration-probe.js';
import type { AppliedMigration } from '../db/django-migrations.js';

/**
 * The migrations the code accounts for: every migration file, and every migration a squash among them
 * replaces (its rows stay legitimate after the replaced files are deleted, as Django's loader counts them).
 */
export function migrationKeysInCode(migrations: ReadonlyArray<Pick<ParsedMigration, 'app' | 'name' | 'replaces'>>): MigrationKey[] {
  return migrations.flatMap((migration) => [migration, ...migration.replaces]);
}

/** Names by app: the form findAppliedMissingOnDisk takes what the code has in. */
export function namesByApp(keys: Iterable<MigrationKey>): Map<string, Set<string>> {
  const byApp = new Map<string, Set<string>>();
  for (const key of keys) {
    let names = byApp.get(key.app);
    if (!names) byApp.set(key.app, (names = new Set()));
    names.add(key.name);
  }
  return byApp;
}

/**
 * "Applied in the database but missing on disk": the rows of django_migrations (`applied`) that none of the
 * migrations in the code is (`inCode`: names by app, e.g. namesByApp(migrationKeysInCode(files))), judged for
 * `apps` only when given. Each once, in the rows' order. status, restore-from-prod, drift and deploy all ask it
 * here. (Names by app rather than 'app.name' strings: status runs this on every row of django_migrations.)
 */
export function findAppliedMissingOnDisk<Row extends MigrationKey>(applied: readonly Row[], inCode: ReadonlyMap<string, ReadonlySet<string>>, apps?: ReadonlySet<string>): Row[] {
  const seen = new Map<string, Set<string>>();
  const missing: Row[] = [];
  for (const row of applied) {
    if ((apps && !apps.has(row.app)) || inCode.get(row.app)?.has(row.name)) continue;
    let names = seen.get(row.app);
    if (!names) seen.set(row.app, (names = new Set()));
    if (names.has(row.name)) continue;
    names.add(row.name);
    missing.push(row);
  }
  return missing;
}

/**
 * The same question on Django's own answer (deploy's probe): `applied` is what its loader counts as applied,
 * and the plan lists every migration the code has, each squash with what it replaces. 'app.name' ids.
 */
export function appliedMissingFromPlan(applied: ReadonlyArray<[string, string]>, plan: readonly PlanNode[]): string[] {
  const inCode = plan.flatMap((node) => [node, ...node.replaces.map(([app, name]) => ({ app, name }))]);
  return findAppliedMissingOnDisk(applied.map(([app, name]) => ({ app, name })), namesByApp(inCode)).map(migrationId);
}

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
  /**
   * Squashes this database has only partly applied ('app.name' ids), with the replaced migrations it still
   * lacks: it must run migrate before those replaced files may be deleted.
   */
  partlyAppliedSquashes: Array<{ squash: string; lacks: string[] }>;
}

/** What the migration files say, as far as status needs it. */
export interface StatusLayout {
  apps: Array<{
    app: string;
    /** The graph's migrations in showmigrations order; `squashes` counts what a squash stands in for. */
    migrations: Array<{ name: string; squashes?: number }>;
    /** Every name the code accounts for: files on disk and what squashes on disk replace. */
    known: string[];
  }>;
  /** Every squashed migration, in the order Django's loader settles them ('app.name' ids). */
  squashes: Array<{ id: string; replaces: string[] }>;
}

/** The layout of a graph built with the database's applied set. */
export function statusLayout(graph: MigrationGraph, migrations: readonly ParsedMigration[], appLabels: readonly string[]): StatusLayout {
  const known = new Map<string, Set<string>>(appLabels.map((app) => [app, new Set()]));
  for (const key of migrationKeysInCode(migrations)) known.get(key.app)?.add(key.name);
  const squashes = graph.replacements().map((squash) => ({ id: migrationId(squash.squashed), replaces: squash.replaces.map(migrationId) }));
  const apps = appLabels.map((app) => ({
    app,
    migrations: graph.showmigrationsOrder(app).map((key) => {
      const squashes = graph.get(key)?.replaces.length;
      return squashes ? { name: key.name, squashes } : { name: key.name };
    }),
    known: [...known.get(app)!],
  }));
  return { apps, squashes };
}

/**
 * The applied set as Django's loader counts it (squashes settled), and how each squash was settled:
 * a layout is valid for another database exactly when that database settles the squashes the same way.
 */
export interface SettledSquashes {
  appliedIds: Set<string>;
  states: SquashState[];
}

export function settleSquashes(layout: Pick<StatusLayout, 'squashes'>, applied: readonly AppliedMigration[]): SettledSquashes {
  const appliedIds = new Set(applied.map(migrationId));
  const states = layout.squashes.map((squash) => countSquashApplied(appliedIds, squash.id, squash.replaces));
  return { appliedIds, states };
}

/** Compares what the files say with the database's records (`settled`: settleSquashes' answer, when already taken). */
export function computeMigrationStatus(layout: StatusLayout, applied: readonly AppliedMigration[], settled = settleSquashes(layout, applied)): MigrationStatus {
  const { appliedIds } = settled;
  // Per app, name -> applied timestamp: one pass over the rows.
  const appliedAt = new Map<string, Map<string, string>>();
  for (const row of applied) {
    let rows = appliedAt.get(row.app);
    if (!rows) appliedAt.set(row.app, (rows = new Map()));
    rows.set(row.name, row.applied);
  }

  const inCode = new Map(layout.apps.map((app) => [app.app, new Set(app.known)]));
  const missingByApp = new Map<string, string[]>();
  for (const row of findAppliedMissingOnDisk(applied, inCode, new Set(inCode.keys()))) {
    const names = missingByApp.get(row.app);
    if (names) names.push(row.name);
    else missingByApp.set(row.app, [row.name]);
  }

  const apps = layout.apps.map((app): AppStatus => {
    const appliedHere = appliedAt.get(app.app);
    const entries = app.migrations.map((migration): MigrationEntry => {
      const entry: MigrationEntry = { name: migration.name, applied: appliedIds.has(migrationId({ app: app.app, name: migration.name })) };
      const at = entry.applied ? appliedHere?.get(migration.name) : undefined;
      if (at !== undefined) entry.appliedAt = at;
      if (migration.squashes) entry.squashes = migration.squashes;
      return entry;
    });
    const appliedMissingOnDisk = missingByApp.get(app.app) ?? [];
    return { app: app.app, migrations: entries, pending: entries.filter((entry) => !entry.applied).map((entry) => entry.name), appliedMissingOnDisk };
  });

  const totals = {
    applied: apps.reduce((sum, app) => sum + app.migrations.filter((entry) => entry.applied).length, 0),
    pending: apps.reduce((sum, app) => sum + app.pending.length, 0),
    appliedMissingOnDisk: apps.reduce((sum, app) => sum + app.appliedMissingOnDisk.length, 0),
  };
  const verdict: StatusVerdict = totals.appliedMissingOnDisk > 0 ? 'database-ahead' : totals.pending > 0 ? 'pending' : 'in-sync';
  const partlyAppliedSquashes = layout.squashes.flatMap((squash, i) =>
    settled.states[i] === 'partial' ? [{ squash: squash.id, lacks: squash.replaces.filter((id) => !appliedIds.has(id)) }] : [],
  );
  return { verdict, apps, totals, partlyAppliedSquashes };
}
