// Edits and deletions of migrations others may already have applied (pure logic).
import type { FileChange } from '../git/file-changes.js';
import type { Problem } from './problem.js';
import { migrationOf, type ProjectPaths } from './project-paths.js';
import { shellQuote } from './shell-quote.js';

export interface PublishedChange {
  path: string;
  app: string;
  status: 'M' | 'D' | 'T';
  /** Where it is published, e.g. "origin/main". */
  publishedOn: string;
}

/** Changes that modify or delete a migration present in `published` (path → where it is published). */
export function findPublishedMigrationChanges(changes: readonly FileChange[], published: ReadonlyMap<string, string>, project: ProjectPaths): PublishedChange[] {
  const result: PublishedChange[] = [];
  for (const change of changes) {
    if (change.status === 'A') continue;
    const publishedOn = published.get(change.path);
    const migration = migrationOf(change.path, project);
    if (publishedOn && migration) result.push({ path: change.path, app: migration.app, status: change.status, publishedOn });
  }
  return result;
}

/** The migration paths among changes that modify or delete something (candidates to look up on remotes). */
export function modifiedOrDeletedMigrations(changes: readonly FileChange[], project: ProjectPaths): string[] {
  return changes.filter((change) => change.status !== 'A' && migrationOf(change.path, project)).map((change) => change.path);
}

/** One blocking problem per published migration that is edited or deleted. */
export function publishedChangeProblems(changes: readonly PublishedChange[], where: string): Problem[] {
  return changes.map((change) => {
    const deleted = change.status === 'D';
    return {
      code: 'published-migration-changed',
      severity: 'block',
      title: `${deleted ? 'Deletes' : 'Edits'} a migration that is already on ${change.publishedOn} (${where})`,
      files: [change.path],
      why: 'Databases that already applied it will never run it again: their schema and this file would disagree for good.',
      fix: `git restore --source=${change.publishedOn} --staged --worktree -- ${shellQuote(change.path)}   then ${deleted ? 'undo its effect' : 'make the change'} in a new migration: python manage.py makemigrations${change.app ? ` ${change.app}` : ''}${deleted ? `   (to shorten the history instead: python manage.py squashmigrations ${change.app} <last migration>, commit and push the squash, and delete the replaced migrations once every database has migrated past it)` : ''}`,
    };
  });
}
