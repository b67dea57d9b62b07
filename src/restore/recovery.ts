// At the start of every run: finish or roll back what an interrupted run left (by its journal), then
// drop the temporary loading account it left, remove leftover staging databases and extraction directories.
import { ExitCode } from '../exit-codes.js';
import type { Connection } from '../db/connect.js';
import { quoteIdentifier } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import { finishSwap } from './database-swap.js';
import { readJournal, removeJournal, type RestoreJournal } from './journal.js';
import { rollBackSwaps } from './journaled-swap.js';
import { removeMediaLeftovers, removeTree } from './media-swap.js';
import { parkingDir, stagingDatabasePattern } from './names.js';
import { directoryIdentity } from './media-swap.js';
import { dropLeftoverStagingAccount } from './load/staging-account.js';
import { recordLastRestore } from './last-restore.js';

/** Rolls back (prepared) or finishes (committed) the journal's run; returns what was done, for the user. */
export async function settleJournal(connection: Connection, settings: ConnectionSettings, stateDir: string, journal: RestoreJournal): Promise<string> {
  const record = journal.database;
  if (record && (record.target !== settings.database || record.port !== settings.port || (record.socket ?? '') !== (settings.socket ?? '') || record.host !== settings.host)) {
    throw new UserError(`An interrupted ${journal.operation} of database "${record.target}" on ${record.socket ?? `${record.host}:${record.port}`} (started ${journal.startedAt}) must be settled first, but the configured database is "${settings.database}" on ${settings.socket ?? `${settings.host}:${settings.port}`}.`, {
      fix: `Run restore-from-prod --cleanup with the settings of that database (journal: ${stateDir}/journal.json).`,
      exitCode: ExitCode.restoreFailed,
    });
  }
  if (journal.state === 'committed') {
    if (journal.operation === 'restore') await recordLastRestore(stateDir, { database: record !== undefined, media: journal.media !== undefined }, journal.startedAt);
    if (record) await finishSwap(connection, record);
    if (journal.media && directoryIdentity(journal.media.parking) !== null) await removeTree(journal.media.parking).catch(() => {});
    await removeJournal(stateDir);
    return `Finished the cleanup of the ${journal.operation} from ${journal.startedAt}.`;
  }
  await rollBackSwaps(connection, stateDir, record, journal.media);
  return `Rolled back the interrupted ${journal.operation} from ${journal.startedAt}: database${journal.media ? ' and media are' : ' is'} as before it.`;
}

/** Settles an interrupted run and removes leftovers; returns notes for the user. */
export async function recoverInterruptedRun(connection: Connection, settings: ConnectionSettings, stateDir: string, mediaDir: string | null): Promise<string[]> {
  const notes: string[] = [];
  const journal = readJournal(stateDir);
  if (journal) {
    try {
      notes.push(await settleJournal(connection, settings, stateDir, journal));
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`Could not settle the interrupted ${journal.operation} from ${journal.startedAt}: ${(error as Error).message}`, {
        fix: `Nothing else was changed. Fix the cause and run: restore-from-prod --cleanup   (journal: ${stateDir}/journal.json)`,
        exitCode: ExitCode.restoreFailed,
        cause: error,
      });
    }
  }
  const account = await dropLeftoverStagingAccount(connection, stateDir);
  if (account) notes.push(account);
  const [rows] = await connection.query('SHOW DATABASES LIKE ?', [stagingDatabasePattern(settings.database)]);
  for (const row of rows as Array<Record<string, string>>) {
    const name = Object.values(row)[0]!;
    await connection.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
    notes.push(`Removed the leftover staging database "${name}".`);
  }
  if (mediaDir) {
    if (directoryIdentity(parkingDir(mediaDir)) !== null && !journal) {
      // Never delete a parked directory without a journal telling what it is.
      notes.push(`Left ${parkingDir(mediaDir)} in place (no journal says what it holds); look at it and remove it by hand.`);
    }
    for (const dir of await removeMediaLeftovers(mediaDir)) notes.push(`Removed the leftover media directory ${dir}.`);
  }
  return notes;
}
