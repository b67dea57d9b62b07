// Will a backup fit? Estimated from the tables' sizes in information_schema against the directory's free space.
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from '../db/connect.js';

/** Room kept free beyond the estimate: the state and pending-SQL records, journals, filesystem slack. */
const MARGIN_BYTES = 1024 * 1024;

export interface SpaceEstimate {
  /** Sum of DATA_LENGTH: the dump's text is about this size before gzip, usually several times more than the .gz. */
  dataBytes: number;
  /** Bytes the backup is assumed to need (data + margin). */
  neededBytes: number;
  /** Bytes available to this user in the directory's filesystem. */
  freeBytes: number;
  enough: boolean;
}

/** Bytes of table data in `database` (index pages are not dumped, only their definitions). */
export async function databaseDataBytes(connection: Connection, database: string): Promise<number> {
  const [rows] = await connection.query('SELECT COALESCE(SUM(DATA_LENGTH), 0) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]);
  return Number((rows as Array<{ bytes: string | number }>)[0]?.bytes ?? 0);
}

/** `dir` if it exists, else its nearest existing parent (the filesystem root at worst): where `dir` would be created. */
export function nearestExistingDir(dir: string): string {
  let existing = dir;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  return existing;
}

/** Free bytes for an unprivileged writer in the filesystem holding `dir` (or its nearest existing parent, for `deploy --plan`). */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(nearestExistingDir(dir));
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Compares the expected backup size with the free space in `dir`. */
export async function estimateBackupSpace(connection: Connection, database: string, dir: string): Promise<SpaceEstimate> {
  const [dataBytes, free] = await Promise.all([databaseDataBytes(connection, database), freeBytes(dir)]);
  const neededBytes = dataBytes + MARGIN_BYTES;
  return { dataBytes, neededBytes, freeBytes: free, enough: free >= neededBytes };
}
