// Keeps .migration-guard/ (per-checkout state: the recorded Python) and node_modules/ out of git.
import { spawnSync } from 'node:child_process';
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

/**
 * Adds `node_modules/` to <root>/.gitignore when git would not ignore `<packageDir>/node_modules`
 * (a new npm project has no .gitignore); returns whether it did. It stays on uninstall.
 */
export async function ensureNodeModulesIgnored(root: string, packageDir: string): Promise<boolean> {
  const probe = path.relative(root, path.join(packageDir, 'node_modules', '.package-lock.json')).split(path.sep).join('/');
  const check = spawnSync('git', ['check-ignore', '-q', '--no-index', probe], { cwd: root });
  if (check.status === 0) return false;
  const file = path.join(root, '.gitignore');
  const text = await readFile(file, 'utf8').catch(() => '');
  await writeFile(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}node_modules/\n`);
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
