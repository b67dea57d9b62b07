// Writes a tree (the staged state, or a commit's) into a directory outside the working tree, so
// Django can run on exactly what is committed, without touching the index or the working tree.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git } from './run-git.js';
import { splitNul } from './git-sync.js';
import type { Repository } from './repository.js';

export interface TreeSnapshot {
  /** Directory holding the tree's files. */
  dir: string;
  /** Whether the directory is the reused one under the git directory (Python may cache bytecode there). */
  persistent: boolean;
  /** Gives the directory back (unlocks or deletes it). */
  release(): Promise<void>;
}

/** The tree id of the index (the staged state), computed on a copy so the real index is never written. */
export async function stagedTreeId(repository: Repository): Promise<string> {
  const indexFile = (await git(repository.root, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mg-index-'));
  const copy = path.join(scratch, 'index');
  try {
    await copyFile(indexFile, copy).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // no index yet: an empty stage
    });
    // write-tree records the cache-tree in the index it reads: let that be our copy.
    return (await git(repository.root, ['write-tree'], { env: { GIT_INDEX_FILE: copy } })).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Where migration-guard keeps per-repository state (verdict cache, snapshot). */
export function stateDir(repository: Repository): string {
  return path.join(repository.commonDir, 'migration-guard');
}

const LOCK_STALE_MS = 15 * 60 * 1000;

/**
 * Checks `tree` out into the reused snapshot directory, updating only files that differ from the
 * last snapshot; when another hook holds it, into a fresh temporary directory instead.
 */
export async function checkoutTreeSnapshot(repository: Repository, tree: string): Promise<TreeSnapshot> {
  const base = path.join(stateDir(repository), 'snapshot');
  await mkdir(base, { recursive: true });
  const lock = path.join(base, 'lock');
  if (await acquireLock(lock)) {
    try {
      await updateSnapshot(repository, base, tree);
      return { dir: path.join(base, 'tree'), persistent: true, release: () => rmdir(lock).catch(() => {}) };
    } catch (error) {
      await rmdir(lock).catch(() => {});
      throw error;
    }
  }
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mg-snapshot-'));
  try {
    await readTree(repository, path.join(scratch, 'index'), path.join(scratch, 'tree'), tree);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  return { dir: path.join(scratch, 'tree'), persistent: false, release: () => rm(scratch, { recursive: true, force: true }) };
}

async function acquireLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch {
    const info = await stat(lock).catch(() => null);
    if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) {
      await rmdir(lock).catch(() => {});
      return mkdir(lock).then(
        () => true,
        () => false,
      );
    }
    return false;
  }
}

async function updateSnapshot(repository: Repository, base: string, tree: string): Promise<void> {
  const treeDir = path.join(base, 'tree');
  const treeIdFile = path.join(base, 'tree-id');
  const previous = (await readFile(treeIdFile, 'utf8').catch(() => '')).trim();
  if (previous === tree) return;
  await unlink(treeIdFile).catch(() => {});
  if (previous) {
    // Python checks cached bytecode by mtime and size only; drop it for every changed module.
    const changed = splitNul(await git(repository.root, ['diff-tree', '-r', '--name-only', '--no-renames', '-z', previous, tree], { okExitCodes: [128] }));
    await Promise.all(changed.filter((file) => file.endsWith('.py')).map((file) => removeBytecode(treeDir, file)));
  }
  await readTree(repository, path.join(base, 'index'), treeDir, tree);
  await writeFile(treeIdFile, `${tree}\n`);
}

async function removeBytecode(treeDir: string, file: string): Promise<void> {
  const dir = path.join(treeDir, path.dirname(file), '__pycache__');
  const stem = path.basename(file, '.py');
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((entry) => entry.startsWith(`${stem}.`) && entry.endsWith('.pyc')).map((entry) => unlink(path.join(dir, entry)).catch(() => {})));
}

// read-tree with a private index and work tree: a one-way merge rewrites only files whose content
// differs from what the private index last recorded, and removes files the tree no longer has.
async function readTree(repository: Repository, indexFile: string, workTree: string, tree: string): Promise<void> {
  await mkdir(workTree, { recursive: true });
  await git(repository.root, ['-c', 'core.sparseCheckout=false', `--work-tree=${workTree}`, 'read-tree', '--reset', '-u', tree], {
    env: { GIT_INDEX_FILE: indexFile },
  });
}
