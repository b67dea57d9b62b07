// `migration-guard doctor`: what a checkout (e.g. a new clone) still lacks, each failure with its fix.
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { ExitCode } from '../../exit-codes.js';
import { runDoctorChecks, type CheckState } from '../../doctor/checks.js';
import { style } from '../../ui/style.js';

const MARKS: Record<CheckState, string> = {
  ok: style.green('✓'),
  warn: style.yellow('!'),
  fail: style.red('✗'),
  skipped: style.dim('-'),
};

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check that hooks, Python, Django, settings and the database are ready, and where migrations stand')
    .option('--json', 'print a JSON array of checks for machines')
    .addHelpText('after', '\nExit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 cannot run (configuration).')
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = await commandContext(command);
      const outcomes = await runDoctorChecks(context.config, context.env, context.alias);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
      } else {
        for (const outcome of outcomes) {
          process.stdout.write(`${MARKS[outcome.state]} ${outcome.name}: ${outcome.detail}\n`);
          if (outcome.fix && outcome.state !== 'ok') process.stdout.write(`    ${style.bold('fix:')} ${outcome.fix}\n`);
        }
      }
      process.exitCode = outcomes.some((outcome) => outcome.state === 'fail') ? ExitCode.findings : ExitCode.ok;
    });
}
