// Remembers that the guarded migrations/ directories had no untracked migration, keyed by each
// directory's mtime: adding, removing or renaming a file there changes it, so while every mtime is
// unchanged the fast path needs no `git ls-files --others` (8 ms on a 7,000-file repository).
// A file that becomes untracked without touching its directory (`git rm --cached`) is a staged
// deletion, which the slow path sees anyway. Node builtins only.
import { statSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';

interface MemoFile {
  version: 1;
  dirs: Record<string, number>;
}

// A directory changed this recently may change again within the same mtime tick: not remembered.
const SETTLED_MS = 2_000;

function memoFile(dotGit: string): string {
  return path.join(dotGit, 'migration-guard', 'untracked-clean.json');
}

function mtimes(root: string, dirs: readonly string[]): Record<string, number> {
  return Object.fromEntries(dirs.map((dir) => {
    try {
      return [dir, statSync(path.join(root, dir)).mtimeMs];
    } catch {
      return [dir, -1];
    }
  }));
}

/** Whether the directories are unchanged since they were last found free of untracked migrations. */
export function knownFreeOfUntracked(dotGit: string, root: string, dirs: readonly string[]): boolean {
  const memo = readJsonFile<MemoFile>(memoFile(dotGit));
  if (memo?.version !== 1) return false;
  const now = mtimes(root, dirs);
  return dirs.every((dir) => memo.dirs[dir] !== undefined && memo.dirs[dir] === now[dir]);
}

/** Records that the directories hold no untracked migration now (when none changed a moment ago). */
export function rememberFreeOfUntracked(dotGit: string, root: string, dirs: readonly string[]): void {
  const now = mtimes(root, dirs);
  const settled = Date.now() - SETTLED_MS;
  if (Object.values(now).some((mtime) => mtime > settled)) return;
  rememberJsonFile(memoFile(dotGit), { version: 1, dirs: now } satisfies MemoFile);
}
