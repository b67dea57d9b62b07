// The deploy's pull in two halves: fetch what the remote branch holds (the checkout does not move, the running
// application keeps the code it has), and later, once that commit has been assessed and the application is
// stopped, fast-forward the checkout to exactly that commit (never to whatever the remote holds by then).
import { git, runGit } from '../../git/run-git.js';
import { commitsBetween, headCommit, type PullResult, type PullSource } from './pull.js';

export interface IncomingCode {
  /** HEAD when fetched. */
  before: string;
  /** The commit the remote branch points at. */
  incoming: string;
  /** Commits HEAD lacks (0: up to date). */
  commits: number;
  /** Whether HEAD is an ancestor of `incoming` (what `git pull --ff-only` needs). */
  fastForward: boolean;
}

/** `git fetch <remote> <branch>`: the remote branch's commit, and how it relates to HEAD. Only .git changes. */
export async function fetchIncoming(cwd: string, source: PullSource): Promise<IncomingCode> {
  const before = await headCommit(cwd);
  await runGit(cwd, ['fetch', '--quiet', '--no-tags', source.remote, source.branch]);
  const incoming = (await git(cwd, ['rev-parse', '--verify', 'FETCH_HEAD^{commit}'])).trim();
  const fastForward = before === incoming || (await runGit(cwd, ['merge-base', '--is-ancestor', before, incoming], { okExitCodes: [1] })).exitCode === 0;
  const commits = await commitsBetween(cwd, before, incoming);
  return { before, incoming, commits, fastForward };
}

/** Moves the checkout forward to `incoming` (fetched before); refuses, changing nothing, unless it is a fast-forward. */
export async function fastForwardTo(cwd: string, incoming: string): Promise<PullResult> {
  const before = await headCommit(cwd);
  const result = await runGit(cwd, ['merge', '--ff-only', '--quiet', incoming]);
  const after = await headCommit(cwd);
  const commits = await commitsBetween(cwd, before, after);
  return { before, after, commits, output: `${result.stdout}${result.stderr}`.trim() };
}
