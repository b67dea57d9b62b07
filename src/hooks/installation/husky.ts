// Runs husky in the repository so git uses .husky/ (core.hooksPath = .husky/_).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';

/** husky's bin: the repository's own when installed there (what `npm install` runs), else ours. */
export function huskyBin(root: string): string {
  const local = path.join(root, 'node_modules', 'husky', 'bin.js');
  if (existsSync(local)) return local;
  return path.join(path.dirname(fileURLToPath(import.meta.resolve('husky'))), 'bin.js');
}

/**
 * Runs husky at the repository root for the hooks in `huskyDir` (relative to the root: `.husky`, or
 * `frontend/.husky` beside a package.json in frontend/); returns husky's one-line reason when it did
 * nothing ('' on success). `packageDir` is where husky is installed.
 */
export function runHusky(root: string, huskyDir = '.husky', packageDir = root): string {
  const result = spawnSync(process.execPath, [huskyBin(packageDir), ...(huskyDir === '.husky' ? [] : [huskyDir])], { cwd: root, encoding: 'utf8' });
  if (result.error) throw new UserError(`Could not run husky: ${result.error.message}`, { fix: 'npm install --save-dev husky' });
  const said = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0) throw new UserError(`husky failed: ${said || `exit ${result.status}`}`, { fix: `cd ${root} && npx husky` });
  return said;
}

/** core.hooksPath as git sees it in the repository, or null when unset. */
export function hooksPath(root: string): string | null {
  const result = spawnSync('git', ['config', '--get', 'core.hooksPath'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Unsets core.hooksPath (uninstall, when install set it). */
export function unsetHooksPath(root: string): void {
  spawnSync('git', ['config', '--unset', 'core.hooksPath'], { cwd: root });
}

/** Sets core.hooksPath back to a previous value. */
export function setHooksPath(root: string, value: string): void {
  spawnSync('git', ['config', 'core.hooksPath', value], { cwd: root });
}
