// Where the database is: read from the environment variables the project's settings already use.
import { ConfigError } from '../errors.js';
import type { RawConfig } from '../config/schema.js';
import { CONFIG_EXAMPLES } from '../config/vocabulary.js';

export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  socket?: string;
}

/** A description safe to print: everything but the password. */
export function describeConnection(settings: ConnectionSettings): string {
  const where = settings.socket ? `socket ${settings.socket}` : `${settings.host}:${settings.port}`;
  return `database "${settings.database}" on ${where} as user "${settings.user}"`;
}

/** Resolves the connection from config + environment; a missing variable is a ConfigError naming it. */
export function resolveConnectionSettings(raw: RawConfig, env: NodeJS.ProcessEnv, fileLabel: string): ConnectionSettings {
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
    return {
      database: name,
      user: (mapping.user && env[mapping.user]) || 'root',
      password: (mapping.password && env[mapping.password]) || '',
      host: (mapping.host && env[mapping.host]) || 'localhost',
      port,
      socket: (mapping.socket && env[mapping.socket]) || undefined,
    };
  }
  const url = env[raw.database.urlEnv];
  if (url) return parseDatabaseUrl(url, raw.database.urlEnv, fileLabel);
  throw new ConfigError(
    'database',
    fileLabel,
    `is not configured and ${raw.database.urlEnv} is not set`,
    `${CONFIG_EXAMPLES.database}   or   export ${raw.database.urlEnv}=mysql://user:password@127.0.0.1:3306/mydb`,
  );
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
