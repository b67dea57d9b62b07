// The restore journal: written (and fsync'ed) before the first change to the developer's database or media,
// so a run killed at any point can be rolled back, or finished, by the next run.
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_STATE_DIR } from '../config/local-state.js';
import { fsyncDirectoryBestEffort, writeFileDurably } from '../fs/durable-files.js';
import type { DatabaseObjects } from './database-objects.js';

/** A directory's identity: it survives rename(2), so it tells where a directory went. */
export interface DirectoryIdentity {
  dev: number;
  ino: number;
}

export interface DatabaseSwapRecord {
  host: string;
  port: number;
  socket?: string;
  /** The developer's database. */
  target: string;
  /** Where the incoming tables come from (the staging database, or the kept copy for --undo). */
  incoming: string;
  /** Where the target's current tables go (the kept copy `<target>__previous`). */
  keep: string;
  /** Database holding the swap marker before the swap, and the scratch space of an --undo swap. */
  markerHome: string;
  /** A table that moves from markerHome to keep in the same RENAME: where it is tells whether the swap happened. */
  marker: string;
  /** Base tables before the swap. */
  targetTables: string[];
  incomingTables: string[];
  /** Views, triggers and routines before the swap, to recreate them on either side. */
  targetObjects: DatabaseObjects;
  incomingObjects: DatabaseObjects;
}

export interface MediaSwapRecord {
  target: string;
  /** Where each directory was before the swap (null: nothing there). */
  before: Record<string, DirectoryIdentity | null>;
  /** Where each directory is after the swap. */
  after: Record<string, DirectoryIdentity | null>;
  /** A free path used to break the cycle of an --undo swap. */
  parking: string;
  /** A directory to delete once rolled back (the extracted tarball), if any. */
  discardOnRollback?: string;
}

export interface RestoreJournal {
  version: 1;
  operation: 'restore' | 'undo';
  /** prepared: changes may be under way, roll back. committed: done, only cleanup is left. */
  state: 'prepared' | 'committed';
  startedAt: string;
  pid: number;
  database?: DatabaseSwapRecord;
  media?: MediaSwapRecord;
}

/** Where restore-from-prod keeps its lock and journal for a checkout. */
export function restoreStateDir(repoRoot: string): string {
  return path.join(repoRoot, LOCAL_STATE_DIR, 'restore');
}

export function journalPath(stateDir: string): string {
  return path.join(stateDir, 'journal.json');
}

/**
 * Writes the journal durably: temp file, fsync, rename, fsync of the directory. A directory fsync the
 * filesystem refuses is ignored: the journal is in place by then, and failing would strand the run.
 */
export async function writeJournal(stateDir: string, journal: RestoreJournal): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFileDurably(journalPath(stateDir), `${JSON.stringify(journal, null, 2)}\n`, 0o600, fsyncDirectoryBestEffort);
}

/** The journal of an unfinished run, or null. */
export function readJournal(stateDir: string): RestoreJournal | null {
  try {
    return JSON.parse(readFileSync(journalPath(stateDir), 'utf8')) as RestoreJournal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function removeJournal(stateDir: string): Promise<void> {
  await rm(journalPath(stateDir), { force: true });
  await fsyncDirectoryBestEffort(stateDir);
}
