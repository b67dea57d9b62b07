// Refusals before anything happens: never restore into production, into a remote server unasked,
// or into the very database the dump comes from.
import { lookup } from 'node:dns/promises';
import os from 'node:os';
import { ExitCode } from '../exit-codes.js';
import type { ResolvedConfig } from '../config/load-config.js';
import { describeConnection, type ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import type { ProductionIdentity } from './source/types.js';

/** Addresses this machine answers on. */
function localAddresses(): Set<string> {
  const addresses = new Set(['127.0.0.1', '::1', '0.0.0.0', '::']);
  for (const list of Object.values(os.networkInterfaces())) for (const entry of list ?? []) addresses.add(entry.address);
  return addresses;
}

async function addressesOf(host: string): Promise<string[]> {
  if (host === '' || host === 'localhost') return ['127.0.0.1', '::1'];
  try {
    return (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}

/** Whether `host` is this machine (loopback, its own name, or one of its interface addresses). */
export async function isLocalHost(host: string): Promise<boolean> {
  if (host === '' || host === 'localhost' || host === os.hostname() || /^127\./.test(host)) return true;
  const local = localAddresses();
  if (local.has(host)) return true;
  const resolved = await addressesOf(host);
  return resolved.length > 0 && resolved.every((address) => local.has(address) || /^127\./.test(address) || address === '::1');
}

/** Whether the target and production are the same database on the same server (unknown port: assume same). */
export async function isSameDatabase(target: ConnectionSettings, production: ProductionIdentity): Promise<boolean> {
  if (!production.database || production.database !== target.database) return false;
  if (production.port !== undefined && !target.socket && production.port !== target.port) return false;
  const [targetLocal, productionLocal] = [target.socket ? true : await isLocalHost(target.host), await isLocalHost(production.host)];
  if (targetLocal || productionLocal) return targetLocal && productionLocal;
  if (target.host.toLowerCase() === production.host.toLowerCase()) return true;
  const [a, b] = [await addressesOf(target.host), await addressesOf(production.host)];
  return a.some((address) => b.includes(address));
}

export interface SafetyInput {
  config: ResolvedConfig;
  target: ConnectionSettings;
  production?: ProductionIdentity;
  allowRemoteTarget: boolean;
  /** What is about to happen, for messages ("restore into", "undo the restore of"). */
  action: string;
}

/** Throws a UserError when the restore must not run. */
export async function checkRestoreAllowed(input: SafetyInput): Promise<void> {
  const { config, target } = input;
  if (config.role === 'production') {
    throw new UserError(`Refusing to ${input.action} ${describeConnection(target)}: this checkout's role is "production" (from ${config.roleSource}). restore-from-prod only writes into developers' copies.`, {
      fix: 'Run it in a development checkout (role "development" in the config, or MIGRATION_GUARD_ROLE=development).',
      exitCode: ExitCode.cannotRun,
    });
  }
  if (input.production && (await isSameDatabase(target, input.production))) {
    throw new UserError(`Refusing to ${input.action} ${describeConnection(target)}: that is production's own database (${input.production.host}${input.production.port ? `:${input.production.port}` : ''}, "${input.production.database}").`, {
      fix: 'Point the database settings (e.g. HCAT_DB/HCAT_HOST) at your own copy.',
      exitCode: ExitCode.cannotRun,
    });
  }
  if (!target.socket && !input.allowRemoteTarget && !(await isLocalHost(target.host))) {
    throw new UserError(`Refusing to ${input.action} ${describeConnection(target)}: "${target.host}" is not this machine, and a shared server may be someone else's database.`, {
      fix: 'If that server is really yours, run again with --allow-remote-target.',
      exitCode: ExitCode.cannotRun,
    });
  }
}
