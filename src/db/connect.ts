// Opens mysql2 connections and turns connection failures into messages a user can act on.
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { DatabaseUnreachableError, UserError } from '../errors.js';
import { describeConnection, describeServer, type ConnectionSettings } from './connection-settings.js';

export type Connection = mysql.Connection;

/** Connects to the configured database (or, with `database: null`, to the server only). */
export async function connect(settings: ConnectionSettings, options: { database?: string | null; multipleStatements?: boolean } = {}): Promise<Connection> {
  const database = options.database === undefined ? settings.database : options.database ?? undefined;
  try {
    return await mysql.createConnection({
      host: settings.socket ? undefined : settings.host,
      port: settings.socket ? undefined : settings.port,
      socketPath: settings.socket,
      user: settings.user,
      password: settings.password,
      database,
      charset: 'utf8mb4',
      multipleStatements: options.multipleStatements ?? false,
      connectTimeout: 10_000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      ssl: settings.ssl ? tlsOptions(settings.ssl) : undefined,
    });
  } catch (error) {
    // Without a database selected (a restore target that may not exist yet), still name the one meant.
    throw explainConnectionError(error, { ...settings, database: database ?? (settings.database || '(none)') });
  }
}

/** TLS options for mysql2 from the file paths the settings or option file name. */
function tlsOptions(ssl: NonNullable<ConnectionSettings['ssl']>): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UserError(`Cannot read the TLS ${what} file ${file} named for the database connection: ${(error as Error).message}`, { fix: `Fix the path in OPTIONS['ssl'] (or ssl-${what} in the option file).` });
    }
  };
  return { ca: read(ssl.ca, 'ca'), cert: read(ssl.cert, 'cert'), key: read(ssl.key, 'key') };
}

/** Maps a mysql2 connection error to a DatabaseUnreachableError (never including the password). */
export function explainConnectionError(error: unknown, settings: ConnectionSettings): DatabaseUnreachableError {
  const code = (error as { code?: string }).code ?? '';
  const where = describeConnection(settings);
  const serverWhere = describeServer(settings);
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new DatabaseUnreachableError(`Cannot connect to ${where}: access denied (wrong user or password).`, 'Check the password variable your settings read (never pass it on the command line), then run: migration-guard doctor', error);
    case 'ER_DBACCESS_DENIED_ERROR':
      return new DatabaseUnreachableError(`Cannot connect to ${where}: the user has no privileges on that database.`, `GRANT ALL ON \`${settings.database}\`.* TO '${settings.user}'@'...';`, error);
    case 'ER_BAD_DB_ERROR':
      return new DatabaseUnreachableError(`Cannot connect to ${where}: the database does not exist.`, `CREATE DATABASE \`${settings.database}\` CHARACTER SET utf8mb4;  then: python manage.py migrate`, error);
    case 'ECONNREFUSED':
    case 'ENOENT':
      return new DatabaseUnreachableError(
        `Cannot connect to ${where}: nothing is listening on ${serverWhere}${settings.socket && settings.origins?.socket ? ` (the socket comes from ${settings.origins.socket})` : ''}.`,
        settings.socket
          ? "Start the MySQL/MariaDB server, or say where its socket is: OPTIONS['unix_socket'] in DATABASES (or MYSQL_UNIX_PORT), or a HOST such as 127.0.0.1 for TCP."
          : 'Start the MySQL/MariaDB server, or fix HOST/PORT in DATABASES (or the variables your settings read).',
        error,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DatabaseUnreachableError(`Cannot connect to ${where}: host "${settings.host}" is not known.`, 'Fix the host variable your settings read.', error);
    case 'ETIMEDOUT':
      return new DatabaseUnreachableError(`Cannot connect to ${where}: timed out.`, 'Check that the server is up and reachable from here (firewall, VPN).', error);
    default:
      return new DatabaseUnreachableError(`Cannot connect to ${where}: ${(error as Error).message ?? String(error)}`, 'Run: migration-guard doctor', error);
  }
}

// The codes of explainConnectionError's cases in which no server answered (as opposed to one that answered and refused).
const NO_SERVER_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

/** Whether connect()'s error (a DatabaseUnreachableError) means that no server answered: nothing listening, an unknown host, a timeout. */
export function isNoServerError(error: unknown): boolean {
  const code = ((error as Error)?.cause as { code?: string } | undefined)?.code ?? '';
  return NO_SERVER_CODES.has(code);
}

/** Runs `work` with a connection and always closes it. */
export async function withConnection<T>(settings: ConnectionSettings, work: (connection: Connection) => Promise<T>, options?: { database?: string | null; multipleStatements?: boolean }): Promise<T> {
  const connection = await connect(settings, options);
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/** Quotes an identifier for MySQL (backticks, doubled inside). */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
