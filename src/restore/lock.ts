// One restore at a time: a lock file in the checkout (stale once its process is gone, e.g. after kill -9)
// and a server-side GET_LOCK on the target database (released by the server when our connection dies),
// which also stops a second checkout from restoring into the same database.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../cli/exit-codes.js';
import { connect, type Connection } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface RestoreLock {
  file: string;
  release(): Promise<void>;
}

/** Takes both locks or throws a UserError naming who holds them. */
export async function acquireRestoreLock(stateDir: string, settings: ConnectionSettings, command: string): Promise<RestoreLock> {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, 'lock');
  takeLockFile(file, command);
  let connection: Connection | null = null;
  try {
    connection = await connect(settings, { database: null });
    const name = serverLockName(settings.database);
    const [rows] = await connection.query('SELECT GET_LOCK(?, 0) AS got', [name]);
    if (Number((rows as Array<{ got: number | string | null }>)[0]!.got) !== 1) {
      throw new UserError(`Another restore into database "${settings.database}" is running (maybe from another checkout): the server lock "${name}" is taken.`, {
        fix: 'Wait for it to finish; if none is running, the lock goes away with its connection.',
        exitCode: ExitCode.cannotRun,
      });
    }
  } catch (error) {
    await connection?.end().catch(() => connection?.destroy());
    rmSync(file, { force: true });
    throw error;
  }
  const held = connection;
  return {
    file,
    async release() {
      await held.query('SELECT RELEASE_LOCK(?)', [serverLockName(settings.database)]).catch(() => {});
      await held.end().catch(() => held.destroy());
      rmSync(file, { force: true });
    },
  };
}

function serverLockName(database: string): string {
  const name = `migration-guard:restore:${database}`;
  return name.length <= 64 ? name : `migration-guard:restore:${createHash('sha1').update(database).digest('hex')}`;
}

function takeLockFile(file: string, command: string): void {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readOwner(file);
    if (holder && isRunning(holder)) {
      throw new UserError(`Another restore-from-prod is running (pid ${holder.pid}, "${holder.command}", started ${holder.startedAt}).`, {
        fix: `Wait for it to finish. If no restore is running, remove the lock file: rm ${file}`,
        exitCode: ExitCode.cannotRun,
      });
    }
    // Its process is gone (killed, crashed): the lock is stale; the journal handles what it left.
    rmSync(file, { force: true });
  }
  throw new UserError(`Could not take the restore lock ${file}.`, { fix: `rm ${file}`, exitCode: ExitCode.cannotRun });
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    // Unreadable: being written right now (young), or half-written by a process killed mid-write (stale).
    let young = false;
    try {
      young = Date.now() - statSync(file).mtimeMs < 5_000;
    } catch {
      return null;
    }
    if (young) throw new UserError('Another restore-from-prod is starting right now.', { fix: 'Wait for it to finish.', exitCode: ExitCode.cannotRun });
    return null;
  }
}

function isRunning(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // another machine's process: cannot tell, assume alive
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
