// A command stopped by Ctrl-C, SIGTERM or SIGHUP: it ends with exit 130, its message saying what was left as it was.
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';

export class InterruptedError extends UserError {
  /** The signal that stopped the command, when known. */
  readonly signal: NodeJS.Signals | null;

  constructor(message: string, options: { signal?: NodeJS.Signals | null } = {}) {
    super(message, { exitCode: ExitCode.interrupted });
    this.name = 'InterruptedError';
    this.signal = options.signal ?? null;
  }
}
