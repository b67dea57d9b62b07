// The restore was interrupted (Ctrl-C, SIGTERM): cleaned up, exits 130.
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';

export class InterruptedError extends UserError {
  constructor(message = 'Interrupted: the restore was stopped; your database and media are unchanged.') {
    super(message, { exitCode: ExitCode.interrupted });
    this.name = 'InterruptedError';
  }
}
