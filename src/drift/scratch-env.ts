// Points the project's own settings at the scratch database: the same environment variables, other values.
import { ConfigError, UserError } from '../errors.js';
import type { RawConfig } from '../config/schema.js';
import { parseServerUrl, type ConnectionSettings } from '../db/connection-settings.js';

/** Where the reference is built: the server (maybe the live one) and whether it is the live one. */
export interface ScratchServer {
  settings: Omit<ConnectionSettings, 'database'>;
  sameAsLive: boolean;
  /** For messages: "the configured database's server" or "the scratch server (DRIFT_SCRATCH_URL)". */
  label: string;
}

/** The scratch server: drift.scratchServer when configured, otherwise the live database's server. */
export function resolveScratchServer(raw: RawConfig, env: NodeJS.ProcessEnv, live: ConnectionSettings, fileLabel: string): ScratchServer {
  const configured = raw.drift.scratchServer;
  if (!configured) {
    const { database: _database, ...server } = live;
    return { settings: server, sameAsLive: true, label: "the configured database's server" };
  }
  const url = env[configured.urlEnv];
  const example = `export ${configured.urlEnv}=mysql://user:password@127.0.0.1:3306/`;
  if (!url) throw new ConfigError('drift.scratchServer.urlEnv', fileLabel, `names ${configured.urlEnv}, which is not set in the environment`, example);
  const parsed = parseServerUrl(url);
  if (parsed.problem === 'not a URL') throw new ConfigError('drift.scratchServer.urlEnv', fileLabel, `names ${configured.urlEnv}, whose value is not a URL`, example);
  if (parsed.problem === 'scheme') throw new ConfigError('drift.scratchServer.urlEnv', fileLabel, `names ${configured.urlEnv}, whose scheme "${parsed.scheme}" is not mysql:`, example);
  return { settings: parsed.server, sameAsLive: false, label: `the scratch server (${configured.urlEnv})` };
}

/**
 * Environment overrides that make the project's settings connect to `scratch` instead of the live database:
 * the variable that holds the database name (database.env.name), or the rewritten URL (database.urlEnv).
 */
export function scratchDatabaseEnv(raw: RawConfig, env: NodeJS.ProcessEnv, scratch: ConnectionSettings, server: ScratchServer, fileLabel: string): Record<string, string> {
  const mapping = raw.database.env;
  if (mapping) {
    const overrides: Record<string, string> = { [mapping.name]: scratch.database };
    if (!server.sameAsLive) {
      const needed = { host: mapping.host, port: mapping.port, user: mapping.user, password: mapping.password } as const;
      const unmapped = Object.entries(needed).filter(([, variable]) => !variable).map(([key]) => key);
      if (unmapped.length) {
        throw new ConfigError(
          `database.env.${unmapped[0]}`,
          fileLabel,
          `is not set, so the project's settings cannot be pointed at the scratch server (drift.scratchServer)`,
          `"database": { "env": { "name": "${mapping.name}", "host": "DB_HOST", "port": "DB_PORT", "user": "DB_USER", "password": "DB_PASSWORD" } }`,
        );
      }
      overrides[mapping.host!] = scratch.socket ? 'localhost' : scratch.host;
      overrides[mapping.port!] = String(scratch.port);
      overrides[mapping.user!] = scratch.user;
      overrides[mapping.password!] = scratch.password;
      if (mapping.socket) overrides[mapping.socket] = scratch.socket ?? '';
    }
    return overrides;
  }
  const variable = raw.database.urlEnv;
  const current = env[variable];
  if (!current) throw new UserError(`${variable} is not set, so the reference cannot be built with the project's settings.`, { fix: `export ${variable}=mysql://user:password@127.0.0.1:3306/mydb` });
  const url = new URL(current);
  url.pathname = `/${encodeURIComponent(scratch.database)}`;
  if (!server.sameAsLive) {
    url.hostname = scratch.host;
    url.port = String(scratch.port);
    url.username = encodeURIComponent(scratch.user);
    url.password = encodeURIComponent(scratch.password);
  }
  return { [variable]: url.toString() };
}
