import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nearestExistingDir } from '../../src/backup/disk-space.js';

describe('nearestExistingDir', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'mg-nearest-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('is the directory itself when it exists', () => {
    expect(nearestExistingDir(base)).toBe(base);
  });

  it('is the nearest existing parent of a directory still to be created', () => {
    expect(nearestExistingDir(path.join(base, 'a', 'b', 'c'))).toBe(base);
  });

  it('stops at the filesystem root', () => {
    expect(nearestExistingDir('/')).toBe('/');
  });
});
