// post-merge, post-checkout, post-rewrite: after the code changed under the database, say which
// migrations arrived, vanished or changed, where the database stands, and offer to migrate.
// Never fails the git operation: every path returns 0.
import { git } from '../git/run-git.js';
import { listChangesBetween } from '../git/file-changes.js';
import { currentBranch, isNullCommit, isRebaseInProgress, openRepository, resolveCommit, type Repository } from '../git/repository.js';
import { stagedTreeId } from '../git/tree-snapshot.js';
import type { HookName } from './hook-names.js';
import type { UpdateSpan } from './after-update.js';

/** Runs one post-* hook; returns 0 whatever happens. */
export async function runPostHook(name: HookName, options: { cwd: string; configPath?: string }, args: string[]): Promise<number> {
  const repository = await openRepository(options.cwd);
  const span = await updateSpan(name, repository, args);
  if (!span) return 0;
  // Cheap look before loading the configuration: did any migrations/ module change at all?
  const changes = await listChangesBetween(repository, span.from, span.to);
  if (!changes.some((change) => /(^|\/)migrations\/[^/]+\.py$/.test(change.path))) return 0;
  const { reportAfterUpdate } = await import('./after-update.js');
  await reportAfterUpdate(options, repository, span, changes);
  return 0;
}

async function updateSpan(name: HookName, repository: Repository, args: string[]): Promise<UpdateSpan | null> {
  switch (name) {
    case 'post-checkout': {
      const [previous = '', next = '', flag = ''] = args;
      // Only branch switches that move HEAD; a rebase checks out commits as it goes (post-rewrite reports at the end).
      if (flag !== '1' || previous === next || isNullCommit(previous) || isRebaseInProgress(repository)) return null;
      const branch = await currentBranch(repository);
      return { from: previous, to: next, event: `switching to ${branch ?? next.slice(0, 10)}`, previousRef: await refName(repository, previous), currentBranch: branch };
    }
    case 'post-merge': {
      const squash = args[0] === '1';
      const before = await resolveCommit(repository, 'ORIG_HEAD');
      const head = await resolveCommit(repository, 'HEAD');
      if (!head) return null;
      // A squash merge leaves HEAD alone and stages the result.
      if (squash) return { from: head, to: await stagedTreeId(repository), event: 'the squash merge' };
      if (!before || before === head) return null;
      return { from: before, to: head, event: 'the merge', previousRef: before.slice(0, 10) };
    }
    case 'post-rewrite': {
      if (args[0] !== 'rebase') return null; // amend: the same branch, nothing arrived
      const before = await resolveCommit(repository, 'ORIG_HEAD');
      const head = await resolveCommit(repository, 'HEAD');
      if (!before || !head || before === head) return null;
      return { from: before, to: head, event: 'the rebase', previousRef: before.slice(0, 10) };
    }
    default:
      return null;
  }
}

// A branch name pointing at the commit, else its short id.
async function refName(repository: Repository, commit: string): Promise<string> {
  const names = (await git(repository.root, ['for-each-ref', '--points-at', commit, '--format=%(refname:short)', 'refs/heads/'])).split('\n').filter(Boolean);
  return names[0] ?? commit.slice(0, 10);
}

