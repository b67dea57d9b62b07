// Runs a commander program: user errors print what/where/fix without a stack; exit codes per exit-codes.ts.
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../ui/json-error.js';
import { reportError } from '../ui/report-error.js';

/** Parses argv and runs the command, exiting with the documented code. */
export async function runMain(program: Command, argv: string[] = process.argv): Promise<void> {
  // A reader that stopped early (`| head`): stop quietly, as other command-line tools do, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);
    });
  }
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
