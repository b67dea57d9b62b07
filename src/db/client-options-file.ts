// The mariadb/mysql command-line clients get credentials from a 0600 options file, never from argv.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionSettings } from './connection-settings.js';

export interface ClientOptionsFile {
  /** Pass first on the client's command line: `--defaults-extra-file=<path>`. */
  arg: string;
  path: string;
  remove(): Promise<void>;
}

// Option files treat backslash and quotes specially inside quoted values.
function quoteOptionValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Writes a private [client] options file for `settings`; call remove() when the child has exited. */
export async function writeClientOptionsFile(settings: ConnectionSettings): Promise<ClientOptionsFile> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migration-guard-client-'));
  const file = path.join(dir, 'client.cnf');
  const lines = ['[client]', `user=${quoteOptionValue(settings.user)}`, `password=${quoteOptionValue(settings.password)}`];
  if (settings.socket) {
    lines.push(`socket=${quoteOptionValue(settings.socket)}`);
  } else {
    // host=localhost would make the client use Debian's default socket instead of the configured port.
    lines.push(`host=${quoteOptionValue(settings.host === 'localhost' ? '127.0.0.1' : settings.host)}`, `port=${settings.port}`, 'protocol=TCP');
  }
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return {
    arg: `--defaults-extra-file=${file}`,
    path: file,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
