// The frame a restore and an undo both run in: interrupts trapped, the restore lock held, a server
// connection open, and whatever an interrupted earlier run left behind settled before anything new.
import { connect, type Connection } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { restoreStateDir } from './journal.js';
import { acquireRestoreLock } from './lock.js';
import { recoverInterruptedRun } from './recovery.js';
import type { RestoreIO } from './run-restore.js';
import { explainServerError } from './server-errors.js';
import { trapInterrupts, type InterruptTrap } from './signals.js';

export interface RestoreSession {
  connection: Connection;
  stateDir: string;
  trap: InterruptTrap;
  /** Notes for the summary: `notesFirst`, then what settling an interrupted run did. */
  notes: string[];
}

/** Runs `work` inside the session frame; every layer is undone in reverse order, also on failure. */
export async function withRestoreSession<T>(
  io: RestoreIO,
  target: ConnectionSettings,
  mediaDir: string | null,
  lockLabel: string,
  notesFirst: readonly string[],
  work: (session: RestoreSession) => Promise<T>,
): Promise<T> {
  const stateDir = restoreStateDir(io.config.repoRoot);
  const trap = trapInterrupts(() => io.progress.abandon('interrupted; cleaning up'));
  try {
    const lock = await acquireRestoreLock(stateDir, target, lockLabel);
    try {
      const connection = await connect(target, { database: null });
      try {
        await limitLockWaits(connection);
        const notes = [...notesFirst, ...(await recoverInterruptedRun(connection, target, stateDir, mediaDir))];
        for (const note of notes) io.say(note);
        return await work({ connection, stateDir, trap, notes });
      } catch (error) {
        throw (await explainServerError(error, connection, target)) ?? error;
      } finally {
        await connection.end().catch(() => connection.destroy());
      }
    } finally {
      await lock.release();
    }
  } finally {
    trap.dispose();
  }
}

/** A swap waiting on a table lock (a dev server in the middle of a transaction) fails after a minute instead of hanging. */
async function limitLockWaits(connection: Connection): Promise<void> {
  await connection.query('SET SESSION lock_wait_timeout = 60');
}
