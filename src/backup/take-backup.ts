// Takes a verified, durable backup: state record, dump through gzip to a temp file, verify, fsync, rename, retention.
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { connect } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import { companionPaths, newBackupPath, TEMP_SUFFIX } from './backup-files.js';
import { compareDatabaseStates, readDatabaseState, type DatabaseState } from './database-state.js';
import { dumpDatabaseToFile, DumpError } from './dump-to-file.js';
import { fsyncDirectory, fsyncFile, writeFileDurably } from '../fs/durable-files.js';
import { applyRetention } from './retention.js';
import { verifyBackupFile } from './verify-backup.js';
import { formatBytes } from '../ui/format-bytes.js';

export interface TakeBackupOptions {
  settings: ConnectionSettings;
  dir: string;
  /** The code revision the database belongs to (short hash), or "nogit". */
  gitRevision: string;
  /** Appended to the name, e.g. "before-restore". */
  label?: string;
  /** Keep the newest N backups of this database; older ones are removed after this one is verified. */
  keep?: number;
  env?: NodeJS.ProcessEnv;
  /** Called when the dump program starts (its pid goes into the deploy journal). */
  onDumpSpawn?: (pid: number | undefined, tempFile: string) => void;
  onProgress?: (sqlBytes: number) => void;
}

/** The state record saved beside a backup. */
export interface BackupStateRecord {
  backup: string;
  gitRevision: string;
  /** True when nothing changed in the database while the dump ran, so the state is exactly the dump's content. */
  exact: boolean;
  state: DatabaseState;
}

export interface BackupInfo {
  path: string;
  statePath: string;
  compressedBytes: number;
  sqlBytes: number;
  exact: boolean;
  /** What changed while the dump ran (empty when exact). */
  changedDuringDump: string[];
  state: DatabaseState;
  removedByRetention: string[];
  durationMs: number;
}

/** The backup could not be taken, written or verified; nothing usable was left behind. */
export class BackupFailedError extends UserError {
  constructor(message: string, fix: string, cause?: unknown) {
    super(message, { fix, cause });
    this.name = 'BackupFailedError';
  }
}

/** Takes the backup; throws BackupFailedError (with the temp files removed) when it cannot be written or verified. */
export async function takeBackup(options: TakeBackupOptions): Promise<BackupInfo> {
  const started = Date.now();
  const { settings, dir } = options;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new BackupFailedError(`Cannot create the backup directory ${dir}: ${(error as Error).message}`, `Create it writable for this user (mkdir -p ${dir}), or set "deploy": { "backupDir": "..." } in the config.`, error);
  }
  const finalPath = newBackupPath(dir, settings.database, options.gitRevision, options.label);
  const tempPath = finalPath + TEMP_SUFFIX;
  const { state: statePath } = companionPaths(finalPath);

  const { before, after, sqlBytes } = await dumpWithState(options, tempPath, dir);

  try {
    const check = await verifyBackupFile(tempPath);
    if (!check.ok) throw new BackupFailedError(`Backup of "${settings.database}" is not usable: ${check.problem} (${tempPath}).`, `Check free space and the dump program's output, then retry: migration-guard backup`);
    await fsyncFile(tempPath);
    const changedDuringDump = compareDatabaseStates(before, after);
    const record: BackupStateRecord = { backup: path.basename(finalPath), gitRevision: options.gitRevision, exact: changedDuringDump.length === 0, state: before };
    await writeFileDurably(statePath, `${JSON.stringify(record, null, 1)}\n`);
    await rename(tempPath, finalPath);
    await fsyncDirectory(dir);
    const removedByRetention = options.keep ? await applyRetention(dir, settings.database, options.keep, [finalPath]) : [];
    return {
      path: finalPath,
      statePath,
      compressedBytes: check.compressedBytes,
      sqlBytes,
      exact: record.exact,
      changedDuringDump,
      state: before,
      removedByRetention,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    await rm(tempPath, { force: true });
    await rm(statePath, { force: true });
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupFailedError(`Backup of "${settings.database}" could not be saved in ${dir}: ${(error as Error).message}.`, code === 'ENOSPC' ? `Free space in ${dir} (need about ${formatBytes(sqlBytes)} uncompressed), or point "deploy.backupDir" at a larger disk.` : `Make ${dir} writable for this user, then retry.`, error);
  }
}

function backupFix(dir: string, error: DumpError): string {
  if (/no space left/.test(error.message)) return `Free space in ${dir}, or point "deploy.backupDir" (or --backup-dir) at a disk with room; then retry.`;
  if (/read-only|permission denied/.test(error.message)) return `Make ${dir} writable for this user, or point "deploy.backupDir" (or --backup-dir) elsewhere.`;
  if (/insufficient privileges to SHOW CREATE (PROCEDURE|FUNCTION)/.test(error.message)) {
    return 'A stored routine was created by another user, and only its definer may read it: GRANT SELECT ON mysql.proc TO the application user (MariaDB), or recreate the routine as that user.';
  }
  return 'Check that the database user may read every table, routine and trigger (SELECT, SHOW VIEW, TRIGGER), then retry: migration-guard backup';
}

// Dumps into `tempPath` while reading the database's state, then reads the state again; removes the temp file on any failure.
async function dumpWithState(options: TakeBackupOptions, tempPath: string, dir: string): Promise<{ before: DatabaseState; after: DatabaseState; sqlBytes: number }> {
  const { settings } = options;
  const connection = await connect(settings);
  try {
    // The state is read while the dump runs (both only read); reading it again afterwards proves nothing changed.
    const dump = dumpDatabaseToFile(settings, tempPath, { env: options.env, onSpawn: (pid) => options.onDumpSpawn?.(pid, tempPath), onProgress: options.onProgress });
    const [stateResult, dumpResult] = await Promise.allSettled([readDatabaseState(connection, settings.database), dump]);
    if (dumpResult.status === 'rejected') {
      const error = dumpResult.reason as Error;
      if (error instanceof DumpError) throw new BackupFailedError(`Backup of "${settings.database}" failed: ${error.message}.`, backupFix(dir, error), error);
      throw error;
    }
    if (stateResult.status === 'rejected') throw stateResult.reason as Error;
    const after = await readDatabaseState(connection, settings.database);
    return { before: stateResult.value, after, sqlBytes: dumpResult.value.sqlBytes };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}
