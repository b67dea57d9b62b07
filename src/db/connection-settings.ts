// Where the database is and how to reach it: the shape every command uses, and the explicit ways to say
// it in migration-guard's config (environment variables, a URL variable) that win over Django's settings.
import { ConfigError } from '../errors.js';
import type { RawConfig } from '../config/schema.js';
import { CONFIG_EXAMPLES } from '../config/vocabulary.js';

/** Where a connection value came from, for doctor (never the value of the password). */
export type ConnectionOrigins = Partial<Record<'database' | 'user' | 'password' | 'host' | 'port' | 'socket', string>>;

export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The Unix socket; when set, host and port are not used. */
  socket?: string;
  /** TLS files (paths), from the settings' OPTIONS['ssl'] or the option file's ssl-ca/ssl-cert/ssl-key. */
  ssl?: { ca?: string; cert?: string; key?: string };
  origins?: ConnectionOrigins;
  /** The MySQL option files that were read to complete these settings. */
  optionFiles?: string[];
}

/** Where the server is, safe to print: the socket, or host:port. */
export function describeServer(settings: Omit<ConnectionSettings, 'database'>): string {
  return settings.socket ? `socket ${settings.socket}` : `${settings.host}:${settings.port}`;
}

/** A description safe to print: everything but the password. */
export function describeConnection(settings: ConnectionSettings): string {
  return `database "${settings.database}" on ${describeServer(settings)} as user "${settings.user}"`;
}

/**
 * The connection the config states explicitly ("database.env", or "database.urlEnv"), or null when it
 * states none (then Django's settings say); a missing variable is a ConfigError naming it.
 */
export function explicitConnectionSettings(raw: RawConfig, env: NodeJS.ProcessEnv, fileLabel: string): ConnectionSettings | null {
  const mapping = raw.database.env;
  if (mapping) {
    const name = env[mapping.name];
    if (!name) {
      throw new ConfigError('database.env.name', fileLabel, `names the variable ${mapping.name}, which is not set in the environment`, `export ${mapping.name}=mydb   (and the other variables in ${CONFIG_EXAMPLES.database})`);
    }
    const portText = (mapping.port && env[mapping.port]) || '3306';
    const port = Number(portText);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ConfigError('database.env.port', fileLabel, `names ${mapping.port}, whose value "${portText}" is not a port number`, `export ${mapping.port}=3306`);
    }
    const origin = (variable: string | undefined) => (variable && env[variable] ? `$${variable} (config database.env)` : 'default');
    return {
      database: name,
      user: (mapping.user && env[mapping.user]) || 'root',
      password: (mapping.password && env[mapping.password]) || '',
      host: (mapping.host && env[mapping.host]) || 'localhost',
      port,
      socket: (mapping.socket && env[mapping.socket]) || undefined,
      origins: { database: origin(mapping.name), user: origin(mapping.user), password: origin(mapping.password), host: origin(mapping.host), port: origin(mapping.port), socket: origin(mapping.socket) },
    };
  }
  const variable = raw.database.urlEnv;
  if (!variable) return null;
  const url = env[variable];
  if (!url) {
    throw new ConfigError('database.urlEnv', fileLabel, `names the variable ${variable}, which is not set in the environment`, `export ${variable}=mysql://user:password@127.0.0.1:3306/mydb   (or remove "urlEnv" to use Django's DATABASES)`);
  }
  const settings = parseDatabaseUrl(url, variable, fileLabel);
  const origin = `$${variable} (config database.urlEnv)`;
  return { ...settings, origins: { database: origin, user: origin, password: origin, host: origin, port: origin } };
}

/** Parses mysql://user:pass@host:port/name (also mariadb://, mysql2://, mysqlgis://). */
export function parseDatabaseUrl(url: string, variable: string, fileLabel: string): ConnectionSettings {
  const example = `export ${variable}=mysql://user:password@127.0.0.1:3306/mydb`;
  const parsed = parseServerUrl(url);
  if (parsed.problem === 'not a URL') throw new ConfigError(variable, fileLabel, 'is not a URL', example);
  if (parsed.problem === 'scheme') throw new ConfigError(variable, fileLabel, `uses the scheme "${parsed.scheme}", but migration-guard supports MySQL/MariaDB only`, example);
  if (!parsed.database) throw new ConfigError(variable, fileLabel, 'has no database name in its path', example);
  return { ...parsed.server, database: parsed.database };
}

/** What parseServerUrl makes of a URL: the server and the database in the path ('' when none), or what is wrong. */
export type ParsedServerUrl =
  | { problem: null; server: Omit<ConnectionSettings, 'database'>; database: string }
  | { problem: 'not a URL' }
  | { problem: 'scheme'; scheme: string };

/**
 * Parses mysql://user:pass@host:port/name (also mariadb://, mysql2://, mysqlgis://) without requiring
 * the name; callers word the problems (a port out of range or a bad %-escape is 'not a URL').
 */
export function parseServerUrl(url: string): ParsedServerUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'not a URL' };
  }
  if (!/^(mysql|mysql2|mariadb|mysqlgis):$/.test(parsed.protocol)) return { problem: 'scheme', scheme: parsed.protocol };
  try {
    return {
      problem: null,
      server: {
        host: parsed.hostname || 'localhost',
        port: parsed.port ? Number(parsed.port) : 3306,
        user: decodeURIComponent(parsed.username) || 'root',
        password: decodeURIComponent(parsed.password),
        socket: parsed.searchParams.get('unix_socket') ?? undefined,
      },
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    };
  } catch {
    return { problem: 'not a URL' }; // a malformed %-escape
  }
}
