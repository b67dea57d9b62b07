// The restore journal: written (and fsync'ed) before the first change to the developer's database or media,
// so a run killed at any point can be rolled back, or finished, by the next run.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_STATE_DIR } from '../config/local-state.js';
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

/** Writes the journal durably: temp file, fsync, rename, fsync of the directory. */
export function writeJournal(stateDir: string, journal: RestoreJournal): void {
  mkdirSync(stateDir, { recursive: true });
  const file = journalPath(stateDir);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(journal, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  syncDirectory(stateDir);
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

export function removeJournal(stateDir: string): void {
  rmSync(journalPath(stateDir), { force: true });
  syncDirectory(stateDir);
}

/** fsync of a directory, so a rename in it survives a crash. */
export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself has happened.
  }
}
