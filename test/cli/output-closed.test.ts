// A reader that stops early (`migration-guard … | head`): the command ends quietly, without an EPIPE stack trace.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/fixture-project.js';

describe('stdout closed by its reader', () => {
  it('--help into a closed pipe: exit 0, nothing on stderr', async () => {
    const child = execa(process.execPath, [CLI, 'deploy', '--help'], { reject: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
    child.stdout!.destroy(); // the reader is gone before the first write
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.stderr).toBe('');
  });
});
