// Do django_migrations and the migration files agree? Applied-but-missing-on-disk and on-disk-but-not-applied.
import { migrationId, type MigrationKey, type ParsedMigration } from '../django/migration-types.js';
import { MigrationGraph, compareMigrationKeys } from '../django/migration-graph.js';
import { findAppliedMissingOnDisk, migrationKeysInCode, namesByApp } from '../checks/migration-status.js';

export interface MigrationRecordsComparison {
  /** What the database's records were compared with: the migration files, or another database's records. */
  source: 'files' | 'database';
  /** Known (on disk / recorded in the other database) but not recorded as applied here. */
  notApplied: MigrationKey[];
  /**
   * Recorded as applied here but unknown: applied but missing on disk (findAppliedMissingOnDisk), or with
   * --against not recorded in the other database. The name is the documented `--json` key.
   */
  appliedUnknown: MigrationKey[];
}

export interface FilesExpectation {
  /** Parsed migration files of the guarded apps. */
  migrations: readonly ParsedMigration[];
  /** Guarded app labels (apps without any migration included). */
  apps: readonly string[];
  /** settings values for swappable dependencies (AUTH_USER_MODEL). */
  settings: Readonly<Record<string, string>>;
  /**
   * django_migrations of a freshly migrated database (the reference build): stands in for the files of
   * apps that are not guarded (django.contrib.*, third-party), whose migrations live in site-packages.
   */
  referenceRecords?: readonly MigrationKey[];
}

/**
 * Compares a database's records with the migration files, the way Django's loader counts them: a squashed
 * migration is applied when everything it replaces is, and rows of replaced migrations stay legitimate.
 */
export function compareRecordsWithFiles(applied: readonly MigrationKey[], expectation: FilesExpectation): MigrationRecordsComparison {
  const guarded = new Set([...expectation.apps, ...expectation.migrations.map((m) => m.app)]);
  const appliedIds = new Set(applied.map(migrationId));
  const graph = new MigrationGraph(expectation.migrations, { applied: appliedIds, apps: expectation.apps, settings: expectation.settings });

  const notApplied: MigrationKey[] = graph.nodes().filter((key) => !graph.isApplied(key));
  const appliedUnknown = findAppliedMissingOnDisk(applied, namesByApp(migrationKeysInCode(expectation.migrations)), guarded);

  // Apps outside the guarded set: what a fresh `migrate` recorded is what their installed code has.
  if (expectation.referenceRecords) {
    const reference = expectation.referenceRecords.filter((key) => !guarded.has(key.app));
    notApplied.push(...reference.filter((key) => !appliedIds.has(migrationId(key))));
    // Rows of an app the project no longer installs count too: their code is gone.
    appliedUnknown.push(...findAppliedMissingOnDisk(applied.filter((key) => !guarded.has(key.app)), namesByApp(reference)));
  }
  return { source: 'files', notApplied: unique(notApplied), appliedUnknown: unique(appliedUnknown) };
}

/** Compares two databases' records (for --against): recorded in `expected` only, and in `actual` only. */
export function compareRecordsWithDatabase(actual: readonly MigrationKey[], expected: readonly MigrationKey[]): MigrationRecordsComparison {
  const actualIds = new Set(actual.map(migrationId));
  const expectedIds = new Set(expected.map(migrationId));
  return {
    source: 'database',
    notApplied: unique(expected.filter((key) => !actualIds.has(migrationId(key)))),
    appliedUnknown: unique(actual.filter((key) => !expectedIds.has(migrationId(key)))),
  };
}

/** Whether the records disagree at all. */
export function recordsDisagree(records: MigrationRecordsComparison): boolean {
  return records.notApplied.length > 0 || records.appliedUnknown.length > 0;
}

function unique(keys: MigrationKey[]): MigrationKey[] {
  const seen = new Map<string, MigrationKey>();
  for (const key of keys) seen.set(migrationId(key), { app: key.app, name: key.name });
  return [...seen.values()].sort(compareMigrationKeys);
}
