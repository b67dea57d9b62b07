// A local file as a restore source: a path that is not a file is refused with the setting that fixes it.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { localFileSource } from '../../../src/restore/source/local-file.js';

describe('localFileSource', () => {
  it('refuses a directory, naming where the source is set', async () => {
    const dir = os.tmpdir();
    await expect(localFileSource(dir).probe()).rejects.toMatchObject({
      message: `${dir} is not a file.`,
      fix: 'Point the restore source at the file itself (config "restore" or --db-source/--media-source).',
      exitCode: 2,
    });
  });
});
