// Parses the migrations of some apps as they are in the index or in a commit, without a checkout. A file
// only Python can read is read by Django's loader for its app (when a reader is given).
import { MigrationParseError, parseMigrationSource } from '../django/migration-parser.js';
import type { ParsedMigration } from '../django/migration-types.js';
import { listIndexEntries, listTreeEntries, readBlobs, type TreeEntry } from '../git/tree-entries.js';
import type { Repository } from '../git/repository.js';
import { migrationOf, type AppPaths, type ProjectPaths } from '../checks/project-paths.js';
import { unreadableMigrationProblem } from '../checks/migration-graph-problems.js';
import type { Problem } from '../checks/problem.js';
import type { TreeSource } from './django-verdict.js';
import type { DjangoReadResult } from '../django/django-migration-reader.js';

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

/** Reads an app's migration files with Django (django-migration-reader's readMigrationsWithDjango, bound to a project). */
export type DjangoMigrationReader = (app: string, files: Array<{ name: string; path: string; source: string }>) => Promise<DjangoReadResult>;

/** Reads and parses migration entries (one `git cat-file --batch` for all). */
export async function parseMigrationEntries(repository: Repository, project: ProjectPaths, entries: readonly TreeEntry[], readWithDjango?: DjangoMigrationReader): Promise<TreeMigrations> {
  const contents = await readBlobs(repository, entries.map((entry) => entry.object));
  const result: TreeMigrations = { migrations: [], unreadable: [], unreadableApps: new Set() };
  const files = new Map<string, Array<{ name: string; path: string; source: string }>>();
  const needPython = new Map<string, MigrationParseError[]>();
  for (const entry of entries) {
    const migration = migrationOf(entry.path, project)!;
    const source = contents.get(entry.object);
    if (source === undefined) continue;
    files.set(migration.app, [...(files.get(migration.app) ?? []), { name: migration.name, path: entry.path, source }]);
    try {
      result.migrations.push(parseMigrationSource(migration.app, migration.name, entry.path, source));
    } catch (error) {
      if (!(error instanceof MigrationParseError)) throw error;
      if (error.needsPython && readWithDjango) {
        needPython.set(migration.app, [...(needPython.get(migration.app) ?? []), error]);
        continue;
      }
      result.unreadable.push(unreadableMigrationProblem(entry.path, `line ${error.line}: ${error.reason}`));
      result.unreadableApps.add(migration.app);
    }
  }
  // One Django run per app with files only Python can read; Django's reading of just those files.
  for (const [app, errors] of needPython) {
    const read = await readWithDjango!(app, files.get(app) ?? []);
    const wanted = new Set(errors.map((error) => error.file));
    if ('migrations' in read) {
      result.migrations.push(...read.migrations.filter((migration) => wanted.has(migration.file)));
      continue;
    }
    for (const error of errors) result.unreadable.push(unreadableMigrationProblem(error.file, `line ${error.line}: ${error.reason}; ${read.error}`));
    result.unreadableApps.add(app);
  }
  return result;
}

/** Both steps: the parsed migrations of `apps` in `source`. */
export async function loadTreeMigrations(repository: Repository, project: ProjectPaths, source: TreeSource, apps: readonly AppPaths[], readWithDjango?: DjangoMigrationReader): Promise<TreeMigrations> {
  return parseMigrationEntries(repository, project, await listMigrationEntries(repository, project, source, apps), readWithDjango);
}
