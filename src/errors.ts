// Errors the user can act on. Anything else reaching the top level is a bug in migration-guard.

import { ExitCode } from './exit-codes.js';

export interface UserErrorOptions {
  /** The command or step that fixes it, printed after the message. */
  fix?: string;
  exitCode?: number;
  cause?: unknown;
}

/** A problem caused by input, configuration or environment: printed without a stack trace. */
export class UserError extends Error {
  readonly fix?: string;
  readonly exitCode: number;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? ExitCode.cannotRun;
  }
}

/** Configuration value missing or wrong: names the key, the file and a right example. */
export class ConfigError extends UserError {
  constructor(key: string, file: string, problem: string, example: string) {
    super(`Configuration error in ${file}: "${key}" ${problem}.`, {
      fix: `Set it like this: ${example}`,
      exitCode: ExitCode.cannotRun,
    });
    this.name = 'ConfigError';
  }
}

/** Database could not be reached: names host, port, user and database, never the password. */
export class DatabaseUnreachableError extends UserError {
  constructor(message: string, fix: string, cause?: unknown) {
    super(message, { fix, exitCode: ExitCode.cannotRun, cause });
    this.name = 'DatabaseUnreachableError';
  }
}
