// Keep-last-N: removes the oldest backups of a database (and their records) beyond the newest N.
import { rm } from 'node:fs/promises';
import { companionPaths, listBackups } from './backup-files.js';

/** Deletes backups of `database` in `dir` beyond the newest `keep`; never one listed in `protect`. Returns removed paths. */
export async function applyRetention(dir: string, database: string, keep: number, protect: string[] = []): Promise<string[]> {
  const backups = listBackups(dir, database);
  const removed: string[] = [];
  for (const backup of backups.slice(keep)) {
    if (protect.includes(backup.path)) continue;
    const companions = companionPaths(backup.path);
    await rm(backup.path, { force: true });
    await rm(companions.state, { force: true });
    await rm(companions.pendingSql, { force: true });
    removed.push(backup.path);
  }
  return removed;
}
