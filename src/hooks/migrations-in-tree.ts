// Parses the migrations of some apps as they are in the index or in a commit, without a checkout.
import { MigrationParseError, parseMigrationSource } from '../django/migration-parser.js';
import type { ParsedMigration } from '../django/migration-types.js';
import { listIndexEntries, listTreeEntries, readBlobs, type TreeEntry } from '../git/tree-entries.js';
import type { Repository } from '../git/repository.js';
import { migrationOf, type AppPaths, type ProjectPaths } from '../checks/project-paths.js';
import { unreadableMigrationProblem } from '../checks/migration-graph-problems.js';
import type { Problem } from '../checks/problem.js';
import type { TreeSource } from './django-verdict.js';

export interface TreeMigrations {
  migrations: ParsedMigration[];
  /** Files the parser cannot read (warnings), and the apps they make uncertain. */
  unreadable: Problem[];
  unreadableApps: Set<string>;
}

/** Migration entries (path → blob) of the given apps in a tree or the index. */
export async function listMigrationEntries(repository: Repository, project: ProjectPaths, source: TreeSource, apps: readonly AppPaths[]): Promise<TreeEntry[]> {
  if (apps.length === 0) return [];
  const pathspecs = apps.map((app) => app.migrationsDir);
  const entries = source.kind === 'index' ? await listIndexEntries(repository, pathspecs) : await listTreeEntries(repository, source.rev, pathspecs);
  const wanted = new Set(apps.map((app) => app.label));
  return entries.filter((entry) => {
    const migration = migrationOf(entry.path, project);
    return migration !== null && wanted.has(migration.app);
  });
}

/** Reads and parses migration entries (one `git cat-file --batch` for all). */
export async function parseMigrationEntries(repository: Repository, project: ProjectPaths, entries: readonly TreeEntry[]): Promise<TreeMigrations> {
  const contents = await readBlobs(repository, entries.map((entry) => entry.object));
  const result: TreeMigrations = { migrations: [], unreadable: [], unreadableApps: new Set() };
  for (const entry of entries) {
    const migration = migrationOf(entry.path, project)!;
    const source = contents.get(entry.object);
    if (source === undefined) continue;
    try {
      result.migrations.push(parseMigrationSource(migration.app, migration.name, entry.path, source));
    } catch (error) {
      if (!(error instanceof MigrationParseError)) throw error;
      result.unreadable.push(unreadableMigrationProblem(entry.path, `line ${error.line}: ${error.reason}`));
      result.unreadableApps.add(migration.app);
    }
  }
  return result;
}

/** Both steps: the parsed migrations of `apps` in `source`. */
export async function loadTreeMigrations(repository: Repository, project: ProjectPaths, source: TreeSource, apps: readonly AppPaths[]): Promise<TreeMigrations> {
  return parseMigrationEntries(repository, project, await listMigrationEntries(repository, project, source, apps));
}
