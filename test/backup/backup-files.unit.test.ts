// Backup names: <db>-<timestamp>-<gitrev>[-label].sql.gz, newest first, same-second backups kept apart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { companionPaths, fileTimestamp, listBackups, newBackupPath, parseBackupFileName } from '../../src/backup/backup-files.js';
import { applyRetention } from '../../src/backup/retention.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-backups-'));
  dirs.push(dir);
  return dir;
}

describe('backup files', () => {
  it('names a backup by database, UTC timestamp and revision, and parses it back', () => {
    const date = new Date('2026-11-25T10:15:30.123Z');
    expect(fileTimestamp(date)).toBe('20261125T101530Z');
    const file = newBackupPath('/b', 'shop-db', 'abc123def456', undefined, date);
    expect(file).toBe('/b/shop-db-20261125T101530Z-abc123def456.sql.gz');
    expect(parseBackupFileName(path.basename(file), 'shop-db')).toMatchObject({ timestamp: '20261125T101530Z', gitRevision: 'abc123def456', label: null });
    expect(parseBackupFileName('shop-db-20261125T101530Z-abc123def456-before-restore.sql.gz', 'shop-db')).toMatchObject({ label: 'before-restore' });
    expect(parseBackupFileName('shop-20261125T101530Z-abc.sql.gz', 'shop-db')).toBeNull();
    expect(companionPaths(file)).toEqual({ state: '/b/shop-db-20261125T101530Z-abc123def456.state.json', pendingSql: '/b/shop-db-20261125T101530Z-abc123def456.pending.sql' });
  });

  it('keeps same-second backups apart and lists them newest first; retention keeps the newest N with their records', async () => {
    const dir = tempDir();
    const date = new Date('2026-11-25T10:15:30Z');
    const names: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const file = newBackupPath(dir, 'db', 'abc', undefined, date);
      writeFileSync(file, 'x');
      writeFileSync(companionPaths(file).state, '{}');
      names.push(path.basename(file));
    }
    writeFileSync(path.join(dir, 'db-20261124T090000Z-abc.sql.gz'), 'older');
    writeFileSync(path.join(dir, 'other-20261126T090000Z-abc.sql.gz'), 'another database');
    expect(names).toEqual(['db-20261125T101530Z-abc.sql.gz', 'db-20261125T101530Z.2-abc.sql.gz', 'db-20261125T101530Z.3-abc.sql.gz']);
    expect(listBackups(dir, 'db').map((backup) => backup.fileName)).toEqual([...names].reverse().concat('db-20261124T090000Z-abc.sql.gz'));

    const removed = await applyRetention(dir, 'db', 2);
    expect(removed.map((file) => path.basename(file))).toEqual(['db-20261125T101530Z-abc.sql.gz', 'db-20261124T090000Z-abc.sql.gz']);
    expect(listBackups(dir, 'db').map((backup) => backup.fileName)).toEqual([names[2], names[1]]);
    expect(listBackups(dir, 'other')).toHaveLength(1);

    // Retention freed the second's first name; the next backup of that second must still sort newest.
    const next = newBackupPath(dir, 'db', 'def', undefined, date);
    expect(path.basename(next)).toBe('db-20261125T101530Z.4-def.sql.gz');
    writeFileSync(next, 'x');
    expect(listBackups(dir, 'db')[0]!.fileName).toBe('db-20261125T101530Z.4-def.sql.gz');
    // A backup still being written holds its number too.
    writeFileSync(path.join(dir, 'db-20261125T101530Z.5-def.sql.gz.tmp'), '');
    expect(path.basename(newBackupPath(dir, 'db', 'def', undefined, date))).toBe('db-20261125T101530Z.6-def.sql.gz');
  });
});
