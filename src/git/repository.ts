// Where a repository's parts are: its top-level directory, its git directory and the shared one.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { git } from './run-git.js';

export interface Repository {
  /** Top-level directory of the working tree. */
  root: string;
  /** The git directory of this working tree (differs from commonDir in a linked worktree). */
  gitDir: string;
  /** The git directory shared by all worktrees: objects, refs, our cache. */
  commonDir: string;
}

/** The repository containing `cwd`; throws GitError when it is not inside one. */
export async function openRepository(cwd: string): Promise<Repository> {
  const output = await git(cwd, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir']);
  const [root, gitDir, commonDir] = output.trim().split('\n');
  return { root: root!, gitDir: gitDir!, commonDir: path.resolve(cwd, commonDir!) };
}

/** Whether a rebase (interactive or am-based) is in progress in this working tree. */
export function isRebaseInProgress(repository: Repository): boolean {
  return existsSync(path.join(repository.gitDir, 'rebase-merge')) || existsSync(path.join(repository.gitDir, 'rebase-apply'));
}

/** The commit id `rev` names, or null when it names none. */
export async function resolveCommit(repository: Repository, rev: string): Promise<string | null> {
  const result = await git(repository.root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { okExitCodes: [1, 128] });
  return result.trim() || null;
}

/** The short name of the branch HEAD is on, or null when detached. */
export async function currentBranch(repository: Repository): Promise<string | null> {
  const result = await git(repository.root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [1, 128] });
  return result.trim() || null;
}

/** The id git uses for "no commit" in hook arguments (40 or 64 zeros). */
export function isNullCommit(id: string): boolean {
  return /^0+$/.test(id);
}
