// The memo that spares the fast path its untracked-migrations listing while migrations/ directories are unchanged.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { knownFreeOfUntracked, rememberFreeOfUntracked } from '../../src/hooks/untracked-memo.js';

let root: string;
const dirs = ['shop/migrations', 'orders/migrations'];
const dotGit = () => path.join(root, '.git');

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mg-memo-'));
  await mkdir(path.join(dotGit(), 'migration-guard'), { recursive: true });
  const past = new Date(Date.now() - 60_000);
  for (const dir of dirs) {
    await mkdir(path.join(root, dir), { recursive: true });
    await utimes(path.join(root, dir), past, past);
  }
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the untracked-migrations memo', () => {
  test('holds while the directories are unchanged, and not once a file appears in one', async () => {
    expect(knownFreeOfUntracked(dotGit(), root, dirs)).toBe(false);
    rememberFreeOfUntracked(dotGit(), root, dirs);
    expect(knownFreeOfUntracked(dotGit(), root, dirs)).toBe(true);
    await writeFile(path.join(root, 'orders/migrations/0003_new.py'), '');
    expect(knownFreeOfUntracked(dotGit(), root, dirs)).toBe(false);
  });

  test('a directory changed a moment ago is not remembered (a change in the same mtime tick would go unseen)', async () => {
    await writeFile(path.join(root, 'shop/migrations/0002_fresh.py'), '');
    rememberFreeOfUntracked(dotGit(), root, dirs);
    expect(knownFreeOfUntracked(dotGit(), root, dirs)).toBe(false);
  });

  test('another set of directories (an app added) is not covered', () => {
    rememberFreeOfUntracked(dotGit(), root, dirs);
    expect(knownFreeOfUntracked(dotGit(), root, [...dirs, 'billing/migrations'])).toBe(false);
  });
});
