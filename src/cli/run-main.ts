// Runs a commander program: user errors print what/where/fix without a stack; exit codes per exit-codes.ts.
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../ui/json-error.js';
import { reportError } from '../ui/report-error.js';

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
