// Questions asked on the terminal (never on piped stdin): yes/no, and "type the name to confirm".
import { confirm, input } from '@inquirer/prompts';
import { openTerminal } from './terminal.js';

/** Asks a yes/no question on /dev/tty; returns null when there is no terminal to ask on. */
export async function askYesNo(message: string, defaultAnswer = false): Promise<boolean | null> {
  const terminal = openTerminal();
  if (!terminal) return null;
  try {
    return await confirm({ message, default: defaultAnswer }, { input: terminal.input, output: terminal.output, clearPromptOnDone: false });
  } catch {
    // Ctrl-C or a closed terminal is a "no", never a crash.
    return false;
  } finally {
    terminal.close();
  }
}

/** Asks the user to type `expected` exactly (e.g. the database about to be replaced); null without a terminal. */
export async function askToTypeExactly(message: string, expected: string): Promise<boolean | null> {
  const terminal = openTerminal();
  if (!terminal) return null;
  try {
    const answer = await input({ message }, { input: terminal.input, output: terminal.output, clearPromptOnDone: false });
    return answer.trim() === expected;
  } catch {
    return false;
  } finally {
    terminal.close();
  }
}
