// Runs a commander program: user errors print what/where/fix without a stack; exit codes per exit-codes.ts.
import { CommanderError, type Command } from 'commander';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { errorStyle } from '../ui/style.js';
import { jsonError, wantsJson } from '../ui/json-error.js';

/** Parses argv and runs the command, exiting with the documented code. */
export async function runMain(program: Command, argv: string[] = process.argv): Promise<void> {
  process.on('SIGINT', () => {
    process.stderr.write('\nInterrupted.\n');
    process.exit(ExitCode.interrupted);
  });
  try {
    await program.parseAsync(argv);
    process.exitCode ??= ExitCode.ok;
  } catch (error) {
    process.exitCode = reportError(error, { json: wantsJson(argv) });
  }
}

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
