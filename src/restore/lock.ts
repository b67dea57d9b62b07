// One restore at a time: a lock file in the checkout (stale once its process is gone, e.g. after kill -9;
// deploy/locks/local-lock.ts) and the server-side GET_LOCK on the target database that deploy and
// restore-backup take too (deploy/locks/database-lock.ts; released by the server when our connection dies),
// which also stops a second checkout, or a deploy, from working on the same database meanwhile.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { acquireLocalLock } from '../deploy/locks/local-lock.js';
import { acquireDatabaseLock, type DatabaseLock } from '../deploy/locks/database-lock.js';

export interface RestoreLock {
  file: string;
  release(): Promise<void>;
}

/** Takes both locks or throws a UserError naming who holds them. */
export async function acquireRestoreLock(stateDir: string, settings: ConnectionSettings, command: string): Promise<RestoreLock> {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, 'lock');
  const localLock = acquireLocalLock(file, { command, refusal: `Another restore-from-prod is running (lock file ${file})` });
  let databaseLock: DatabaseLock;
  try {
    // No waiting, and no database selected: the restore target may not exist yet.
    databaseLock = await acquireDatabaseLock(settings, 0, { withoutDatabase: true, fix: 'Wait for it to finish; if none is running, the lock goes away with its connection.' });
  } catch (error) {
    localLock.release();
    throw error;
  }
  return {
    file,
    async release() {
      await databaseLock.release();
      localLock.release();
    },
  };
}
