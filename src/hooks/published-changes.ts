// Edits and deletions of migrations others have (on a remote-tracking branch, or in a range's base).
import type { Repository } from '../git/repository.js';
import type { PublishedChange } from '../checks/published-migrations.js';
import { publishedChangeProblems } from '../checks/published-migrations.js';
import type { ProjectPaths } from '../checks/project-paths.js';
import type { Problem } from '../checks/problem.js';
import type { TreeSource } from './django-verdict.js';

/** Problems for published changes. */
export async function publishedChangeFindings(_repository: Repository, _project: ProjectPaths, changes: readonly PublishedChange[], _current: TreeSource): Promise<Problem[]> {
  return publishedChangeProblems(changes, 'others may have applied it');
}
