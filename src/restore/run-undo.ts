// --undo: the kept copy (`<target>__previous`, `<media>.previous`) and the current one trade places, for
// exactly what the last restore replaced (last-restore.ts),
// with the same journal and rollback as a restore; running it twice redoes the restore.
// --cleanup: only settle what an interrupted run left.
import { ExitCode } from '../exit-codes.js';
import { describeConnection } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import { confirmByTypingName, requireConfirmationPossible } from './confirm.js';
import { databaseExists, listBaseTables } from './database-objects.js';
import { finishSwap, prepareUndoSwap } from './database-swap.js';
import { removeJournal, restoreStateDir, type DatabaseSwapRecord, type MediaSwapRecord } from './journal.js';
import { readLastRestore } from './last-restore.js';
import { runJournaledSwap } from './journaled-swap.js';
import { checkMediaTarget, planUndoSwap } from './media-swap.js';
import { refuseDangerousMediaTarget } from './media-target.js';
import { previousDatabaseName, previousMediaDir, stagingDatabaseName } from './names.js';
import type { RestoreIO } from './run-restore.js';
import { withRestoreSession } from './session.js';
import { checkRestoreAllowed } from './safety.js';
import { secondsSince } from './format.js';
import { InterruptedError } from '../interrupts/interrupted-error.js';

export interface UndoSummary {
  operation: 'undo';
  notes: string[];
  database?: { target: string; kept: string; tables: number };
  media?: { target: string; kept: string };
  seconds: number;
}

export interface CleanupSummary {
  operation: 'cleanup';
  notes: string[];
  seconds: number;
}

export interface UndoOptions {
  yes: boolean;
  allowRemoteTarget: boolean;
  database: boolean;
  media: boolean;
}

/** Swaps the kept copies back in. */
export async function runUndo(io: RestoreIO, options: UndoOptions): Promise<UndoSummary> {
  const started = performance.now();
  const target = io.settings;
  await checkRestoreAllowed({ config: io.config, target, allowRemoteTarget: options.allowRemoteTarget, action: 'undo the restore of' });
  // Exactly what the last restore replaced: after a database-only restore, <media>.previous is an older copy.
  const last = readLastRestore(restoreStateDir(io.config.repoRoot));
  const swapMedia = options.media && (last?.media ?? true);
  const swapDatabase = options.database && (last?.database ?? true);
  const mediaDir = swapMedia ? await io.mediaDir() : null;
  if (mediaDir) {
    refuseDangerousMediaTarget(mediaDir, io.config, io.env);
    checkMediaTarget(mediaDir);
  }
  requireConfirmationPossible(options.yes, `swap the kept copy back into ${describeConnection(target)}`);
  return withRestoreSession(io, target, mediaDir, 'restore-from-prod --undo', [], async ({ connection, stateDir, trap, notes }) => {
    const keep = previousDatabaseName(target.database);
    const keptTables = swapDatabase && (await databaseExists(connection, keep)) ? await listBaseTables(connection, keep) : [];
    const mediaPlan = mediaDir ? planUndoSwap(mediaDir) : null;
    if (keptTables.length === 0 && !mediaPlan) {
      throw new UserError(`There is nothing to undo: neither "${keep}"${mediaDir ? ` nor ${previousMediaDir(mediaDir)}` : ''} exists (a restore keeps them until the next one).`, { exitCode: ExitCode.cannotRun, fix: 'Run restore-from-prod first; --undo swaps back what a restore replaced.' });
    }
    const lines = ['restore-from-prod --undo will swap'];
    if (keptTables.length > 0) lines.push(`  database  ${describeConnection(target)}  with the kept copy "${keep}" (${keptTables.length} tables)`);
    else if (swapDatabase) lines.push(`  (no kept database copy "${keep}": the database stays as it is)`);
    if (options.database && !swapDatabase) lines.push('  (the last restore left the database alone: it stays as it is)');
    if (options.media && !swapMedia) lines.push('  (the last restore left the media directory alone: it stays as it is)');
    if (mediaPlan && mediaDir) lines.push(`  media     ${mediaDir}  with ${previousMediaDir(mediaDir)}`);
    lines.push('The current copies become the kept ones, so running --undo again redoes the restore.');
    await confirmByTypingName(lines, target.database, options.yes);
    trap.check();

    io.progress.start('Swapping the kept copy back in', undefined, false);
    let databaseRecord: DatabaseSwapRecord | undefined;
    if (keptTables.length > 0) databaseRecord = await prepareUndoSwap(connection, target, stagingDatabaseName(target.database), keptTables);
    const mediaRecord: MediaSwapRecord | undefined = mediaPlan ?? undefined;
    await runJournaledSwap(connection, stateDir, trap, { operation: 'undo', database: databaseRecord, media: mediaRecord }, (error) => {
      io.progress.abandon(error instanceof InterruptedError ? 'interrupted' : 'failed');
    });
    if (databaseRecord) await finishSwap(connection, databaseRecord);
    await removeJournal(stateDir);
    io.progress.finish('done');
    return {
      operation: 'undo',
      notes,
      database: databaseRecord ? { target: target.database, kept: keep, tables: databaseRecord.incomingTables.length } : undefined,
      media: mediaRecord && mediaDir ? { target: mediaDir, kept: previousMediaDir(mediaDir) } : undefined,
      seconds: secondsSince(started),
    };
  });
}

/** Settles an interrupted run (rolls it back or finishes it) and removes leftovers, nothing else. */
export async function runCleanup(io: RestoreIO): Promise<CleanupSummary> {
  const started = performance.now();
  const target = io.settings;
  const mediaDir = await io.mediaDir();
  return withRestoreSession(io, target, mediaDir, 'restore-from-prod --cleanup', [], async ({ notes }) => {
    if (notes.length === 0) {
      notes.push('Nothing to clean up: no interrupted restore and no leftovers.');
      io.say(notes[0]!);
    }
    return { operation: 'cleanup', notes, seconds: secondsSince(started) };
  });
}
