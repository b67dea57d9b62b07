// The server the reference schema is built on: the live database's, or drift.scratchServer.
import { ConfigError } from '../errors.js';
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
