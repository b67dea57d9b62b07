// Django's documented way to shorten a migration history, told apart from rewriting it (pure logic).
// After `squashmigrations` has been committed and every database has migrated past the squash, the
// replaced migrations may be deleted, migrations depending on them re-pointed at the squash, and
// `replaces` removed from the squash. Those published changes are allowed, with a note; any other
// deletion or edit of a published migration stays blocked.
import { migrationId, type MigrationDependency, type MigrationKey, type ParsedMigration } from '../django/migration-types.js';
import type { PublishedChange } from './published-migrations.js';
import type { Problem } from './problem.js';

export interface SquashLifecycleFacts {
  /** The staged (or pushed tip's) migrations of the apps concerned. */
  current: readonly ParsedMigration[];
  /** The published version of each edited migration, by repository path. */
  publishedVersions: ReadonlyMap<string, ParsedMigration>;
}

export interface SquashLifecycleSplit {
  /** Changes that are steps of the squash lifecycle, with the squash each one belongs to. */
  allowed: Array<{ change: PublishedChange; squash: MigrationKey }>;
  blocked: PublishedChange[];
}

/** Splits published changes into squash-lifecycle steps and everything else. */
export function splitSquashLifecycle(changes: readonly PublishedChange[], facts: SquashLifecycleFacts): SquashLifecycleSplit {
  const current = new Map(facts.current.map((migration) => [migrationId(migration), migration]));
  // Which squash replaces each migration: as the squash is now, or as it was published.
  const replacedBy = new Map<string, MigrationKey>();
  for (const migration of facts.current) {
    const published = facts.publishedVersions.get(migration.file);
    for (const replaced of [...migration.replaces, ...(published?.replaces ?? [])]) replacedBy.set(migrationId(replaced), migration);
  }
  const result: SquashLifecycleSplit = { allowed: [], blocked: [] };
  for (const change of changes) {
    const name = change.path.slice(change.path.lastIndexOf('/') + 1, -3);
    const squash = replacedBy.get(migrationId({ app: change.app, name }));
    if (change.status === 'D' && squash) {
      result.allowed.push({ change, squash });
      continue;
    }
    const now = current.get(migrationId({ app: change.app, name }));
    const before = facts.publishedVersions.get(change.path);
    if (change.status === 'M' && now && before) {
      const squashOf = lifecycleEditOf(before, now, replacedBy);
      if (squashOf) {
        result.allowed.push({ change, squash: squashOf });
        continue;
      }
    }
    result.blocked.push(change);
  }
  return result;
}

// The squash an edit belongs to when it only removes `replaces` from that squash, or only re-points
// dependencies from replaced migrations to their squash; null for any other edit.
function lifecycleEditOf(before: ParsedMigration, now: ParsedMigration, replacedBy: ReadonlyMap<string, MigrationKey>): MigrationKey | null {
  if (!sameOperations(before, now) || before.initial !== now.initial || !sameKeys(before.runBefore, now.runBefore)) return null;
  if (before.replaces.length > 0 && now.replaces.length === 0 && sameDependencies(before.dependencies, now.dependencies, new Map())) return now;
  if (!sameKeys(before.replaces, now.replaces)) return null;
  const squashes = new Map<string, MigrationKey>();
  for (const dependency of before.dependencies) {
    if (dependency.kind !== 'migration') continue;
    const squash = replacedBy.get(migrationId(dependency));
    if (squash) squashes.set(migrationId(dependency), squash);
  }
  if (squashes.size === 0 || !sameDependencies(before.dependencies, now.dependencies, squashes)) return null;
  return [...squashes.values()][0]!;
}

function sameOperations(a: ParsedMigration, b: ParsedMigration): boolean {
  const text = (migration: ParsedMigration) => migration.operations.map((operation) => `${operation.type}:${operation.source.replace(/\s+/g, '')}`).join('\n');
  return text(a) === text(b);
}

function sameKeys(a: readonly MigrationKey[], b: readonly MigrationKey[]): boolean {
  return a.map(migrationId).sort().join(',') === b.map(migrationId).sort().join(',');
}

// Dependencies equal once each replaced migration in `before` is read as its squash.
function sameDependencies(before: readonly MigrationDependency[], now: readonly MigrationDependency[], squashes: ReadonlyMap<string, MigrationKey>): boolean {
  const text = (dependency: MigrationDependency) => {
    if (dependency.kind !== 'migration') return JSON.stringify(dependency);
    const squash = squashes.get(migrationId(dependency));
    return squash ? `migration:${migrationId(squash)}` : `migration:${migrationId(dependency)}`;
  };
  return [...new Set(before.map(text))].sort().join('\n') === [...new Set(now.map(text))].sort().join('\n');
}

/** The note for the allowed steps: one per squash, naming it and what every database must have done. */
export function squashLifecycleNotes(allowed: SquashLifecycleSplit['allowed'], pathOf: (app: string, name: string) => string): Problem[] {
  const bySquash = new Map<string, { squash: MigrationKey; files: string[] }>();
  for (const { change, squash } of allowed) {
    const entry = bySquash.get(migrationId(squash)) ?? { squash, files: [] };
    entry.files.push(change.path);
    bySquash.set(migrationId(squash), entry);
  }
  return [...bySquash.values()].map(({ squash, files }) => ({
    code: 'squash-lifecycle',
    severity: 'warn',
    title: `Completes the squash ${migrationId(squash)}: deletes or re-points the migrations it replaces`,
    files,
    details: [`Squash: ${pathOf(squash.app, squash.name)}`],
    why: `Every database (each developer's, staging, production) must have run migrate since ${migrationId(squash)} arrived; one that still lacks a replaced migration can no longer reach these models.`,
    fix: `check each database first: python manage.py showmigrations ${squash.app}   (or migration-guard status)`,
  }));
}
