// What the last restore replaced (the database, the media, or both), so --undo swaps back exactly that:
// after a database-only restore, `<media>.previous` belongs to an older restore and must stay put.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectoryBestEffort, writeFileDurably } from '../fs/durable-files.js';

export interface LastRestore {
  database: boolean;
  media: boolean;
  at: string;
}

function recordPath(stateDir: string): string {
  return path.join(stateDir, 'last-restore.json');
}

/** Records what a committed restore swapped (written before its journal goes, so a crash cannot lose it). */
export async function recordLastRestore(stateDir: string, swapped: { database: boolean; media: boolean }, at: string): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFileDurably(recordPath(stateDir), `${JSON.stringify({ ...swapped, at } satisfies LastRestore)}\n`, 0o600, fsyncDirectoryBestEffort);
}

/** What the last restore swapped, or null (no restore yet, or one made before this was recorded). */
export function readLastRestore(stateDir: string): LastRestore | null {
  try {
    return JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as LastRestore;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
