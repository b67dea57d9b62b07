// `migration-guard hook <name>`: where git hooks enter. Decides what needs no work before loading
// anything heavy (commander, zod, execa, mysql2 are imported only past the fast path).
import { isHookName, type HookName } from './hook-names.js';
// Static, not import(): one module graph loads faster than a second one fetched on demand, and the fast
// path is builtins-only, so the other commands pay next to nothing for it.
import { preCommitFastPath } from './fast-path.js';

/**
 * Runs `hook <name> [git's arguments]` when argv is exactly that (no global options, no --help);
 * returns false to let the full command-line program handle argv.
 */
export async function runHookFromArgv(argv: string[]): Promise<false> {
  const [command, name, ...args] = argv;
  if (command !== 'hook' || !isHookName(name) || args.some((arg) => arg.startsWith('-'))) return false;
  const code = await runHook(name, args, { cwd: process.cwd() });
  // Exit now: a database connection still closing must not hold up git (writes to pipes and
  // terminals are synchronous on Linux and macOS, so nothing printed is lost).
  process.exit(code);
}

export interface RunHookOptions {
  cwd: string;
  configPath?: string;
}

/** Runs one hook and returns its exit code; post-* hooks always return 0 (they never fail git). */
export async function runHook(name: HookName, args: string[], options: RunHookOptions): Promise<number> {
  if (name === 'pre-commit' || name === 'pre-merge-commit') {
    if (!options.configPath && preCommitFastPath(options.cwd).skip) return 0;
    const { runPreCommit } = await import('./pre-commit.js');
    return guarded(name, () => runPreCommit(options, name), 'blocking');
  }
  if (name === 'pre-push') {
    const { runPrePush } = await import('./pre-push.js');
    return guarded(name, () => runPrePush(options, args), 'blocking');
  }
  const { runPostHook } = await import('./post-hooks.js');
  return guarded(name, () => runPostHook(name, options, args), 'never-fail');
}

// A hook that cannot run says why in one line. pre-commit/pre-push stop (the guard is misconfigured,
// which the user must see); post-* hooks never fail the git operation.
async function guarded(name: HookName, work: () => Promise<number>, mode: 'blocking' | 'never-fail'): Promise<number> {
  try {
    return await work();
  } catch (error) {
    const { reportError } = await import('../ui/report-error.js');
    process.stderr.write(`migration-guard ${name}: `);
    const code = reportError(error);
    if (mode === 'never-fail') return 0;
    process.stderr.write(`(bypass once with --no-verify)\n`);
    return code === 0 ? 2 : code;
  }
}
