// The mariadb/mysql command-line programs read where to connect from a private options file, and the
// password from their own environment (MYSQL_PWD): never from argv, and never from a file that a
// `kill -9` could leave behind.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionSettings } from './connection-settings.js';

export interface ClientOptionsFile {
  /** Pass first on the client's command line: `--defaults-file=<path>`. */
  arg: string;
  path: string;
  /** The environment to start the client with: `base` plus the password in MYSQL_PWD. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

// Option files treat backslash and quotes specially inside quoted values.
function quoteOptionValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Writes a private [client] options file for `settings` (without the password); call remove() when the
 * child has exited. `--defaults-file` makes the client read this file alone, so no ~/.my.cnf password or
 * Debian socket setting can override where it connects or who it is.
 */
export async function writeClientOptionsFile(settings: Omit<ConnectionSettings, 'database'>): Promise<ClientOptionsFile> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migration-guard-client-'));
  const file = path.join(dir, 'client.cnf');
  const lines = ['[client]', `user=${quoteOptionValue(settings.user)}`];
  // An empty password must be said, or the client would not be told there is none; a real one goes in MYSQL_PWD.
  if (!settings.password) lines.push('password=""');
  if (settings.socket) {
    lines.push(`socket=${quoteOptionValue(settings.socket)}`, 'protocol=SOCKET');
  } else {
    // host=localhost would make the client use the default socket instead of the configured port.
    lines.push(`host=${quoteOptionValue(settings.host === 'localhost' ? '127.0.0.1' : settings.host)}`, `port=${settings.port}`, 'protocol=TCP');
  }
  if (settings.ssl?.ca) lines.push(`ssl-ca=${quoteOptionValue(settings.ssl.ca)}`);
  if (settings.ssl?.cert) lines.push(`ssl-cert=${quoteOptionValue(settings.ssl.cert)}`);
  if (settings.ssl?.key) lines.push(`ssl-key=${quoteOptionValue(settings.ssl.key)}`);
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return {
    arg: `--defaults-file=${file}`,
    path: file,
    env: (base = process.env) => {
      const env = { ...base };
      if (settings.password) env.MYSQL_PWD = settings.password;
      else delete env.MYSQL_PWD;
      return env;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
