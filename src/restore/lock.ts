// One restore at a time: the lock pair (src/locks/lock-pair.ts) on the checkout's restore state and the
// target database, which deploy and restore-backup take too.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { acquireLockPair } from '../locks/lock-pair.js';

export interface RestoreLock {
  file: string;
  release(): Promise<void>;
}

/** Takes both locks or throws a UserError naming who holds them. */
export async function acquireRestoreLock(stateDir: string, settings: ConnectionSettings, command: string): Promise<RestoreLock> {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, 'lock');
  const locks = await acquireLockPair({
    file,
    details: { command, refusal: `Another restore-from-prod is running (lock file ${file})` },
    settings,
    // No waiting, and no database selected: the restore target may not exist yet.
    waitSeconds: 0,
    database: { withoutDatabase: true, fix: 'Wait for it to finish; if none is running, the lock goes away with its connection.' },
  });
  return { file, release: () => locks.release() };
}
