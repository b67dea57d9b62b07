// Restores a backup into the database: checks the file, drops what is there, loads the dump, verifies the result.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { connect, quoteIdentifier, type Connection } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';
import { companionPaths } from './backup-files.js';
import { compareDatabaseStates, readDatabaseState } from './database-state.js';
import { redactSecrets } from '../ui/redact-secrets.js';
import type { BackupStateRecord } from './take-backup.js';
import { verifyBackupFile, type BackupCheck } from './verify-backup.js';
import { startClient } from '../db/mariadb-client.js';

export interface RestoreResult {
  /** How the result was checked: against the state saved with the backup (exactly, or schema only), or the dump's own table list. */
  verification: 'exact' | 'schema-and-migrations' | 'tables-in-dump';
  /** Differences from the expected state; empty when the restore is verified. */
  differences: string[];
  tables: number;
  durationMs: number;
}

/** The backup file is unusable: nothing was touched. */
export class UnusableBackupError extends UserError {
  constructor(message: string, fix: string) {
    super(message, { fix, exitCode: ExitCode.cannotRun });
    this.name = 'UnusableBackupError';
  }
}

/** Loading the dump failed after the database was emptied: the database is not in a known state. */
export class RestoreLoadError extends UserError {
  constructor(message: string, fix: string, cause?: unknown) {
    super(message, { fix, exitCode: ExitCode.restoreFailed, cause });
    this.name = 'RestoreLoadError';
  }
}

/** Reads the state record saved beside a backup, or null when there is none (a dump made elsewhere). */
export async function readBackupStateRecord(backupPath: string): Promise<BackupStateRecord | null> {
  try {
    return JSON.parse(await readFile(companionPaths(backupPath).state, 'utf8')) as BackupStateRecord;
  } catch {
    return null;
  }
}

/** Replaces the database's content with the backup's and verifies it. Throws UnusableBackupError before touching anything. */
export async function restoreBackup(
  settings: ConnectionSettings,
  file: string,
  options: {
    env?: NodeJS.ProcessEnv;
    onSpawn?: (pid: number | undefined) => void;
    /** verifyBackupFile(file), when the caller already ran it: spares a second full read through gunzip. */
    verified?: BackupCheck;
  } = {},
): Promise<RestoreResult> {
  const started = Date.now();
  const check = options.verified ?? (await verifyBackupFile(file));
  if (!check.ok) throw new UnusableBackupError(`Backup ${file} cannot be restored: ${check.problem}. The database was not touched.`, 'Choose another backup (ls -t the backup directory), or take a new one with: migration-guard backup');
  const record = await readBackupStateRecord(file);

  const connection = await connect(settings, { multipleStatements: true });
  try {
    await dropEverything(connection, settings.database);
    const createdTables = await loadDump(settings, file, options.env, options.onSpawn);
    const actual = await readDatabaseState(connection, settings.database);
    let differences: string[];
    let verification: RestoreResult['verification'];
    if (record) {
      verification = record.exact ? 'exact' : 'schema-and-migrations';
      differences = compareDatabaseStates(record.state, actual, { checksums: record.exact, ignoreAutoIncrement: !record.exact });
    } else {
      verification = 'tables-in-dump';
      const missing = [...createdTables].filter((name) => !(name in actual.tables));
      differences = missing.length ? [`tables in the dump but not in the database: ${missing.join(', ')}`] : [];
    }
    return { verification, differences, tables: Object.keys(actual.tables).length, durationMs: Date.now() - started };
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

// A failed migration can leave tables, views and routines the backup does not know: remove all first.
async function dropEverything(connection: Connection, database: string): Promise<void> {
  const [objects] = await connection.query('SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]);
  const rows = objects as Array<{ name: string; type: string }>;
  const views = rows.filter((row) => row.type === 'VIEW').map((row) => quoteIdentifier(row.name));
  const tables = rows.filter((row) => row.type !== 'VIEW').map((row) => quoteIdentifier(row.name));
  const [routineRows] = await connection.query('SELECT ROUTINE_TYPE AS type, ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?', [database]);
  const statements = ['SET FOREIGN_KEY_CHECKS = 0'];
  if (views.length) statements.push(`DROP VIEW IF EXISTS ${views.join(', ')}`);
  if (tables.length) statements.push(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
  for (const routine of routineRows as Array<{ type: string; name: string }>) statements.push(`DROP ${routine.type === 'FUNCTION' ? 'FUNCTION' : 'PROCEDURE'} IF EXISTS ${quoteIdentifier(routine.name)}`);
  statements.push('SET FOREIGN_KEY_CHECKS = 1');
  try {
    await connection.query(statements.join(';\n'));
  } catch (error) {
    throw new RestoreLoadError(`Could not empty "${database}" before the restore: ${(error as Error).message}.`, 'Check that the database user may DROP tables, views and routines in it.', error);
  }
}

// Streams the gunzipped dump into the command-line client (--binary-mode: the dump cannot run client commands), noting the tables it creates.
async function loadDump(settings: ConnectionSettings, file: string, env?: NodeJS.ProcessEnv, onSpawn?: (pid: number | undefined) => void): Promise<Set<string>> {
  const created = new Set<string>();
  // Its own process group: a Ctrl-C on the terminal must not cut a restore short (the deploy finishes it first).
  const client = await startClient(settings, env, { detached: true, extraArgs: ['--default-character-set=utf8mb4'] });
  onSpawn?.(client.pid);
  let carry = '';
  const scanner = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      // Only the text around line starts matters; INSERT lines can be megabytes long.
      const text = carry + chunk.toString('latin1');
      for (const match of text.matchAll(/^CREATE TABLE `((?:[^`]|``)+)`/gm)) created.add(match[1]!.replace(/``/g, '`'));
      carry = text.slice(Math.max(0, text.length - 300));
      callback(null, chunk);
    },
  });
  let streamError: Error | undefined;
  try {
    await pipeline(createReadStream(file), createGunzip(), scanner, client.stdin);
  } catch (error) {
    streamError = error as Error;
  }
  // The client's options file is removed once it has exited.
  const exit = await client.exited;
  const program = client.program;
  if (exit.spawnError) throw new RestoreLoadError(`Could not start ${program}: ${exit.spawnError.message}.`, 'Install the MariaDB/MySQL client (apt-get install mariadb-client).', exit.spawnError);
  const message = redactSecrets(exit.stderr.trim(), [settings.password]);
  if (exit.code !== 0 || streamError) {
    throw new RestoreLoadError(`Loading ${file} into "${settings.database}" failed${exit.code ? ` (${program.split('/').pop()} exit ${exit.code})` : ''}: ${message || streamError?.message || '(no message)'}.`, `The database is incomplete. Retry with: migration-guard restore-backup ${file}`, streamError);
  }
  return created;
}
