// The .husky/<hook> files: our one line appended (with a marker), found, and removed again.
import { chmod, mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HookName } from '../hook-names.js';

/** Appended to every line migration-guard adds, so `uninstall` removes exactly those. */
export const MARKER = '# added by migration-guard install';

/** The templates shipped in the package's hooks/ directory. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../hooks/', import.meta.url));

export type HookFileOutcome = 'created' | 'appended' | 'already-present';

/**
 * Our line for a hook: the template's one-line shim plus the marker. `binDir` is where the
 * migration-guard bin is, relative to the git root, when package.json is in a subdirectory (husky
 * puts only the root's node_modules/.bin on PATH, and the hook must run at the root).
 */
export async function hookLine(name: HookName, binDir = ''): Promise<string> {
  const template = (await readFile(path.join(TEMPLATES_DIR, name), 'utf8')).trim();
  return `${binDir ? `${binDir}/` : ''}${template} ${MARKER}`;
}

/** Writes or extends <huskyDir>/<name>; an existing script keeps its content and gets our line added. */
export async function installHookFile(huskyDir: string, name: HookName, binDir = ''): Promise<HookFileOutcome> {
  const file = path.join(huskyDir, name);
  const line = await hookLine(name, binDir);
  const existing = await readFile(file, 'utf8').catch(() => null);
  await mkdir(huskyDir, { recursive: true });
  if (existing === null) {
    await writeFile(file, `${line}\n`, { mode: 0o755 });
    return 'created';
  }
  if (existing.includes(`migration-guard hook ${name}`)) return 'already-present';
  const lines = existing.replace(/\n+$/, '').split('\n');
  // A script ending in `exit 0` would never reach a line appended after it.
  const last = lines.at(-1)?.trim() ?? '';
  if (/^exit(\s+0)?$/.test(last)) lines.splice(lines.length - 1, 0, line);
  else lines.push(line);
  await writeFile(file, `${lines.join('\n')}\n`);
  await chmod(file, 0o755);
  return 'appended';
}

/** Removes our lines from .husky/<name>; deletes the file when nothing else is left. Returns what happened. */
export async function uninstallHookFile(huskyDir: string, name: HookName): Promise<'removed-file' | 'removed-line' | 'absent'> {
  const file = path.join(huskyDir, name);
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing === null || !existing.includes(MARKER)) return 'absent';
  const kept = existing.split('\n').filter((line) => !line.includes(MARKER));
  if (kept.every((line) => line.trim() === '' || line.startsWith('#!'))) {
    await rm(file);
    return 'removed-file';
  }
  await writeFile(file, `${kept.join('\n').replace(/\n+$/, '')}\n`);
  return 'removed-line';
}

/** Hook scripts left in .husky/ (husky's own _/ directory aside). */
export async function remainingHookFiles(huskyDir: string): Promise<string[]> {
  const entries = await readdir(huskyDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

/** Removes .husky/_ and .husky itself when no hook is left. */
export async function removeEmptyHuskyDir(huskyDir: string): Promise<boolean> {
  if ((await remainingHookFiles(huskyDir)).length > 0) return false;
  await rm(path.join(huskyDir, '_'), { recursive: true, force: true });
  await rmdir(huskyDir).catch(() => {});
  return true;
}
