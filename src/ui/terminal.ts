// Access to the user's terminal. Git hooks have no stdin, so prompts read /dev/tty directly.
import { closeSync, openSync } from 'node:fs';
import tty from 'node:tty';

export interface Terminal {
  input: tty.ReadStream;
  output: tty.WriteStream;
  close(): void;
}

/** Opens /dev/tty for a prompt, or returns null when there is no terminal (CI, GUI git clients). */
export function openTerminal(env: NodeJS.ProcessEnv = process.env): Terminal | null {
  // The terminal itself is the criterion: CI jobs and GUI git clients have no /dev/tty to open.
  if (env.MIGRATION_GUARD_NO_TTY) return null;
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync('/dev/tty', 'r');
  } catch {
    return null;
  }
  try {
    writeFd = openSync('/dev/tty', 'w');
  } catch {
    closeSync(readFd);
    return null;
  }
  if (!tty.isatty(readFd)) {
    closeSync(readFd);
    closeSync(writeFd);
    return null;
  }
  const input = new tty.ReadStream(readFd);
  const output = new tty.WriteStream(writeFd);
  return {
    input,
    output,
    close() {
      input.destroy();
      output.destroy();
    },
  };
}
