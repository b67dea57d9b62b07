// Turns a configured or command-line source (object or string) into one normalized description.
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { RestoreSourceConfig } from '../../config/sections/restore.js';

export type SshTarget = {
  host: string;
  user?: string;
  port?: number;
  identityFile?: string;
  sshOptions: string[];
};

export type SourceSpec =
  | ({ kind: 'ssh'; path: string } & SshTarget)
  | ({
      kind: 'ssh-dump';
      database: string;
      defaultsFile?: string;
      dumpOptions: string[];
      databaseHost?: string;
      databasePort?: number;
    } & SshTarget)
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string; headersFromEnv: Record<string, string> };

/** Normalizes a source; relative local paths resolve against `baseDir` (the config file's directory or the cwd). */
export function toSourceSpec(source: RestoreSourceConfig, baseDir: string, label: string): SourceSpec {
  if (typeof source !== 'string') {
    if (source.kind === 'file') return { kind: 'file', path: path.resolve(baseDir, source.path) };
    if (source.kind === 'ssh' || source.kind === 'ssh-dump') {
      return { ...source, identityFile: source.identityFile ? path.resolve(baseDir, expandHome(source.identityFile)) : undefined };
    }
    return source;
  }
  return parseSourceString(source, baseDir, label);
}

/** Parses `ssh://user@host:port/path`, `ssh-dump://user@host:port/database`, `http(s)://…` or a local path. */
export function parseSourceString(text: string, baseDir: string, label: string): SourceSpec {
  if (/^https?:\/\//i.test(text)) return { kind: 'http', url: text, headersFromEnv: {} };
  const match = /^(ssh|ssh-dump):\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/(.+)$/.exec(text);
  if (match) {
    const [, scheme, user, host, portText, rest] = match;
    const target: SshTarget = { host: host!.replace(/^\[|\]$/g, ''), user: user ? decodeURIComponent(user) : undefined, port: portText ? Number(portText) : undefined, sshOptions: [] };
    if (scheme === 'ssh') {
      // ssh://host/~/x is relative to the remote home, ssh://host//abs and ssh://host/abs are absolute.
      const remotePath = rest!.startsWith('~/') ? rest! : `/${rest!.replace(/^\/+/, '')}`;
      return { kind: 'ssh', ...target, path: decodeURIComponent(remotePath) };
    }
    return { kind: 'ssh-dump', ...target, database: decodeURIComponent(rest!), dumpOptions: [] };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UserError(`${label}: "${text}" uses a scheme restore-from-prod does not know.`, {
      fix: 'Use a local path, http(s)://…, ssh://user@host/path/to/file or ssh-dump://user@host/database.',
    });
  }
  return { kind: 'file', path: path.resolve(baseDir, expandHome(text)) };
}

/** A one-line description, safe to print (URL credentials are dropped). */
export function describeSpec(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'file':
      return spec.path;
    case 'http': {
      const url = new URL(spec.url);
      url.username = '';
      url.password = '';
      return url.toString();
    }
    case 'ssh':
      return `${sshLabel(spec)}:${spec.path}`;
    case 'ssh-dump':
      return `live dump of "${spec.database}" on ${sshLabel(spec)}`;
  }
}

export function sshLabel(target: SshTarget): string {
  return `${target.user ? `${target.user}@` : ''}${target.host}${target.port ? `:${target.port}` : ''}`;
}

function expandHome(file: string): string {
  return file.startsWith('~/') && process.env.HOME ? path.join(process.env.HOME, file.slice(2)) : file;
}
