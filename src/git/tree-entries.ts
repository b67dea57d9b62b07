// Files of a tree or of the index (mode, blob id, path), and blob contents, read without a checkout.
import { git, runGitBytes } from './run-git.js';
import { splitNul } from './git-sync.js';
import type { Repository } from './repository.js';

export interface TreeEntry {
  mode: string;
  /** Blob id (or commit id for a submodule). */
  object: string;
  /** Path relative to the repository root. */
  path: string;
}

/** Entries of the index (stage 0), optionally limited to pathspecs. */
export async function listIndexEntries(repository: Repository, pathspecs: string[] = []): Promise<TreeEntry[]> {
  const output = await git(repository.root, ['ls-files', '--stage', '-z', ...(pathspecs.length ? ['--', ...pathspecs] : [])]);
  return splitNul(output).map((line) => {
    const tab = line.indexOf('\t');
    const [mode, object] = line.slice(0, tab).split(' ');
    return { mode: mode!, object: object!, path: line.slice(tab + 1) };
  });
}

/** Files of a commit's tree (recursively), optionally limited to pathspecs. */
export async function listTreeEntries(repository: Repository, rev: string, pathspecs: string[] = []): Promise<TreeEntry[]> {
  const output = await git(repository.root, ['ls-tree', '-r', '-z', '--full-tree', rev, ...(pathspecs.length ? ['--', ...pathspecs] : [])]);
  return splitNul(output).map((line) => {
    const tab = line.indexOf('\t');
    const [mode, , object] = line.slice(0, tab).split(' ');
    return { mode: mode!, object: object!, path: line.slice(tab + 1) };
  });
}

/** Contents of blobs by id, in one `git cat-file --batch` process; ids git lacks are left out. */
export async function readBlobs(repository: Repository, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const contents = new Map<string, string>();
  if (unique.length === 0) return contents;
  const { stdout: output } = await runGitBytes(repository.root, ['cat-file', '--batch'], { input: `${unique.join('\n')}\n` });
  let pos = 0;
  while (pos < output.length) {
    const lineEnd = output.indexOf(10, pos);
    if (lineEnd < 0) break;
    const header = output.subarray(pos, lineEnd).toString('utf8');
    pos = lineEnd + 1;
    const [id, type, sizeText] = header.split(' ');
    if (type === 'missing' || sizeText === undefined) continue;
    const size = Number(sizeText);
    contents.set(id!, output.subarray(pos, pos + size).toString('utf8'));
    pos += size + 1;
  }
  return contents;
}

/** Which of the given `<rev>:<path>` names exist, in one `git cat-file --batch-check` process. */
export async function existingObjects(repository: Repository, names: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (names.length === 0) return found;
  // %(rest) is empty here; the answer lines come back in the order asked.
  const output = await git(repository.root, ['cat-file', '--batch-check=%(objecttype)'], { input: `${names.join('\n')}\n` });
  const answers = output.split('\n');
  names.forEach((name, i) => {
    const answer = answers[i] ?? '';
    if (answer !== '' && !answer.endsWith('missing') && !answer.includes('ambiguous')) found.add(name);
  });
  return found;
}
