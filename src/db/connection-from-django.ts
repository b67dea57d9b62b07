// Turns the arguments Django passes to MySQLdb.connect() into where and how to connect, by the rules of
// the client library MySQLdb links (MariaDB Connector/C on Debian), checked against it in the tests:
// - what DATABASES sets wins; an option file (read_default_file / read_default_group) fills in the rest;
// - no host, or "localhost", means the Unix socket (unless the option file says protocol=tcp): the
//   unix_socket argument, else the option file's socket, else MYSQL_UNIX_PORT, else the compiled default;
// - no port means the option file's port, else MYSQL_TCP_PORT, else 3306;
// - no password means the option file's, else MYSQL_PWD; no user means the option file's, else the login name.
import os from 'node:os';
import { UserError } from '../errors.js';
import type { MySQLdbParams } from '../django/django-settings.js';
import type { ConnectionOrigins, ConnectionSettings } from './connection-settings.js';
import { clientGroups, defaultOptionFiles, readOptionFiles, type OptionFilesRead } from './option-files.js';

/** Where the MariaDB/MySQL client library looks for the server's socket when nothing else names one. */
export const DEFAULT_SOCKET = process.platform === 'linux' ? '/run/mysqld/mysqld.sock' : '/tmp/mysql.sock';

const FROM_SETTINGS = 'DATABASES (Django settings)';

/** The connection Django's settings lead to; `describe` names the settings module and alias for messages. */
export function connectionFromDjango(params: MySQLdbParams, env: NodeJS.ProcessEnv, describe: string): ConnectionSettings {
  const options = readParamOptionFiles(params, env);
  const fromFile = (key: string): string | undefined => {
    const value = options.values[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const fileOrigin = (key: string): string => `option file ${options.origins[key]}`;
  const origins: ConnectionOrigins = {};

  const pick = <T>(key: keyof ConnectionOrigins, candidates: [T | undefined, string][]): T | undefined => {
    for (const [value, origin] of candidates) {
      if (value !== undefined && value !== '') {
        origins[key] = origin;
        return value;
      }
    }
    return undefined;
  };

  const database = pick('database', [
    [params.database ?? params.db, FROM_SETTINGS],
    [fromFile('database'), fileOrigin('database')],
  ]);
  if (!database) {
    throw new UserError(`${describe} names no database (NAME is empty${params.read_default_file ? ' and the option file sets no "database"' : ''}).`, {
      fix: `Set NAME in DATABASES, or database= in the [client] group of the option file.`,
    });
  }
  const user = pick('user', [
    [params.user, FROM_SETTINGS],
    [fromFile('user'), fileOrigin('user')],
    [env.USER, 'the login name ($USER)'],
    [os.userInfo().username, 'the login name'],
  ])!;
  const password =
    pick('password', [
      [params.password ?? params.passwd, FROM_SETTINGS],
      [fromFile('password'), fileOrigin('password')],
      [env.MYSQL_PWD, 'MYSQL_PWD'],
    ]) ?? '';
  if (!password) origins.password = 'none';

  const host = pick('host', [
    [params.host, FROM_SETTINGS],
    [fromFile('host'), fileOrigin('host')],
  ]);
  const protocol = fromFile('protocol')?.toLowerCase();
  const portText = pick('port', [
    [params.port === undefined ? undefined : String(params.port), FROM_SETTINGS],
    [fromFile('port'), fileOrigin('port')],
    [env.MYSQL_TCP_PORT, 'MYSQL_TCP_PORT'],
    ['3306', 'default'],
  ])!;
  const port = Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new UserError(`${describe}: the port "${portText}" (from ${origins.port}) is not a port number.`, { fix: 'Set PORT in DATABASES to a number such as 3306, or leave it empty.' });
  }

  const settings: ConnectionSettings = { database, user, password, host: host ?? 'localhost', port, origins };
  if ((!host || host === 'localhost') && protocol !== 'tcp') {
    settings.socket = pick('socket', [
      [params.unix_socket, FROM_SETTINGS],
      [fromFile('socket'), fileOrigin('socket')],
      [env.MYSQL_UNIX_PORT, 'MYSQL_UNIX_PORT'],
      [DEFAULT_SOCKET, 'the client library\'s default socket'],
    ]);
    delete origins.port;
  }
  const ssl = sslPaths(params.ssl, options);
  if (ssl) settings.ssl = ssl;
  if (options.files.length) settings.optionFiles = options.files;
  return settings;
}

/** The option files MySQLdb would read for these arguments (none unless read_default_file/group is set). */
function readParamOptionFiles(params: MySQLdbParams, env: NodeJS.ProcessEnv): OptionFilesRead {
  const file = params.read_default_file;
  const group = params.read_default_group;
  if (!file && !group) return { values: {}, files: [], origins: {} };
  return readOptionFiles(file ? [file] : defaultOptionFiles(env), clientGroups(group));
}

function sslPaths(fromSettings: Record<string, string> | undefined, options: OptionFilesRead): ConnectionSettings['ssl'] {
  const pickPath = (settingsKey: string, fileKey: string): string | undefined => {
    const value = fromSettings?.[settingsKey] ?? options.values[fileKey];
    return typeof value === 'string' && value ? value : undefined;
  };
  const ssl = { ca: pickPath('ca', 'ssl-ca'), cert: pickPath('cert', 'ssl-cert'), key: pickPath('key', 'ssl-key') };
  return ssl.ca || ssl.cert || ssl.key ? ssl : undefined;
}
