// The database-side lock (GET_LOCK) held on a dedicated connection for the whole deploy: two servers
// deploying against one database cannot overlap. The server releases it if our process dies.
import { createHash } from 'node:crypto';
import { connect, type Connection } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';

export interface DatabaseLock {
  name: string;
  connection: Connection;
  release(): Promise<void>;
}

/** The lock's name for a database (GET_LOCK names are limited to 64 characters). */
export function databaseLockName(database: string): string {
  const name = `migration-guard:deploy:${database}`;
  return name.length <= 64 ? name : `migration-guard:deploy:${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

export interface DatabaseLockOptions {
  /** Connect without selecting the database (it may not exist yet, e.g. a restore-from-prod target). */
  withoutDatabase?: boolean;
  /** The refusal's advice, instead of the deploy's. */
  fix?: string;
}

/** Takes GET_LOCK on its own connection, waiting up to `timeoutSeconds`; throws a UserError naming the holder. */
export async function acquireDatabaseLock(settings: ConnectionSettings, timeoutSeconds: number, options: DatabaseLockOptions = {}): Promise<DatabaseLock> {
  const name = databaseLockName(settings.database);
  const connection = await connect(settings, options.withoutDatabase ? { database: null } : {});
  try {
    // The lock lives as long as this connection: do not let the server drop it as idle during a long migrate.
    await connection.query('SET SESSION wait_timeout = 604800');
    const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS got', [name, timeoutSeconds]);
    const got = (rows as Array<{ got: number | string | null }>)[0]?.got;
    if (Number(got) !== 1) {
      const holder = await describeHolder(connection, name);
      throw new UserError(`Another deploy or restore holds the database lock "${name}" on "${settings.database}"${holder ? ` (${holder})` : ''}; waited ${timeoutSeconds} s.`, {
        fix: options.fix ?? 'Wait for the other deploy to finish (its journal is beside its backups), then rerun. Raise "deploy.lockTimeout" to wait longer.',
      });
    }
  } catch (error) {
    await connection.end().catch(() => connection.destroy());
    throw error;
  }
  return {
    name,
    connection,
    async release() {
      await connection.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      await connection.end().catch(() => connection.destroy());
    },
  };
}

/** Who holds the lock, if anyone (for `deploy --plan`); null when it is free. */
export async function databaseLockHolder(connection: Connection, database: string): Promise<string | null> {
  const name = databaseLockName(database);
  const [rows] = await connection.query('SELECT IS_FREE_LOCK(?) AS free', [name]);
  if (Number((rows as Array<{ free: number | string }>)[0]?.free) === 1) return null;
  return (await describeHolder(connection, name)) ?? 'held by another connection';
}

async function describeHolder(connection: Connection, name: string): Promise<string | null> {
  try {
    const [rows] = await connection.query('SELECT IS_USED_LOCK(?) AS id', [name]);
    const id = (rows as Array<{ id: number | string | null }>)[0]?.id;
    if (id === null || id === undefined) return null;
    const [processes] = await connection.query('SELECT USER AS user, HOST AS host, TIME AS seconds FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
    const row = (processes as Array<{ user: string; host: string; seconds: number }>)[0];
    return row ? `connection ${id} of ${row.user}@${row.host}, for ${row.seconds} s` : `connection ${id}`;
  } catch {
    return null;
  }
}
