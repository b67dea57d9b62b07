// `migration-guard hook <name> [git's arguments]`: what the .husky/<name> shims call.
import type { Command } from 'commander';
import { runHook } from '../../hooks/entry.js';
import { HOOK_NAMES, isHookName } from '../../hooks/hook-names.js';
import { UserError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';

export function register(program: Command): void {
  program
    .command('hook')
    .description('run one git hook (called by the .husky/ shims that migration-guard install writes)')
    .argument('<name>', HOOK_NAMES.join(', '))
    .argument('[git-args...]', 'the arguments git passed to the hook')
    .allowUnknownOption()
    .addHelpText(
      'after',
      '\nExit codes: pre-commit, pre-merge-commit, pre-push: 0 pass, 1 blocked, 2 cannot run (configuration).\n' +
        'post-merge, post-checkout, post-rewrite: always 0 (they never fail the git operation).\n' +
        'Skip all hooks once with git commit/push --no-verify, or for a shell with HUSKY=0.',
    )
    .action(async (name: string, gitArgs: string[], _options: unknown, command: Command) => {
      if (!isHookName(name)) {
        throw new UserError(`"${name}" is not a hook migration-guard runs.`, { fix: `Use one of: ${HOOK_NAMES.join(', ')}` });
      }
      const globals = command.optsWithGlobals<GlobalOptions>();
      const code = await runHook(name, gitArgs, { cwd: globals.cwd ?? process.cwd(), configPath: globals.config });
      process.exit(code);
    });
}
