// Every `--json` command prints the one documented error document on stdout when it cannot run.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/fixture-project.js';

let empty: string;
beforeAll(async () => {
  empty = await mkdtemp(path.join(os.tmpdir(), 'mg-no-project-'));
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
});

describe('--json errors', () => {
  for (const command of [['status'], ['doctor'], ['backup'], ['drift'], ['restore-from-prod', '--yes']]) {
    it(`${command[0]}: { ok: false, exitCode, error: { message, fix } } on stdout, exit 2`, async () => {
      const result = await runCli([...command, '--json'], { cwd: empty });
      expect(result.exitCode).toBe(2);
      expect(JSON.parse(result.stdout)).toEqual({ ok: false, exitCode: 2, error: { message: expect.stringContaining('No Django project here'), fix: expect.stringContaining('manage.py') } });
      expect(result.stderr).toContain('No Django project here');
    });
  }

  it('a usage error is JSON too', async () => {
    const result = await runCli(['status', '--json', '--no-such-flag'], { cwd: empty });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { message: expect.stringContaining('--no-such-flag') } });
  });
});
