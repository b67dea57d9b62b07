// restore-from-prod refuses what could destroy the wrong data, and asks for the database name on a terminal.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers/database.js';
import { CLI } from '../helpers/fixture-project.js';
import { restoreCli } from './support/cli.js';
import type { DatabaseFingerprint, TreeEntry } from './support/checksums.js';
import { buildProduction, createDeveloper, expectUnchanged, type Developer, type Production } from './support/fixtures.js';

let production: Production;
let developer: Developer;
let before: { db: DatabaseFingerprint; media: TreeEntry[] };

beforeAll(async () => {
  production = await buildProduction();
  developer = await createDeveloper(production);
  before = { db: await developer.fingerprint(), media: await developer.mediaFingerprint() };
});

afterAll(async () => {
  await Promise.all([developer?.remove(), production?.remove()]);
});

beforeEach(async () => {
  await developer.writeConfig({});
});

const sources = () => ['--db-source', production.gz, '--media-source', production.tarGz];

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `typed` at the prompt. */
async function onTerminal(args: string[], typed: string) {
  const command = [process.execPath, CLI, 'restore-from-prod', ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const env: Record<string, string | undefined> = { ...process.env, ...developer.env, NO_COLOR: '1', CI: undefined, MIGRATION_GUARD_NO_TTY: undefined };
  return execa('script', ['-qefc', command, '/dev/null'], { cwd: developer.repo.dir, env, extendEnv: false, input: `${typed}\r`, reject: false });
}

describe('restore-from-prod refuses', () => {
  it('when the role is production', async () => {
    const result = await restoreCli(developer, ['--yes', ...sources()], { MIGRATION_GUARD_ROLE: 'production' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`Refusing to restore into database "${developer.db.settings.database}"`);
    expect(result.stderr).toContain('this checkout\'s role is "production" (from MIGRATION_GUARD_ROLE)');
    await expectUnchanged(developer, before);
  });

  it('when the target is the production database the dump comes from', async () => {
    const { port, database } = developer.db.settings;
    await developer.writeConfig({ database: { production: { host: 'localhost', port, database } } });
    const result = await restoreCli(developer, ['--yes', ...sources()]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`that is production's own database (localhost:${port}, "${database}")`);
    await expectUnchanged(developer, before);
  });

  it('when the target server is not this machine, unless --allow-remote-target', async () => {
    const refused = await restoreCli(developer, ['--yes', ...sources()], { HCAT_HOST: 'db.nonexistent.invalid' });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('"db.nonexistent.invalid" is not this machine');
    expect(refused.stderr).toContain('--allow-remote-target');
    // Allowed, it goes on and fails only where the server really is not there.
    const allowed = await restoreCli(developer, ['--yes', '--allow-remote-target', ...sources()], { HCAT_HOST: 'db.nonexistent.invalid' });
    expect(allowed.exitCode).toBe(2);
    expect(allowed.stderr).not.toContain('is not this machine');
    expect(allowed.stderr).toContain('host "db.nonexistent.invalid" is not known');
    await expectUnchanged(developer, before);
  });

  it('without a terminal to confirm on and without --yes', async () => {
    const result = await restoreCli(developer, sources(), { MIGRATION_GUARD_NO_TTY: '1' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('without confirmation: there is no terminal to ask on');
    expect(result.stderr).toContain('add --yes in scripts');
    await expectUnchanged(developer, before);
  });

  it('prints a JSON error for --json', async () => {
    const result = await restoreCli(developer, ['--yes', '--json', '--db-source', '/nonexistent/dump.sql.gz', '--no-media']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { message: expect.stringContaining('Cannot read /nonexistent/dump.sql.gz') } });
    await expectUnchanged(developer, before);
  });

  it('--undo with --cleanup, naming the commands to run instead', async () => {
    const result = await restoreCli(developer, ['--undo', '--cleanup', '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, exitCode: 2, error: { message: '--undo and --cleanup cannot be combined.', fix: 'Run them one after the other: restore-from-prod --cleanup, then restore-from-prod --undo' } });
    await expectUnchanged(developer, before);
  });
});

describe('restore-from-prod refuses a media directory it must never swap out', () => {
  it('/, a home directory, the checkout or a directory above it, a directory holding .git or .ssh — naming the setting', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'mg-media-target-'));
    try {
      await mkdir(path.join(base, 'with-git', '.git'), { recursive: true });
      await mkdir(path.join(base, 'with-ssh', '.ssh'), { recursive: true });
      const cases: Array<[string, string]> = [
        ['/', 'it is the root directory'],
        [os.homedir(), 'it is a home directory'],
        [developer.repo.dir, 'it is the project checkout'],
        [path.dirname(developer.repo.dir), `it contains the project checkout ${developer.repo.dir}`],
        [path.join(base, 'with-git'), 'it holds .git, so it is not a media directory'],
        [path.join(base, 'with-ssh'), 'it holds .ssh, so it is not a media directory'],
      ];
      for (const [dir, reason] of cases) {
        for (const args of [['--yes', ...sources()], ['--undo', '--yes']]) {
          const result = await restoreCli(developer, args, { HCAT_MEDIA: dir });
          expect(result.exitCode, `${dir}: ${result.stderr}`).toBe(2);
          expect(result.stderr).toContain(`Refusing to use ${dir} as the media directory: ${reason}.`);
          expect(result.stderr).toContain(`Point "media.env" (the variable HCAT_MEDIA, now ${dir})`);
        }
      }
      expect(existsSync(path.join(base, 'with-git', '.git'))).toBe(true);
      await expectUnchanged(developer, before);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('restore-from-prod explains what the user can fix', () => {
  it('a missing privilege on the staging databases: the GRANT for the account as the server knows it, not an internal error', async () => {
    const { user, database } = developer.db.settings;
    const pattern = `\`${database.replace(/_/g, '\\_')}\\_\\_%\``;
    await adminQuery(`REVOKE ALL PRIVILEGES ON ${pattern}.* FROM '${user}'@'%'`);
    try {
      const result = await restoreCli(developer, ['--yes', ...sources()]);
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).toContain(`Your database account ${user}@% lacks a privilege the restore needs`);
      expect(result.stderr).toContain(`GRANT ALL PRIVILEGES ON ${pattern}.* TO '${user}'@'%';`);
      await expectUnchanged(developer, before);
    } finally {
      await adminQuery(`GRANT ALL PRIVILEGES ON ${pattern}.* TO '${user}'@'%'`);
    }
  });
});

describe('restore-from-prod on a terminal', () => {
  it('stops when the database name typed is not the target', async () => {
    const result = await onTerminal(sources(), 'some_other_db');
    expect(result.stdout).toContain('restore-from-prod will replace');
    expect(result.stdout).toContain(`Type the database name "${developer.db.settings.database}" to continue`);
    expect(result.stdout).toContain('nothing was changed');
    expect(result.stdout).toContain(`Run the command again and type ${developer.db.settings.database} exactly (or add --yes to skip the question).`);
    expect(result.exitCode).toBe(2);
    await expectUnchanged(developer, before);
  });

  it('restores, with a progress bar, once the database name is typed', async () => {
    const result = await onTerminal([...sources(), '--no-migrate'], developer.db.settings.database);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Loading the database from .* \[[█░]+\] \d+%/);
    expect(result.stdout).toContain('Restored database');
    expect(await developer.fingerprint()).toEqual(production.fingerprint);
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
    await developer.reset();
  });
});
