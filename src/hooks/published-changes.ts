// Edits and deletions of migrations others have (on a remote-tracking branch, or in a range's base),
// less the steps of Django's squash lifecycle, which pass with a note.
import type { Repository } from '../git/repository.js';
import { listTreeEntries } from '../git/tree-entries.js';
import type { PublishedChange } from '../checks/published-migrations.js';
import { publishedChangeProblems } from '../checks/published-migrations.js';
import { splitSquashLifecycle, squashLifecycleNotes } from '../checks/squash-lifecycle.js';
import { migrationPathOf, type ProjectPaths } from '../checks/project-paths.js';
import type { Problem } from '../checks/problem.js';
import type { ParsedMigration } from '../django/migration-types.js';
import type { TreeSource } from './django-verdict.js';
import { loadTreeMigrations, parseMigrationEntries } from './migrations-in-tree.js';

/** Problems for published changes: blocking ones, and a note per squash whose lifecycle they complete. */
export async function publishedChangeFindings(repository: Repository, project: ProjectPaths, changes: readonly PublishedChange[], current: TreeSource): Promise<Problem[]> {
  if (changes.length === 0) return [];
  const labels = new Set(changes.map((change) => change.app));
  const apps = project.apps.filter((app) => labels.has(app.label));
  const [now, publishedVersions] = await Promise.all([loadTreeMigrations(repository, project, current, apps), readPublishedVersions(repository, project, changes)]);
  const split = splitSquashLifecycle(changes, { current: now.migrations, publishedVersions });
  return [...publishedChangeProblems(split.blocked, 'others may have applied it'), ...squashLifecycleNotes(split.allowed, migrationPathOf(project))];
}

// The published version of each edited migration (as on the branch that has it), parsed.
async function readPublishedVersions(repository: Repository, project: ProjectPaths, changes: readonly PublishedChange[]): Promise<Map<string, ParsedMigration>> {
  const byRef = new Map<string, string[]>();
  for (const change of changes) {
    if (change.status !== 'M') continue;
    const ref = change.publishedOn.includes('/') && !change.publishedOn.startsWith('refs/') && !/^[0-9a-f]{40,64}$/.test(change.publishedOn) ? `refs/remotes/${change.publishedOn}` : change.publishedOn;
    byRef.set(ref, [...(byRef.get(ref) ?? []), change.path]);
  }
  const versions = new Map<string, ParsedMigration>();
  for (const [ref, paths] of byRef) {
    const entries = await listTreeEntries(repository, ref, paths);
    const parsed = await parseMigrationEntries(repository, project, entries);
    for (const migration of parsed.migrations) versions.set(migration.file, migration);
  }
  return versions;
}
