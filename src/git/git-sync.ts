// Git's environment for our children, and the synchronous git call of the hooks' fast path. Node builtins
// only and no error classes: the fast path runs on every commit and each module it loads costs time.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Git runs hooks with GIT_INDEX_FILE (and sometimes GIT_DIR) set, possibly relative to the
// repository root. They must be kept: `git commit <paths>` and `commit -a` stage into a temporary
// index that only GIT_INDEX_FILE names. Made absolute once, at start-up, while the working directory
// is still the one git chose, so calls with another cwd keep pointing at the same files.
const GIT_PATH_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY'];
const startDir = process.cwd();
const inheritedEnv: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
for (const name of GIT_PATH_VARIABLES) {
  const value = inheritedEnv[name];
  if (value) inheritedEnv[name] = path.resolve(startDir, value);
}

/** The environment git children get: ours with git's path variables made absolute, plus `extra`. */
export function childEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return extra ? { ...inheritedEnv, ...extra } : inheritedEnv;
}

/**
 * Runs `git <args>` synchronously for the hook fast path and returns its stdout, or null when git
 * cannot start or fails (the fast path then leaves the decision to the full checks).
 */
export function gitSyncOrNull(cwd: string, args: string[]): string | null {
  const result = spawnSync('git', args, { cwd, env: childEnv(undefined), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return result.error || result.status !== 0 ? null : result.stdout;
}

/** Splits NUL-terminated output (`-z`) into fields, dropping the trailing empty one. */
export function splitNul(output: string): string[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  return fields;
}
