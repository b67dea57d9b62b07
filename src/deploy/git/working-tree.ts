// Is the server's checkout exactly a commit? Local edits and untracked files (above all migration files
// someone generated on the server with makemigrations) make a deploy refuse.
import path from 'node:path';
import { git } from '../../git/run-git.js';
import { splitNul } from '../../git/git-sync.js';
import { isMigrationModuleFileName } from '../../django/migration-files.js';

export interface WorkingTreeState {
  /** The repository's top-level directory. */
  topLevel: string;
  /** Migration modules git does not track (untracked or ignored), relative to the top level. */
  untrackedMigrations: string[];
  /** Other changes: "M path", "?? path", … as `git status --porcelain` prints them. */
  changes: string[];
}

/** Reads the working tree's state, leaving out `excluded` directories (backups, migration-guard's own state). */
export async function inspectWorkingTree(cwd: string, migrationsDirs: string[], excluded: string[]): Promise<WorkingTreeState> {
  const topLevel = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const relative = (dir: string) => path.relative(topLevel, dir).split(path.sep).join('/');
  const excludedPrefixes = excluded.map(relative).filter((dir) => dir && !dir.startsWith('..')).map((dir) => `${dir}/`);
  const isExcluded = (file: string) => excludedPrefixes.some((prefix) => file.startsWith(prefix)) || /(^|\/)__pycache__\//.test(file) || file.endsWith('.pyc');

  const status = splitNul(await git(topLevel, ['status', '--porcelain=v1', '-z', '--untracked-files=all']));
  const changes: string[] = [];
  const untracked: string[] = [];
  for (let index = 0; index < status.length; index += 1) {
    const entry = status[index]!;
    const code = entry.slice(0, 2);
    const file = entry.slice(3);
    if (code[0] === 'R' || code[0] === 'C') index += 1; // the next field is the rename's source
    if (isExcluded(file)) continue;
    if (code === '??') untracked.push(file);
    else changes.push(`${code.trim()} ${file}`);
  }
  const migrationDirsRelative = migrationsDirs.map(relative);
  const inMigrations = (file: string) => migrationDirsRelative.some((dir) => path.posix.dirname(file) === dir) && isMigrationModuleFileName(path.posix.basename(file));

  // An ignored migration file is as invisible to git as an untracked one, and as dangerous.
  const ignored = migrationDirsRelative.length
    ? splitNul(await git(topLevel, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...migrationDirsRelative]))
    : [];
  const untrackedMigrations = [...new Set([...untracked.filter(inMigrations), ...ignored.filter(inMigrations)])].sort();
  for (const file of untracked) if (!inMigrations(file)) changes.push(`?? ${file}`);
  return { topLevel, untrackedMigrations, changes };
}
