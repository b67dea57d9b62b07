// Problems in the migration graph itself: several leaves, shared numbers, missing dependencies (pure logic).
import type { MigrationGraph } from '../django/migration-graph.js';
import { migrationId, type ParsedMigration } from '../django/migration-types.js';
import type { Problem } from './problem.js';

export interface GraphCheckOptions {
  /** Only report on these apps (e.g. the apps whose migrations a commit touches). */
  apps?: ReadonlySet<string>;
  /** Path of each migration as the user knows it ('app.name' → repository-relative path). */
  pathOf: (app: string, name: string) => string;
  /** Where the migrations were read from, for messages: "staged", "origin/main + HEAD". */
  where: string;
}

/** Conflicting leaves, duplicate numbers and missing dependencies, each a blocking problem. */
export function migrationGraphProblems(graph: MigrationGraph, options: GraphCheckOptions): Problem[] {
  const include = (app: string) => !options.apps || options.apps.has(app);
  const problems: Problem[] = [];
  for (const conflict of graph.conflicts()) {
    if (!include(conflict.app)) continue;
    problems.push(conflictProblem(conflict.app, conflict.leaves, options));
  }
  for (const duplicate of graph.duplicateNumbers()) {
    if (!include(duplicate.app)) continue;
    problems.push({
      code: 'duplicate-migration-number',
      severity: 'block',
      title: `${duplicate.app}: ${duplicate.names.length} migrations share the number ${duplicate.number} (${options.where})`,
      files: duplicate.names.map((name) => options.pathOf(duplicate.app, name)),
      why: 'Two branches each added a migration; the numbers no longer tell the order they run in.',
      fix: `renumber the one that is not yet shared (git mv, then fix the dependencies that name it), or keep both and run: python manage.py makemigrations --merge ${duplicate.app}`,
    });
  }
  for (const missing of graph.missingDependencies()) {
    if (!include(missing.from.app)) continue;
    const what = missing.kind === 'migration' ? migrationId(missing.missing) : `settings.${missing.setting}`;
    problems.push({
      code: 'missing-dependency',
      severity: 'block',
      title: `${migrationId(missing.from)} depends on ${what}, which does not exist (${options.where})`,
      files: [options.pathOf(missing.from.app, missing.from.name)],
      why: 'Django refuses to load a migration graph with a missing node: migrate and makemigrations both fail.',
      fix: missing.kind === 'migration' ? `add (git add) the missing migration, or fix the dependency in ${options.pathOf(missing.from.app, missing.from.name)}` : `define ${missing.setting} in the settings`,
    });
  }
  return problems;
}

function conflictProblem(app: string, leaves: string[], options: GraphCheckOptions): Problem {
  return {
    code: 'conflicting-leaves',
    severity: 'block',
    title: `${app}: the migrations have ${leaves.length} leaves (${leaves.join(', ')}) (${options.where})`,
    files: leaves.map((name) => options.pathOf(app, name)),
    why: 'Django stops with "Conflicting migrations detected" until the branches of the graph are joined.',
    fix: `python manage.py makemigrations --merge ${app}   (or rebase and renumber the migration that is not yet shared)`,
  };
}

/**
 * Conflicts a merge of two sides would create: apps where the union's leaves include a migration only
 * `ours` has and one only `theirs` has (what already conflicts on one side alone is reported elsewhere).
 */
export function mergeConflictProblems(union: MigrationGraph, ours: ReadonlySet<string>, theirs: ReadonlySet<string>, options: GraphCheckOptions & { theirsLabel: string }): Problem[] {
  const problems: Problem[] = [];
  for (const conflict of union.conflicts()) {
    const id = (name: string) => migrationId({ app: conflict.app, name });
    const mine = conflict.leaves.filter((name) => ours.has(id(name)) && !theirs.has(id(name)));
    const others = conflict.leaves.filter((name) => theirs.has(id(name)) && !ours.has(id(name)));
    if (mine.length === 0 || others.length === 0) continue;
    problems.push({
      code: 'conflicting-leaves',
      severity: 'block',
      title: `${conflict.app}: ${mine.join(', ')} conflicts with ${others.join(', ')} on ${options.theirsLabel}: merged, the app would have ${conflict.leaves.length} leaves`,
      files: mine.map((name) => options.pathOf(conflict.app, name)),
      why: 'Both branches added a migration after the same parent; whoever merges second gets "Conflicting migrations detected".',
      fix: `git fetch && git rebase ${options.theirsLabel}, then renumber your migration to follow ${others.join(', ')} (or after merging: python manage.py makemigrations --merge ${conflict.app})`,
    });
  }
  return problems;
}

/** A migration file the parser cannot read without Python: its app's graph checks are skipped. */
export function unreadableMigrationProblem(file: string, reason: string): Problem {
  return {
    code: 'unreadable-migration',
    severity: 'warn',
    title: `Cannot read ${file} without Python (${reason}); its app's graph was not checked for conflicts`,
    files: [file],
    fix: 'Django still checks it when it runs (python manage.py makemigrations --check --dry-run); write dependencies and operations as plain literals to let migration-guard read them',
  };
}

/** 'app.name' ids of parsed migrations. */
export function migrationIds(migrations: readonly ParsedMigration[]): Set<string> {
  return new Set(migrations.map(migrationId));
}
