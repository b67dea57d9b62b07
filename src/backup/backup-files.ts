// Names and finds backups: <db>-<timestamp>-<gitrev>[-<label>].sql.gz and the records kept beside them.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const BACKUP_SUFFIX = '.sql.gz';
/** The database state taken with the backup (see database-state.ts). */
export const STATE_SUFFIX = '.state.json';
/** The SQL of the migrations a deploy was about to apply (sqlmigrate), for the record. */
export const PENDING_SQL_SUFFIX = '.pending.sql';
/** A backup being written; renamed into place once verified. */
export const TEMP_SUFFIX = '.tmp';

export interface BackupFile {
  path: string;
  fileName: string;
  database: string;
  /** UTC, compact: 20261125T101530Z. */
  timestamp: string;
  gitRevision: string;
  label: string | null;
  size: number;
}

/** Compact UTC timestamp for file names: 20261125T101530Z. */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * A new backup path in `dir` for `database` at `revision`; backups within the same second get a .2,
 * .3… suffix on the timestamp. The number follows the highest one already used in that second by any
 * backup of the database (finished, being written, or its records): backups are ordered by name, so
 * reusing a number that retention freed would make the newest backup look like the oldest.
 */
export function newBackupPath(dir: string, database: string, revision: string, label?: string, date = new Date()): string {
  const prefix = `${database}-${fileTimestamp(date)}`;
  let highest = 0;
  for (const name of readdirOrEmpty(dir)) {
    if (!name.startsWith(prefix)) continue;
    const sequence = /^(?:\.(\d+))?-/.exec(name.slice(prefix.length));
    if (sequence) highest = Math.max(highest, sequence[1] ? Number(sequence[1]) : 1);
  }
  const next = highest + 1;
  return path.join(dir, `${prefix}${next > 1 ? `.${next}` : ''}-${revision}${label ? `-${label}` : ''}${BACKUP_SUFFIX}`);
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The record files kept beside a backup. */
export function companionPaths(backupPath: string): { state: string; pendingSql: string } {
  const base = backupPath.endsWith(BACKUP_SUFFIX) ? backupPath.slice(0, -BACKUP_SUFFIX.length) : backupPath;
  return { state: base + STATE_SUFFIX, pendingSql: base + PENDING_SQL_SUFFIX };
}

/** Parses a backup's file name; null when it is not one of ours for `database`. */
export function parseBackupFileName(fileName: string, database: string): Omit<BackupFile, 'path' | 'size'> | null {
  if (!fileName.startsWith(`${database}-`) || !fileName.endsWith(BACKUP_SUFFIX)) return null;
  const rest = fileName.slice(database.length + 1, -BACKUP_SUFFIX.length);
  const match = /^(\d{8}T\d{6}Z(?:\.\d+)?)-([0-9a-f]+|nogit)(?:-([a-z-]+))?$/.exec(rest);
  if (!match) return null;
  return { fileName, database, timestamp: match[1]!, gitRevision: match[2]!, label: match[3] ?? null };
}

/** Backups of `database` in `dir`, newest first. */
export function listBackups(dir: string, database: string): BackupFile[] {
  const backups: BackupFile[] = [];
  for (const name of readdirOrEmpty(dir)) {
    const parsed = parseBackupFileName(name, database);
    if (!parsed) continue;
    const full = path.join(dir, name);
    backups.push({ ...parsed, path: full, size: statSync(full).size });
  }
  return backups.sort((a, b) => compareStamps(b.timestamp, a.timestamp));
}

// "20261125T101530Z.2" sorts after "20261125T101530Z".
function compareStamps(a: string, b: string): number {
  const [aTime, aSeq = '1'] = a.split('.');
  const [bTime, bSeq = '1'] = b.split('.');
  if (aTime !== bTime) return aTime! < bTime! ? -1 : 1;
  return Number(aSeq) - Number(bSeq);
}
