// The swap both a restore and an --undo end with: journal 'prepared', swap the database, swap the media,
// journal 'committed'. Any failure before the commit puts the developer's database and media back; a run
// killed in between is rolled back by the next one (recovery.ts), with the same steps.
import { ExitCode } from '../exit-codes.js';
import type { Connection } from '../db/connect.js';
import { UserError } from '../errors.js';
import { discardAfterRollback, performSwap, rollbackSwap } from './database-swap.js';
import { faultPoint } from './fault-points.js';
import { InterruptedError } from '../interrupts/interrupted-error.js';
import { removeJournal, writeJournal, type DatabaseSwapRecord, type MediaSwapRecord, type RestoreJournal } from './journal.js';
import { performMediaSwap, rollbackMediaSwap } from './media-swap.js';
import type { InterruptTrap } from '../interrupts/interrupt-trap.js';

export interface JournaledSwap {
  operation: RestoreJournal['operation'];
  database?: DatabaseSwapRecord;
  media?: MediaSwapRecord;
}

/**
 * Journals and performs the swap; returns once the journal says 'committed' (cleanup is the caller's).
 * On failure, calls `beforeRollback`, rolls back and rethrows (see `rollBack`).
 */
export async function runJournaledSwap(connection: Connection, stateDir: string, trap: InterruptTrap, swap: JournaledSwap, beforeRollback?: (error: unknown) => void): Promise<void> {
  const { operation, database, media } = swap;
  const journal: RestoreJournal = { version: 1, operation, state: 'prepared', startedAt: new Date().toISOString(), pid: process.pid, database, media };
  await writeJournal(stateDir, journal);
  try {
    if (database) await performSwap(connection, database);
    trap.check();
    if (media) await performMediaSwap(media);
    await faultPoint('before-commit');
    trap.check();
    await writeJournal(stateDir, { ...journal, state: 'committed' });
  } catch (error) {
    beforeRollback?.(error);
    await rollBack(connection, stateDir, database, media, error);
    throw error;
  }
}

/** Puts the developer's database and media back as they were before the swap, from wherever it stopped, and removes the journal. */
export async function rollBackSwaps(connection: Connection, stateDir: string, databaseRecord: DatabaseSwapRecord | undefined, mediaRecord: MediaSwapRecord | undefined): Promise<void> {
  if (databaseRecord) {
    await rollbackSwap(connection, databaseRecord);
    await discardAfterRollback(connection, databaseRecord);
  }
  if (mediaRecord) await rollbackMediaSwap(mediaRecord);
  await removeJournal(stateDir);
}

/** Puts the developer's database and media back after a failed swap; a failure here needs a human. */
async function rollBack(connection: Connection, stateDir: string, databaseRecord: DatabaseSwapRecord | undefined, mediaRecord: MediaSwapRecord | undefined, cause: unknown): Promise<void> {
  try {
    await rollBackSwaps(connection, stateDir, databaseRecord, mediaRecord);
  } catch (rollbackError) {
    throw new UserError(
      `The swap failed (${(cause as Error).message}) and putting your database and media back failed too: ${(rollbackError as Error).message}`,
      { fix: `Fix the cause, then run: restore-from-prod --cleanup   (it rolls back from ${stateDir}/journal.json)`, exitCode: ExitCode.restoreFailed, cause: rollbackError },
    );
  }
  if (!(cause instanceof UserError) && !(cause instanceof InterruptedError)) {
    throw new UserError(`Swapping the restored copy in failed: ${(cause as Error).message}. Your database and media were put back as they were.`, {
      fix: 'Fix the cause named above, then run the same restore-from-prod command again.',
      exitCode: ExitCode.findings,
      cause,
    });
  }
}
