// The frame a restore and an undo both run in: interrupts trapped, the restore lock held, a server
// connection open, and whatever an interrupted earlier run left behind settled before anything new.
import type { ResolvedConfig } from '../config/load-config.js';
import { connect, type Connection } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { restoreStateDir } from './journal.js';
import { acquireRestoreLock } from './lock.js';
import { recoverInterruptedRun } from './recovery.js';
import { explainServerError } from './server-errors.js';
import { trapRestoreInterrupts } from './signals.js';
import type { InterruptTrap } from '../interrupts/interrupt-trap.js';
import type { PhaseProgress } from './phase-progress.js';

/** What a restore, --undo and --cleanup work with: the command's context and its output. */
export interface RestoreIO {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  cwd: string;
  settings: ConnectionSettings;
  /** The media directory to restore into (asked only when media is restored). */
  mediaDir(): Promise<string | null>;
  /** The DATABASES alias restored into (`--database`), for the migrate offered afterwards. */
  alias: string;
  progress: PhaseProgress;
  /** A line of human output (suppressed with --json). */
  say(line: string): void;
}

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
  const trap = trapRestoreInterrupts(() => io.progress.abandon('interrupted; cleaning up'));
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
