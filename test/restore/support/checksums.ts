// Fingerprints of a database and a directory tree, to prove "restored exactly" and "unchanged".
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { ConnectionSettings } from '../../../src/db/connection-settings.js';

export interface DatabaseFingerprint {
  tables: Record<string, { rows: number; checksum: string; columns: string }>;
  views: string[];
  triggers: string[];
  routines: string[];
}

/** Tables with row counts, CHECKSUM TABLE and column types; names of views, triggers and routines. */
export async function databaseFingerprint(settings: ConnectionSettings, database = settings.database): Promise<DatabaseFingerprint> {
  const connection = await mysql.createConnection({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, charset: 'utf8mb4' });
  try {
    const [tables] = (await connection.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [database])) as unknown as [Array<{ name: string }>];
    const result: DatabaseFingerprint = { tables: {}, views: [], triggers: [], routines: [] };
    for (const { name } of tables) {
      const id = `\`${database}\`.\`${name}\``;
      const [[count]] = (await connection.query(`SELECT COUNT(*) AS n FROM ${id}`)) as unknown as [[{ n: number }]];
      const [[sum]] = (await connection.query(`CHECKSUM TABLE ${id}`)) as unknown as [[{ Checksum: string | number }]];
      const [columns] = (await connection.query('SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [database, name])) as unknown as [Array<{ c: string; t: string }>];
      result.tables[name] = { rows: Number(count.n), checksum: String(sum.Checksum), columns: columns.map((column) => `${column.c} ${column.t}`).join(', ') };
    }
    const [views] = (await connection.query('SELECT TABLE_NAME AS n FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY 1', [database])) as unknown as [Array<{ n: string }>];
    const [triggers] = (await connection.query('SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY 1', [database])) as unknown as [Array<{ n: string }>];
    const [routines] = (await connection.query('SELECT ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1', [database])) as unknown as [Array<{ n: string }>];
    result.views = views.map((row) => row.n);
    result.triggers = triggers.map((row) => row.n);
    result.routines = routines.map((row) => row.n);
    return result;
  } finally {
    await connection.end();
  }
}

export interface TreeEntry {
  path: string;
  type: 'file' | 'dir' | 'link';
  mode: number;
  mtime: number;
  content: string;
}

/** Every entry under `root` (root itself included as "."): type, mode, mtime (seconds), sha256 or link target. */
export async function treeFingerprint(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const walk = async (relative: string) => {
    const absolute = path.join(root, relative);
    const info = await lstat(absolute);
    const base = { path: relative, mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs / 1000) };
    if (info.isSymbolicLink()) entries.push({ ...base, type: 'link', content: await readlink(absolute) });
    else if (info.isDirectory()) {
      entries.push({ ...base, type: 'dir', content: '' });
      for (const name of (await readdir(absolute)).sort()) await walk(relative === '.' ? name : path.join(relative, name));
    } else entries.push({ ...base, type: 'file', content: createHash('sha256').update(await readFile(absolute)).digest('hex') });
  };
  await walk('.');
  return entries;
}
