// How a failure reaches the user: a UserError as what/where/fix without a stack, anything else as an
// internal error; with --json also the one JSON error document on stdout. Returns the exit code.
import { CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { errorStyle } from './style.js';
import { jsonError } from './json-error.js';

/**
 * Prints an error the way users should see it (stderr) and returns the exit code; with `json`, also the
 * one JSON error document on stdout, so a `--json` caller always gets JSON.
 */
export function reportError(error: unknown, options: { json?: boolean } = {}): number {
  const exitCode = printError(error);
  if (options.json && exitCode !== ExitCode.ok) {
    const fix = error instanceof UserError ? error.fix : error instanceof CommanderError ? 'Run the command with --help for its usage.' : undefined;
    const message = error instanceof Error ? error.message.replace(/^error: /, '') : String(error);
    process.stdout.write(`${JSON.stringify(jsonError(message, fix, exitCode), null, 2)}\n`);
  }
  return exitCode;
}

function printError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed usage errors; help and version are successes.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.cannotRun;
  }
  if (error instanceof UserError) {
    process.stderr.write(`${errorStyle.red('error:')} ${error.message}\n`);
    if (error.fix) process.stderr.write(`  ${errorStyle.bold('fix:')} ${error.fix}\n`);
    if (process.env.MIGRATION_GUARD_DEBUG && error.cause) process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const err = error as Error;
  process.stderr.write(`${errorStyle.red('internal error:')} ${err?.message ?? String(error)}\n`);
  if (process.env.MIGRATION_GUARD_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('This is a bug in migration-guard. Rerun with MIGRATION_GUARD_DEBUG=1 for details and report it.\n');
  return ExitCode.cannotRun;
}
