// src/git against real repositories: snapshots that never touch the index, staged/untracked lists,
// what remote-tracking branches have, commits new to a remote.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gitEnv } from '../helpers/fixture-project.js';
import { openRepository, isRebaseInProgress, type Repository } from '../../src/git/repository.js';
import { checkoutTreeSnapshot, stagedTreeId } from '../../src/git/tree-snapshot.js';
import { listCommitChanges, listStagedChanges, listUntrackedFiles } from '../../src/git/file-changes.js';
import { findPublishedPaths, remoteDefaultBranch } from '../../src/git/remote-refs.js';
import { readBlobs, listTreeEntries } from '../../src/git/tree-entries.js';

let base: string;
let dir: string;
let repository: Repository;
const git = async (cwd: string, ...args: string[]) => (await execa('git', args, { cwd, env: gitEnv() })).stdout;
const write = async (file: string, content: string) => {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), content);
};

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'mg-git-'));
  dir = path.join(base, 'work');
  await mkdir(dir);
  await git(dir, 'init', '-q', '-b', 'main');
  await write('app/models.py', 'v1\n');
  await write('app/migrations/0001_initial.py', 'initial\n');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'one');
  await git(base, 'init', '-q', '--bare', '-b', 'main', 'origin.git');
  await git(dir, 'remote', 'add', 'origin', path.join(base, 'origin.git'));
  await git(dir, 'push', '-q', 'origin', 'main');
  await git(dir, 'remote', 'set-head', 'origin', 'main');
  repository = await openRepository(path.join(dir, 'app'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('src/git', () => {
  test('openRepository finds the root from a subdirectory', () => {
    expect(repository.root).toBe(dir);
    expect(repository.gitDir).toBe(path.join(dir, '.git'));
    expect(repository.commonDir).toBe(path.join(dir, '.git'));
    expect(isRebaseInProgress(repository)).toBe(false);
  });

  test('a snapshot of the staged tree holds the staged content, and neither index nor working tree change', async () => {
    await write('app/models.py', 'v2 staged\n');
    await git(dir, 'add', 'app/models.py');
    await write('app/models.py', 'v3 unstaged\n');
    await write('app/migrations/0002_untracked.py', 'untracked\n');
    const indexBefore = await readFile(path.join(dir, '.git/index'));
    const statusBefore = await git(dir, 'status', '--porcelain');

    const tree = await stagedTreeId(repository);
    const snapshot = await checkoutTreeSnapshot(repository, tree);
    try {
      expect(snapshot.persistent).toBe(true);
      expect(await readFile(path.join(snapshot.dir, 'app/models.py'), 'utf8')).toBe('v2 staged\n');
      await expect(readFile(path.join(snapshot.dir, 'app/migrations/0002_untracked.py'))).rejects.toThrow();
      // A second hook at the same time gets its own temporary directory.
      const concurrent = await checkoutTreeSnapshot(repository, tree);
      expect(concurrent.persistent).toBe(false);
      expect(await readFile(path.join(concurrent.dir, 'app/models.py'), 'utf8')).toBe('v2 staged\n');
      await concurrent.release();
    } finally {
      await snapshot.release();
    }
    expect(await readFile(path.join(dir, '.git/index'))).toEqual(indexBefore);
    expect(await git(dir, 'status', '--porcelain')).toBe(statusBefore);
    expect(await readFile(path.join(dir, 'app/models.py'), 'utf8')).toBe('v3 unstaged\n');

    expect(await listStagedChanges(repository)).toEqual([{ status: 'M', path: 'app/models.py' }]);
    expect(await listUntrackedFiles(repository, ['app/migrations'])).toEqual(['app/migrations/0002_untracked.py']);

    // Committing and snapshotting the commit updates only what changed; removed files go.
    await git(dir, 'commit', '-q', '-m', 'two');
    await git(dir, 'rm', '-q', 'app/migrations/0001_initial.py');
    const next = await checkoutTreeSnapshot(repository, await stagedTreeId(repository));
    try {
      await expect(readFile(path.join(next.dir, 'app/migrations/0001_initial.py'))).rejects.toThrow();
    } finally {
      await next.release();
    }
    await git(dir, 'reset', '-q', '--hard', 'HEAD');
    await rm(path.join(dir, 'app/migrations/0002_untracked.py'));
  });

  test('published paths: what remote-tracking branches have; commits new to the remote', async () => {
    await write('app/migrations/0002_local.py', 'local\n');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'local migration');
    const published = await findPublishedPaths(repository, ['app/migrations/0001_initial.py', 'app/migrations/0002_local.py']);
    expect([...published]).toEqual([['app/migrations/0001_initial.py', 'origin/main']]);
    expect(await remoteDefaultBranch(repository, 'origin')).toBe('refs/remotes/origin/main');

    const head = await git(dir, 'rev-parse', 'HEAD');
    const commits = await listCommitChanges(repository, head, ['--not', '--remotes=origin']);
    expect(commits.map((commit) => commit.changes)).toEqual([[{ status: 'A', path: 'app/migrations/0002_local.py' }], [{ status: 'M', path: 'app/models.py' }]]);

    const entries = await listTreeEntries(repository, head, ['app/migrations']);
    const blobs = await readBlobs(repository, entries.map((entry) => entry.object));
    expect(entries.map((entry) => [entry.path, blobs.get(entry.object)])).toEqual([
      ['app/migrations/0001_initial.py', 'initial\n'],
      ['app/migrations/0002_local.py', 'local\n'],
    ]);
  });
});
