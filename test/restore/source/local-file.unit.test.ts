// A local file as a restore source: a path that is not a file is refused with the setting that fixes it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localFileSource } from '../../../src/restore/source/local-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-local-source-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('localFileSource', () => {
  it('refuses a directory, naming where the source is set', async () => {
    await expect(localFileSource(dir).probe()).rejects.toMatchObject({
      message: `${dir} is not a file.`,
      fix: 'Point the restore source at the file itself (config "restore" or --db-source/--media-source).',
      exitCode: 2,
    });
  });
});
