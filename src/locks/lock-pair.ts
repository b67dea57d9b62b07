// The two locks every command that replaces a database's content takes (deploy, restore-backup,
// restore-from-prod): a lock file in the checkout, stale once its process is gone (kill -9), and GET_LOCK on
// the target database, released by the server when our connection dies — so a second checkout, or another
// of these commands, cannot work on the same database meanwhile. Taken in that order, released in reverse.
import type { ConnectionSettings } from '../db/connection-settings.js';
import { acquireDatabaseLock, type DatabaseLock, type DatabaseLockOptions } from './database-lock.js';
import { acquireLocalLock, type LocalLock, type LocalLockDetails } from './local-lock.js';

export interface LockPairRequest {
  file: string;
  details: LocalLockDetails;
  settings: ConnectionSettings;
  /** How long to wait for GET_LOCK. */
  waitSeconds: number;
  database?: DatabaseLockOptions;
  /** Called once the lock file is held, before waiting for the database (e.g. to report a stale lock taken over). */
  onLockFile?: (local: LocalLock) => void;
}

export interface LockPair {
  local: LocalLock;
  database: DatabaseLock;
  release(): Promise<void>;
}

/** Takes both locks, or none: throws a UserError naming who holds the one that is taken. */
export async function acquireLockPair(request: LockPairRequest): Promise<LockPair> {
  const local = acquireLocalLock(request.file, request.details);
  let database: DatabaseLock;
  try {
    request.onLockFile?.(local);
    database = await acquireDatabaseLock(request.settings, request.waitSeconds, request.database);
  } catch (error) {
    local.release();
    throw error;
  }
  return {
    local,
    database,
    async release() {
      try {
        await database.release();
      } finally {
        local.release();
      }
    },
  };
}

/** Runs `work` holding both locks; they are released whatever happens. */
export async function withLockPair<T>(request: LockPairRequest, work: (locks: LockPair) => Promise<T>): Promise<T> {
  const locks = await acquireLockPair(request);
  try {
    return await work(locks);
  } finally {
    await locks.release();
  }
}
