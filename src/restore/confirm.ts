// "Type the database name to continue": the restore replaces a database, so it asks for more than a y.
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';
import { openTerminal } from '../ui/terminal.js';

/** Fails early (before any work) when confirmation is needed and there is no terminal to ask on. */
export function requireConfirmationPossible(yes: boolean, action: string): void {
  if (yes) return;
  const terminal = openTerminal();
  if (terminal) {
    terminal.close();
    return;
  }
  throw new UserError(`Refusing to ${action} without confirmation: there is no terminal to ask on.`, {
    fix: 'Run it in a terminal, or add --yes in scripts (you will not be asked to type the database name).',
    exitCode: ExitCode.cannotRun,
  });
}

/** Shows what will be replaced and asks for the database name; throws when it is not typed exactly. */
export async function confirmByTypingName(summary: string[], databaseName: string, yes: boolean, stream: NodeJS.WritableStream = process.stderr): Promise<void> {
  if (yes) return;
  stream.write(`${summary.join('\n')}\n`);
  // Loaded only when asking: the prompt library costs startup time every scripted run would pay.
  const { askToTypeExactly } = await import('../ui/prompts.js');
  const typed = await askToTypeExactly(`Type the database name "${databaseName}" to continue:`, databaseName);
  if (typed === null) {
    throw new UserError('No terminal to confirm on.', { fix: 'Add --yes to run without confirmation.', exitCode: ExitCode.cannotRun });
  }
  if (!typed) throw new UserError(`That was not "${databaseName}"; nothing was changed.`, { fix: `Run the command again and type ${databaseName} exactly (or add --yes to skip the question).`, exitCode: ExitCode.cannotRun });
}
