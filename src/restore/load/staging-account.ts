// The account a dump is loaded through: when the developer's account may create users, a temporary one
// whose only privileges are on the staging database — whatever a dump holds, the server itself then
// refuses anything outside it (other databases, users, grants, global variables, server files). It is
// recorded in the state directory before it exists and dropped afterwards, on failure and interrupt too;
// the next run drops one an interrupted run left behind.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from '../../db/connect.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { fsyncDirectoryBestEffort, writeFileDurably } from '../../fs/durable-files.js';

/** Accounts created here start with this; their definers are never carried into the developer's database. */
export const STAGING_ACCOUNT_PREFIX = 'mg_restore_';

export interface StagingAccount {
  user: string;
  host: string;
  /** Connection settings of the account, to the staging database. */
  settings: ConnectionSettings;
}

export type StagingAccountOutcome = { account: StagingAccount } | { account: null; reason: string };

interface AccountRecord {
  user: string;
  host: string;
}

function recordPath(stateDir: string): string {
  return path.join(stateDir, 'staging-account.json');
}

/** Creates the temporary account with ALL on `staging`.* only, or says why it could not (then the developer's own account loads). */
export async function createStagingAccount(connection: Connection, stateDir: string, target: ConnectionSettings, staging: string): Promise<StagingAccountOutcome> {
  // The same host part as the developer's account: it matches the way this machine reaches the server.
  const [[row]] = (await connection.query('SELECT CURRENT_USER() AS me')) as unknown as [[{ me: string }]];
  const host = row.me.slice(row.me.lastIndexOf('@') + 1);
  const user = `${STAGING_ACCOUNT_PREFIX}${randomBytes(5).toString('hex')}`;
  const password = randomBytes(24).toString('base64url');
  await mkdir(stateDir, { recursive: true });
  await writeFileDurably(recordPath(stateDir), `${JSON.stringify({ user, host } satisfies AccountRecord)}\n`, 0o600, fsyncDirectoryBestEffort);
  try {
    await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
  } catch (error) {
    await rm(recordPath(stateDir), { force: true });
    return { account: null, reason: `your account ${row.me} may not create a temporary one (${(error as Error).message})` };
  }
  try {
    // `_` and `%` are wildcards in a GRANT's database name: escaped, the grant covers the staging database alone.
    await connection.query(`GRANT ALL PRIVILEGES ON \`${staging.replace(/`/g, '``').replace(/([_%])/g, '\\$1')}\`.* TO ?@?`, [user, host]);
  } catch (error) {
    await dropStagingAccount(connection, stateDir, { user, host }).catch(() => {});
    return { account: null, reason: `your account ${row.me} may not grant privileges on the staging database (${(error as Error).message})` };
  }
  return { account: { user, host, settings: { ...target, user, password, database: staging } } };
}

/** Drops the temporary account (and its record). */
export async function dropStagingAccount(connection: Connection, stateDir: string, account: { user: string; host: string }): Promise<void> {
  await connection.query('DROP USER IF EXISTS ?@?', [account.user, account.host]);
  await rm(recordPath(stateDir), { force: true });
}

/** Drops the account an interrupted run left (recorded in the state directory); returns a note, or null. */
export async function dropLeftoverStagingAccount(connection: Connection, stateDir: string): Promise<string | null> {
  let record: AccountRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as AccountRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (!record.user?.startsWith(STAGING_ACCOUNT_PREFIX)) {
    await rm(recordPath(stateDir), { force: true });
    return null;
  }
  await dropStagingAccount(connection, stateDir, record);
  return `Dropped the temporary loading account '${record.user}'@'${record.host}' of an interrupted restore.`;
}
