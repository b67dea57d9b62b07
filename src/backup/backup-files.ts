// Names and finds backups: <db>-<timestamp>-<gitrev>[-<label>].sql.gz and the records kept beside them.
import { existsSync, readdirSync, statSync } from 'node:fs';
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

/** A free backup path in `dir` for `database` at `revision` (a -2, -3… suffix on the timestamp when taken). */
export function newBackupPath(dir: string, database: string, revision: string, label?: string, date = new Date()): string {
  const stamp = fileTimestamp(date);
  for (let attempt = 1; ; attempt += 1) {
    const fileName = `${database}-${stamp}${attempt > 1 ? `.${attempt}` : ''}-${revision}${label ? `-${label}` : ''}${BACKUP_SUFFIX}`;
    const candidate = path.join(dir, fileName);
    if (!existsSync(candidate) && !existsSync(candidate + TEMP_SUFFIX)) return candidate;
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
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const backups: BackupFile[] = [];
  for (const name of names) {
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
