// The checkout must be exactly a commit, without migrations made on the server, and on a branch it can pull.
import path from 'node:path';
import type { ResolvedConfig } from '../../config/load-config.js';
import { LOCAL_STATE_DIR } from '../../config/local-state.js';
import { inspectWorkingTree } from '../git/working-tree.js';
import { resolvePullSource, type PullSource } from '../git/pull.js';
import type { PreflightCheck } from './preflight-check.js';

const LISTED = 10;

/** Untracked migration files (someone ran makemigrations here) and any other local change. */
export async function checkWorkingTree(config: ResolvedConfig, backupDir: string): Promise<PreflightCheck[]> {
  let state;
  try {
    state = await inspectWorkingTree(config.repoRoot, config.apps.map((app) => app.migrationsDir), [backupDir, path.join(config.repoRoot, LOCAL_STATE_DIR)]);
  } catch (error) {
    return [{ name: 'working tree', ok: false, summary: `${config.repoRoot} is not a usable git checkout: ${(error as Error).message}`, fix: 'Deploy from a git clone of the project (git clone …).' }];
  }
  const checks: PreflightCheck[] = [];
  if (state.untrackedMigrations.length) {
    checks.push({
      name: 'untracked migrations',
      ok: false,
      summary: `${list(state.untrackedMigrations)} ${state.untrackedMigrations.length === 1 ? 'is a migration' : 'are migrations'} git does not track: someone ran makemigrations on this server. Migrations are made in development and committed; applying one made here would give this database a schema no other checkout has`,
      fix: `Find out who made ${state.untrackedMigrations.length === 1 ? 'it' : 'them'} and why; commit the model change with its migration in development, then remove ${state.untrackedMigrations.length === 1 ? 'the file' : 'the files'} here (rm ${state.untrackedMigrations.map((file) => path.join(state.topLevel, file)).join(' ')}).`,
    });
  } else {
    checks.push({ name: 'untracked migrations', ok: true, summary: 'none' });
  }
  if (state.changes.length) {
    checks.push({
      name: 'working tree',
      ok: false,
      summary: `not clean (${list(state.changes)}); a server deploys commits, not local edits`,
      fix: `Look at them with: git -C ${state.topLevel} status. Commit them in development, or discard them here (git checkout -- FILE / rm FILE), or ignore generated files in .gitignore.`,
    });
  } else {
    checks.push({ name: 'working tree', ok: true, summary: 'clean' });
  }
  return checks;
}

/** Where the deploy fetches from (and fast-forwards to); fails on a detached HEAD. */
export async function checkPullSource(config: ResolvedConfig): Promise<{ check: PreflightCheck; source: PullSource | null }> {
  const deploy = config.raw.deploy;
  let source: PullSource | null;
  try {
    source = await resolvePullSource(config.repoRoot, { remote: deploy.remote, branch: deploy.branch });
  } catch (error) {
    return { check: { name: 'pull', ok: false, summary: (error as Error).message, fix: 'Deploy from a git clone of the project.' }, source: null };
  }
  if (!source) {
    return { check: { name: 'pull', ok: false, summary: 'HEAD is detached: there is no branch to pull', fix: 'git checkout <branch> on the server, or deploy what is checked out with --no-pull.' }, source: null };
  }
  return { check: { name: 'pull', ok: true, summary: `git fetch ${source.remote} ${source.branch}, then fast-forward ${source.localBranch} to the fetched commit` }, source };
}

function list(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
