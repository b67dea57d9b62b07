// Apps that are no longer guarded in the tree being checked but were in a parent commit or on a
// remote-tracking branch: deleting an app, or its whole migrations/ package, must not hide the
// deletion of migrations others have.
import { existingObjects } from '../git/tree-entries.js';
import type { Repository } from '../git/repository.js';
import type { FileChange } from '../git/file-changes.js';
import { appOfMigrationsDir, unguardedMigrationsDirOf, type ProjectPaths } from '../checks/project-paths.js';

/**
 * The project's paths with the apps whose migrations `changes` delete and that the revisions `revs`
 * lists (parents, remote-tracking tips; asked only when needed) have as packages (`migrations/__init__.py`).
 */
export async function withFormerApps(repository: Repository, project: ProjectPaths, changes: readonly FileChange[], revs: () => Promise<string[]>): Promise<ProjectPaths> {
  const dirs = [...new Set(changes.filter((change) => change.status === 'D').map((change) => unguardedMigrationsDirOf(change.path, project)).filter((dir): dir is string => dir !== null))];
  if (dirs.length === 0) return project;
  const refs = await revs();
  const names = refs.flatMap((rev) => dirs.map((dir) => `${rev}:${dir}/__init__.py`));
  const found = await existingObjects(repository, names);
  const former = dirs.filter((dir) => refs.some((rev) => found.has(`${rev}:${dir}/__init__.py`))).map(appOfMigrationsDir);
  return former.length ? { ...project, apps: [...project.apps, ...former] } : project;
}
