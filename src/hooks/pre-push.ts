// pre-push: check every ref being pushed; list every problem at once.
import { parsePrePushInput, readStdin, type PushedRef } from '../git/pre-push-input.js';
import { remoteDefaultBranch } from '../git/remote-refs.js';
import { resolveCommit } from '../git/repository.js';
import { blocking, type Problem } from '../checks/problem.js';
import { errorStyle } from '../ui/style.js';
import { loadHookContext, type HookContext } from './hook-context.js';
import { analyzeRange } from './range-analysis.js';
import { printProblems } from './report.js';
import type { VerdictResult } from './django-verdict.js';
import { describeVerdictSource, verdictSummary } from './verdict-summary.js';

/** Runs the push checks; 0 lets the push through, 1 stops it. `args` are git's: remote name and URL. */
export async function runPrePush(options: { cwd: string; configPath?: string }, args: string[], input?: string): Promise<number> {
  const refs = parsePrePushInput(input ?? (await readStdin()));
  const pushed = refs.filter((ref) => !ref.deletion && !ref.tag);
  if (pushed.length === 0) return 0; // deleting branches, pushing tags: nothing to check
  const context = await loadHookContext(options.cwd, options.configPath);
  const remote = args[0] ?? 'origin';
  // A URL instead of a remote name: no remote-tracking branches to compare with but the defaults.
  const remoteName = /[/:]/.test(remote) ? 'origin' : remote;
  const target = await remoteDefaultBranch(context.repository, remoteName);
  const problems: Problem[] = [];
  let checked = 0;
  const verdicts: VerdictResult[] = [];
  for (const ref of pushed) {
    const analysis = await analyzeRange(context, {
      tip: ref.localCommit,
      exclude: await excludeArgs(context, ref, remoteName),
      shipped: { kind: 'remote', remote: remoteName },
      mergeTarget: target,
      label: `${shortRef(ref.localRef)} → ${remoteName}/${shortRef(ref.remoteRef)}`,
    });
    if (!analysis.nothingToCheck) checked++;
    if (analysis.verdict) verdicts.push(analysis.verdict);
    for (const problem of analysis.problems) if (!problems.some((known) => sameProblem(known, problem))) problems.push(problem);
  }
  printProblems(problems, { action: 'push', bypass: 'git push --no-verify' });
  if (blocking(problems).length) return 1;
  if (checked > 0 && blocking(problems).length === 0) process.stderr.write(`${errorStyle.dim(`migration-guard: ${pushSummary(verdicts)}.`)}\n`);
  return 0;
}

async function excludeArgs(context: HookContext, ref: PushedRef, remote: string): Promise<string[]> {
  const exclude = ['--not', `--remotes=${remote}`];
  // The remote's current commit, when we have it, is shared even if no tracking branch points at it.
  if (!ref.creation && (await resolveCommit(context.repository, ref.remoteCommit))) exclude.push(ref.remoteCommit);
  return exclude;
}

// "agree" only when Django said so for every pushed tip it was asked about.
function pushSummary(verdicts: readonly VerdictResult[]): string {
  const checked = 'edits to shipped migrations, conflicting leaves, duplicate numbers and conflicts with the target branch';
  const notAgreeing = verdicts.find((result) => result.verdict.kind !== 'in-sync');
  if (verdicts.length === 0) return `pushed commits checked (${checked}); Django was not needed`;
  if (notAgreeing) return verdictSummary(notAgreeing, checked);
  return `pushed migrations and models agree (${verdicts.map(describeVerdictSource).join('; ')})`;
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

function sameProblem(a: Problem, b: Problem): boolean {
  return a.code === b.code && a.files.join('\0') === b.files.join('\0') && (a.files.length > 0 || a.title === b.title);
}
