// Server errors during a restore that the developer can fix, as messages: a missing privilege names the
// GRANT for the account as the server knows it (CURRENT_USER(), not a guessed 'user'@'%'); a server that
// cannot be reached names the host. Anything else stays what it is.
import { ExitCode } from '../exit-codes.js';
import { quoteIdentifier, type Connection } from '../db/connect.js';
import { databaseGrantPattern, quotedAccount } from '../db/privileges.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';

// Access denied: to a database, a table, a column, a routine, an operation needing a privilege.
const PRIVILEGE_ERRORS = new Set([1044, 1142, 1143, 1227, 1370]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN']);
const UNREACHABLE_ERRNOS = new Set([2002, 2003, 2005, 2006, 2013, 1053]);

/** The GRANT statements restore-from-prod needs for `account` (as CURRENT_USER() spells it: user@host). */
export function restoreGrants(target: string, account: string): string {
  const who = quotedAccount(account);
  return `GRANT ALL PRIVILEGES ON ${quoteIdentifier(databaseGrantPattern(target))}.* TO ${who}; GRANT ALL PRIVILEGES ON ${quoteIdentifier(databaseGrantPattern(target, { sideDatabases: true }))}.* TO ${who};`;
}

/** A UserError for a privilege or reachability problem, or null when `error` is something else. */
export async function explainServerError(error: unknown, connection: Connection | null, target: ConnectionSettings): Promise<UserError | null> {
  if (error instanceof UserError) return null;
  const err = error as { errno?: number; code?: string; message?: string };
  const where = target.socket ? `the socket ${target.socket}` : `${target.host}:${target.port}`;
  if ((err.code && UNREACHABLE_CODES.has(err.code)) || (err.errno && UNREACHABLE_ERRNOS.has(err.errno))) {
    return new UserError(`The database server at ${where} could not be reached during the restore (${err.message ?? err.code}). Your database and media are as they were.`, {
      fix: `Check that the server at ${where} is running and reachable from here, then run the restore again (restore-from-prod --cleanup settles anything left).`,
      exitCode: ExitCode.findings,
      cause: error,
    });
  }
  if (!err.errno || !PRIVILEGE_ERRORS.has(err.errno)) return null;
  let account = `${target.user}@%`;
  let known = false;
  if (connection) {
    try {
      const [[row]] = (await connection.query('SELECT CURRENT_USER() AS me')) as unknown as [[{ me: string }]];
      account = row.me;
      known = true;
    } catch {
      // the message below says the host part is a guess
    }
  }
  return new UserError(`Your database account ${account} lacks a privilege the restore needs: ${err.message}. Your database and media are as they were.`, {
    fix: `As an administrator, run: ${restoreGrants(target.database, account)}${known ? '' : ' (adjust the host part to your account)'} — restore-from-prod writes only "${target.database}" and "${target.database}__…" databases.`,
    exitCode: ExitCode.cannotRun,
    cause: error,
  });
}
