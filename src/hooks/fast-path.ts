// pre-commit's first step: decide, from the staged paths alone, whether there is anything to check.
// Runs on every commit, so it loads only node builtins and starts one git process (two when a
// migrations/ directory changed since it was last found free of untracked migrations).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitSyncOrNull, splitNul } from '../git/git-sync.js';
import { isMigrationModuleFileName } from '../django/migration-module-name.js';
import { mayAffectVerdict, readContextCache } from './context-cache.js';
import { knownFreeOfUntracked, rememberFreeOfUntracked } from './untracked-memo.js';

export interface FastPathDecision {
  skip: boolean;
}

/**
 * Skips when no staged file is Python inside a guarded app (or the settings) and no guarded app has
 * an untracked migration (one nobody else would get); otherwise the slow path decides.
 */
export function preCommitFastPath(cwd: string): FastPathDecision {
  const dotGit = path.join(cwd, '.git');
  // Git runs hooks at the top of the working tree; anything unusual (worktrees, -C) takes the slow path.
  if (!existsSync(dotGit) || !statSync(dotGit).isDirectory()) return { skip: false };
  const output = gitSyncOrNull(cwd, ['diff-index', '--cached', '--name-only', '--no-renames', '-z', 'HEAD']);
  if (output === null) return { skip: false }; // e.g. an unborn branch: no HEAD to compare with
  const staged = splitNul(output);
  // Which paths are guarded needs the configuration: the one remembered from the last full run.
  const context = readContextCache(dotGit, cwd);
  if (!context) return { skip: false };
  if (staged.some((file) => file.endsWith('.py') && mayAffectVerdict(file, context.project, cwd))) return { skip: false };
  // A deleted migration may belong to an app that is gone from the working tree: the slow path looks.
  if (staged.some((file) => /(^|\/)migrations\/[^/]+\.py$/.test(file) && !existsSync(path.join(cwd, file)))) return { skip: false };
  const migrationsDirs = context.project.apps.map((app) => app.migrationsDir);
  if (migrationsDirs.length === 0) return { skip: true };
  if (knownFreeOfUntracked(dotGit, cwd, migrationsDirs)) return { skip: true };
  const listed = gitSyncOrNull(cwd, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...migrationsDirs]);
  if (listed === null) return { skip: false };
  const untracked = splitNul(listed);
  const untrackedMigration = untracked.some((file) => migrationsDirs.includes(path.posix.dirname(file)) && isMigrationModuleFileName(path.posix.basename(file)));
  if (!untrackedMigration) rememberFreeOfUntracked(dotGit, cwd, migrationsDirs);
  return { skip: !untrackedMigration };
}
