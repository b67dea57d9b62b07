// What changed between two states of the repository, as lists of (status, path).
import { git } from './run-git.js';
import { splitNul } from './git-sync.js';
import { resolveCommit, type Repository } from './repository.js';

/** A = added, M = modified, D = deleted, T = type changed (renames are reported as D + A). */
export type ChangeStatus = 'A' | 'M' | 'D' | 'T';

export interface FileChange {
  status: ChangeStatus;
  /** Path relative to the repository root, with forward slashes. */
  path: string;
}

/** Parses `git diff --name-status -z --no-renames` output. */
export function parseNameStatus(output: string): FileChange[] {
  const fields = splitNul(output);
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]![0] as ChangeStatus;
    changes.push({ status, path: fields[i + 1]! });
  }
  return changes;
}

/** What `git commit` would record: the index against HEAD (against the empty tree on an unborn branch). */
export async function listStagedChanges(repository: Repository): Promise<FileChange[]> {
  // Plumbing (diff-index), which never writes the index, unlike some porcelain.
  const base = (await resolveCommit(repository, 'HEAD')) ?? (await emptyTreeId(repository));
  return parseNameStatus(await git(repository.root, ['diff-index', '--cached', '--name-status', '--no-renames', '-z', base]));
}

/** The id of the empty tree in this repository's hash (sha1 or sha256). */
export async function emptyTreeId(repository: Repository): Promise<string> {
  return (await git(repository.root, ['hash-object', '-t', 'tree', '--stdin'], { input: '' })).trim();
}

/** Changes between two commits, optionally limited to pathspecs. */
export async function listChangesBetween(repository: Repository, from: string, to: string, pathspecs: string[] = []): Promise<FileChange[]> {
  const args = ['diff', '--name-status', '--no-renames', '-z', from, to];
  if (pathspecs.length) args.push('--', ...pathspecs);
  return parseNameStatus(await git(repository.root, args));
}

/** Untracked, not ignored files below the given directories (relative to the repository root). */
export async function listUntrackedFiles(repository: Repository, dirs: string[]): Promise<string[]> {
  if (dirs.length === 0) return [];
  return splitNul(await git(repository.root, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...dirs]));
}

/** Each commit reachable from `tip` but from none of `exclude` (what a push sends), with its file changes. */
export async function listCommitChanges(repository: Repository, tip: string, exclude: string[], pathspecs: string[] = []): Promise<CommitChanges[]> {
  // --cc: a merge shows only what differs from every parent (conflict resolutions), never what it
  // brings in from a branch that is already published.
  const args = ['log', '--format=%x01%H', '--name-status', '--no-renames', '-z', '--cc', tip, ...exclude];
  if (pathspecs.length) args.push('--', ...pathspecs);
  return parseLogNameStatus(await git(repository.root, args));
}

export interface CommitChanges {
  commit: string;
  changes: FileChange[];
}

/** Parses `git log --format=%x01%H --name-status -z [--cc]` output. */
export function parseLogNameStatus(output: string): CommitChanges[] {
  const commits: CommitChanges[] = [];
  for (const chunk of output.split('\x01')) {
    if (chunk === '') continue;
    const fields = chunk.split('\0').map((field) => field.replace(/^\n/, ''));
    const commit: CommitChanges = { commit: fields[0]!, changes: [] };
    const rest = fields.slice(1).filter((field) => field !== '');
    for (let i = 0; i + 1 < rest.length; i += 2) {
      commit.changes.push({ status: combinedStatus(rest[i]!), path: rest[i + 1]! });
    }
    commits.push(commit);
  }
  return commits;
}

// A merge's combined status has one letter per parent ("MM", "AA", "DM").
function combinedStatus(letters: string): ChangeStatus {
  if (letters.length === 1) return letters as ChangeStatus;
  if (letters.includes('D')) return 'D';
  if ([...letters].every((letter) => letter === 'A')) return 'A';
  return 'M';
}
