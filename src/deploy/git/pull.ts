// The deploy's git side: where to pull from, and moving back if the deploy fails (the pull itself is a fetch,
// then a fast-forward to the assessed commit: fetch-incoming.ts).
import { git, runGit, GitError } from '../../git/run-git.js';

export interface PullSource {
  remote: string;
  branch: string;
  /** The local branch HEAD is on. */
  localBranch: string;
}

/** The full commit HEAD points at. */
export async function headCommit(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', 'HEAD'])).trim();
}

/** Remote and branch to pull: configured, else the branch's upstream, else origin/<branch>. Null when HEAD is detached. */
export async function resolvePullSource(cwd: string, configured: { remote?: string; branch?: string }): Promise<PullSource | null> {
  const localBranch = (await git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [1, 128] })).trim();
  if (!localBranch) return null;
  const upstreamRemote = (await git(cwd, ['config', '--get', `branch.${localBranch}.remote`], { okExitCodes: [1] })).trim();
  const upstreamMerge = (await git(cwd, ['config', '--get', `branch.${localBranch}.merge`], { okExitCodes: [1] })).trim().replace(/^refs\/heads\//, '');
  return {
    localBranch,
    remote: configured.remote ?? (upstreamRemote || 'origin'),
    branch: configured.branch ?? (upstreamMerge || localBranch),
  };
}

export interface PullResult {
  before: string;
  after: string;
  commits: number;
  output: string;
}

/** How many commits `after` has that `before` lacks (0 when they are the same). */
export async function commitsBetween(cwd: string, before: string, after: string): Promise<number> {
  return before === after ? 0 : Number((await git(cwd, ['rev-list', '--count', `${before}..${after}`])).trim());
}

/** Moves the checkout back to `commit` after a failed deploy (the tree was clean, so nothing local is lost). */
export async function moveCheckoutBack(cwd: string, commit: string): Promise<void> {
  await runGit(cwd, ['reset', '--keep', '--quiet', commit]);
}

export { GitError };
