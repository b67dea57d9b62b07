// pre-commit's first step: decide, from the staged paths alone, whether there is anything to check.
// Runs on every commit, so it loads only node builtins and starts one git process.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitSync, splitNul } from '../git/run-git.js';
import { mayAffectVerdict, readContextCache } from './context-cache.js';

export interface FastPathDecision {
  skip: boolean;
}

/** Skips when no staged file is Python inside a guarded app (or the settings); otherwise the slow path decides. */
export function preCommitFastPath(cwd: string): FastPathDecision {
  const dotGit = path.join(cwd, '.git');
  // Git runs hooks at the top of the working tree; anything unusual (worktrees, -C) takes the slow path.
  if (!existsSync(dotGit) || !statSync(dotGit).isDirectory()) return { skip: false };
  let output: string;
  try {
    output = gitSync(cwd, ['diff-index', '--cached', '--name-only', '--no-renames', '-z', 'HEAD']);
  } catch {
    return { skip: false }; // unborn branch: no HEAD to compare with
  }
  const python = splitNul(output).filter((file) => file.endsWith('.py'));
  if (python.length === 0) return { skip: true }; // no Python file staged
  // Which paths are guarded needs the configuration: the one remembered from the last full run.
  const context = readContextCache(dotGit, cwd);
  if (!context) return { skip: false };
  if (python.some((file) => mayAffectVerdict(file, context.project, cwd))) return { skip: false };
  return { skip: true }; // no staged Python file is in a guarded app or the settings
}
