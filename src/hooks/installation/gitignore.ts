// Keeps .migration-guard/ (per-checkout state: the recorded Python) out of git.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ENTRY = '.migration-guard/';

function isOurEntry(line: string): boolean {
  return ['.migration-guard', '.migration-guard/', '/.migration-guard', '/.migration-guard/'].includes(line.trim());
}

/** Adds the entry to <dir>/.gitignore; returns false when it was already there. */
export async function ensureIgnored(dir: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.split('\n').some(isOurEntry)) return false;
  await writeFile(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${ENTRY}\n`);
  return true;
}

/** Removes the entry install added. */
export async function removeIgnoreEntry(dir: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return false;
  const lines = text.split('\n');
  const kept = lines.filter((line) => line.trim() !== ENTRY);
  if (kept.length === lines.length) return false;
  await writeFile(file, kept.join('\n'));
  return true;
}
