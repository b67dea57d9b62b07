// The code revision a backup belongs to, for its file name.
import { git } from '../git/run-git.js';

/** HEAD's short hash (12 characters) in `repoRoot`, or "nogit" outside a repository. */
export async function shortGitRevision(repoRoot: string): Promise<string> {
  try {
    return (await git(repoRoot, ['rev-parse', '--short=12', 'HEAD'])).trim() || 'nogit';
  } catch {
    return 'nogit';
  }
}
