// Whatever goes wrong, the developer's database and media stay exactly as they were (checksums before
// and after), the error says what happened, and leftovers are gone after the next run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { restoreCli, runUntilPaused } from './support/cli.js';
import { treeFingerprint, type DatabaseFingerprint, type TreeEntry } from './support/checksums.js';
import { buildProduction, createDeveloper, expectUnchanged, query, siblingDatabases, type Developer, type Production } from './support/fixtures.js';

let production: Production;
let developer: Developer;
let sshd: TestSshd;
let before: { db: DatabaseFingerprint; media: TreeEntry[] };

beforeAll(async () => {
  [production, sshd] = await Promise.all([buildProduction(), startSshd()]);
  developer = await createDeveloper(production);
});

afterAll(async () => {
  await Promise.all([developer?.remove(), production?.remove(), sshd?.stop()]);
});

beforeEach(async () => {
  await developer.reset();
  before = { db: await developer.fingerprint(), media: await developer.mediaFingerprint() };
});

const sources = () => ['--yes', '--db-source', production.gz, '--media-source', production.tarGz];

async function expectNoLeftovers(): Promise<void> {
  expect(await siblingDatabases(developer)).toEqual([]);
  expect((await readdir(developer.repo.dir)).filter((name) => name.startsWith('media dir.'))).toEqual([]);
}

async function file(name: string, content: Buffer | string): Promise<string> {
  const target = path.join(production.dir, name);
  await writeFile(target, content);
  return target;
}

describe('restore-from-prod: broken input', () => {
  it('refuses a truncated gzip dump', async () => {
    const gz = await readFile(production.gz);
    const cut = await file('cut.sql.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const result = await restoreCli(developer, ['--yes', '--db-source', cut, '--media-source', production.tarGz]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/is truncated: gzip says "unexpected end of file"/);
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it('refuses a dump that loads but lacks the "-- Dump completed" trailer', async () => {
    const sql = await readFile(production.sql, 'latin1');
    const lastTable = sql.lastIndexOf('\n--\n-- Table structure');
    const cut = await file('no-trailer.sql', Buffer.from(sql.slice(0, lastTable + 1), 'latin1'));
    const result = await restoreCli(developer, ['--yes', '--no-media', '--db-source', cut]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('is truncated: it ends without the "-- Dump completed" line');
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it('reports a failing SQL statement in the middle of the dump with its line', async () => {
    const lines = (await readFile(production.sql, 'latin1')).split('\n');
    const middle = lines.findIndex((line, index) => index > lines.length / 2 && line.startsWith('-- Table structure'));
    lines.splice(middle, 0, 'INSERT INTO no_such_table VALUES (1);');
    const broken = await file('broken.sql', Buffer.from(lines.join('\n'), 'latin1'));
    const result = await restoreCli(developer, sources().map((arg) => (arg === production.gz ? broken : arg)));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`The dump failed to load at line ${middle + 1}: ERROR 1146 (42S02)`);
    expect(result.stderr).toContain("no_such_table' doesn't exist");
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it('stops at a wrong password for the developer database before doing anything', async () => {
    const result = await restoreCli(developer, sources(), { HCAT_PASSWORD: 'wrong-password' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('access denied (wrong user or password)');
    expect(result.stderr).not.toContain('wrong-password');
    await expectUnchanged(developer, before);
  });

  it('stops at a wrong password in the option file of a live dump on the production host', async () => {
    const remoteOptions = path.join(sshd.dir, 'bad-client.cnf');
    await writeFile(remoteOptions, `[client]\nuser=${developer.db.settings.user}\npassword="not-the-password"\nhost=127.0.0.1\nport=${developer.db.settings.port}\nprotocol=TCP\n`, { mode: 0o600 });
    await developer.writeConfig({
      database: { source: { kind: 'ssh-dump', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions, database: production.db.settings.database, defaultsFile: remoteOptions } },
    });
    const result = await restoreCli(developer, ['--yes', '--no-media']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/connecting to production's database on .* failed \(exit 2\): .*Access denied/);
    expect(result.stderr).toContain(`Check the [client] user and password in the option file ${remoteOptions}`);
    expect(result.stderr).not.toContain('not-the-password');
    await expectUnchanged(developer, before);
  });

  it('names a missing remote file before doing anything', async () => {
    const missing = path.join(production.dir, 'no such dump.sql.gz');
    const ssh = { kind: 'ssh', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions };
    await developer.writeConfig({ database: { source: { ...ssh, path: missing } } });
    const result = await restoreCli(developer, ['--yes', '--no-media']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`The file ${missing} is not there on ${sshd.user}@127.0.0.1:${sshd.port}`);
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it('notices the ssh connection dropping in the middle of the download', async () => {
    const fifo = path.join(production.dir, 'slow-dump.sql.gz');
    await rm(fifo, { force: true });
    spawnSync('mkfifo', [fifo]);
    const ssh = { kind: 'ssh', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions };
    await developer.writeConfig({ database: { source: { ...ssh, path: fifo } } });
    const run = restoreCli(developer, ['--yes', '--no-media']);
    // Production sends half the dump, then the connection dies: every sshd session process is killed.
    // One open of the pipe for both: the reader must not see an end of file, only a dead connection.
    const writer = execa('sh', ['-c', `{ head -c ${Math.floor((await readFile(production.gz)).length / 2)} "$0"; sleep 30; } > "$1"`, production.gz, fifo], { reject: false });
    const deadline = Date.now() + 30_000;
    while ((await siblingDatabases(developer)).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sessions = spawnSync('pgrep', ['-P', String(sshd.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(sessions.length).toBeGreaterThan(0);
    for (const pid of sessions) process.kill(Number(pid), 'SIGKILL');
    const result = await run;
    writer.kill('SIGKILL');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/ssh to .* (failed while reading .*slow-dump\.sql\.gz|was killed)/);
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });
});

describe('restore-from-prod: full disk', () => {
  it('stops when the media disk fills up, leaving database and media as they were', async () => {
    // A 256 kB filesystem holds the developer's media but not production's next to it.
    const mount = path.join(production.dir, 'small-disk');
    await mkdir(mount, { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    try {
      const media = path.join(mount, 'media');
      await mkdir(media);
      await writeFile(path.join(media, 'mine.txt'), 'mine\n');
      const big = path.join(production.dir, 'big-media');
      await mkdir(big, { recursive: true });
      await writeFile(path.join(big, 'large.bin'), Buffer.alloc(400_000, 7));
      const tarball = path.join(production.dir, 'big-media.tar.gz');
      await execa('tar', ['-C', big, '-czf', tarball, '.']);
      const mediaBefore = await treeFingerprint(media);
      const result = await restoreCli(developer, ['--yes', '--db-source', production.gz, '--media-source', tarball], { HCAT_MEDIA: media });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('The disk is full: extracting the media tarball');
      expect(await treeFingerprint(media)).toEqual(mediaBefore);
      expect(await developer.fingerprint()).toEqual(before.db);
      expect(await siblingDatabases(developer)).toEqual([]);
      expect((await readdir(mount)).sort()).toEqual(['media']);
    } finally {
      await execa('umount', [mount]);
    }
  });
});

describe('restore-from-prod: unsafe tarballs', () => {
  async function tarball(name: string, build: (dir: string) => Promise<string[]>): Promise<string> {
    const dir = path.join(production.dir, `${name}-tree`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.join(dir, 'inner'), { recursive: true });
    await writeFile(path.join(dir, 'inner', 'ok.txt'), 'fine\n');
    const members = await build(dir);
    const out = path.join(production.dir, `${name}.tar.gz`);
    await execa('tar', ['-C', path.join(dir, 'inner'), '-P', '-czf', out, ...members]);
    return out;
  }

  it.each([
    ['a ../ path', 'dotdot', async (dir: string) => (await writeFile(path.join(dir, 'escape.txt'), 'out\n'), ['ok.txt', '../escape.txt']), 'has a ".." component'],
    ['an absolute path', 'absolute', async (dir: string) => (await writeFile(path.join(dir, 'abs.txt'), 'abs\n'), ['ok.txt', path.join(dir, 'abs.txt')]), 'has an absolute path'],
    ['a symlink pointing outside', 'symlink', async (dir: string) => (await symlink('../../../../etc/passwd', path.join(dir, 'inner', 'passwd')), ['ok.txt', 'passwd']), 'is a symbolic link pointing outside the media directory'],
  ])('refuses a tarball with %s', async (_label, name, build, reason) => {
    const evil = await tarball(name, build);
    const result = await restoreCli(developer, ['--yes', '--db-source', production.gz, '--media-source', evil]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('The media tarball from');
    expect(result.stderr).toContain(reason);
    expect(existsSync(path.join(developer.repo.dir, 'escape.txt'))).toBe(false);
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });
});

describe('restore-from-prod: interrupted', () => {
  it.each([
    ['in the middle of loading the dump', 'load:12000'],
    ['after the load, with media extracted', 'extracted'],
    ['in the middle of extracting media', 'media:20000'],
  ])('kill -9 %s leaves everything as it was; the next run removes the leftovers', async (_label, point) => {
    const run = await runUntilPaused(developer, point, sources());
    await run.killHard();
    await expectUnchanged(developer, before);
    expect((await siblingDatabases(developer)).length).toBe(1); // the staging database, until the next run
    const cleanup = await restoreCli(developer, ['--cleanup']);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(/Removed the leftover staging database "[^"]+__restore_\d+"/);
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it.each([
    ['after dropping the triggers that block the RENAME', 'db-triggers-dropped'],
    ['after the database RENAME, before views and triggers are recreated', 'db-swapped'],
    ['after the database swap, with the media directory moved aside', 'media-swapped-out'],
    ['with everything swapped, just before the commit', 'before-commit'],
  ])('kill -9 %s is rolled back by the next run', async (_label, point) => {
    const run = await runUntilPaused(developer, point, sources());
    await run.killHard();
    const cleanup = await restoreCli(developer, ['--cleanup']);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toContain('Rolled back the interrupted restore');
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it('rolls back an interrupted swap at the start of the next restore, which then succeeds', async () => {
    const run = await runUntilPaused(developer, 'db-swapped', sources());
    await run.killHard();
    const result = await restoreCli(developer, sources());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Rolled back the interrupted restore');
    expect(await developer.fingerprint()).toEqual(production.fingerprint);
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
  });

  it('Ctrl-C (SIGINT) during the load cleans up and exits 130', async () => {
    const run = await runUntilPaused(developer, 'load:12000', sources());
    run.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await run.resume();
    const result = await run.child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('Interrupted');
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });

  it('a second restore refuses to start while one is running', async () => {
    const run = await runUntilPaused(developer, 'loaded', sources());
    const second = await restoreCli(developer, sources());
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain('Another restore-from-prod is running');
    await run.resume();
    const first = await run.child;
    expect(first.exitCode, String(first.stderr)).toBe(0);
    expect(await developer.fingerprint()).toEqual(production.fingerprint);
  });

  it('refuses to start while a deploy or restore-backup holds the database lock', async () => {
    const lockName = `migration-guard:deploy:${developer.db.settings.database}`;
    const admin = developer.db.admin;
    const deployer = await mysql.createConnection({ host: admin.host, port: admin.port, user: admin.user, password: admin.password });
    try {
      await deployer.query('SELECT GET_LOCK(?, 0)', [lockName]);
      const result = await restoreCli(developer, sources());
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`Another deploy or restore holds the database lock "${lockName}"`);
    } finally {
      await deployer.end();
    }
    await expectUnchanged(developer, before);
    await expectNoLeftovers();
  });
});

describe('restore-from-prod --undo', () => {
  it('swaps the previous copy back after a good restore, and again to redo', async () => {
    const restored = await restoreCli(developer, sources());
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await developer.fingerprint()).toEqual(production.fingerprint);

    const undo = await restoreCli(developer, ['--undo', '--yes']);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('has the kept copy back');
    await expectUnchanged(developer, before);
    // The developer's view came back pointing at their own tables again.
    const [row] = (await query(developer.db.settings, 'SELECT COUNT(*) AS n FROM product_names')) as Array<{ n: number }>;
    expect(Number(row!.n)).toBe(before.db.tables.catalog_product!.rows);

    const redo = await restoreCli(developer, ['--undo', '--yes']);
    expect(redo.exitCode, redo.stderr).toBe(0);
    expect(await developer.fingerprint()).toEqual(production.fingerprint);
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
  });

  it('after a database-only restore swaps the database back and leaves the media alone', async () => {
    const both = await restoreCli(developer, sources());
    expect(both.exitCode, both.stderr).toBe(0);
    // Uploaded after the first restore: an --undo that swapped media would hide it, the next restore delete it.
    await writeFile(path.join(developer.mediaDir, 'uploaded-later.txt'), 'new upload\n');
    const mediaNow = await developer.mediaFingerprint();
    const keptMedia = await treeFingerprint(`${developer.mediaDir}.previous`);
    await query(developer.db.settings, "INSERT INTO auth_group (name) VALUES ('made after the first restore')");
    const afterFirst = await developer.fingerprint();

    const databaseOnly = await restoreCli(developer, ['--yes', '--no-media', '--db-source', production.gz]);
    expect(databaseOnly.exitCode, databaseOnly.stderr).toBe(0);
    expect(await developer.fingerprint()).toEqual(production.fingerprint);

    const undo = await restoreCli(developer, ['--undo', '--yes']);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(await developer.fingerprint()).toEqual(afterFirst);
    expect(await developer.mediaFingerprint()).toEqual(mediaNow);
    expect(await treeFingerprint(`${developer.mediaDir}.previous`)).toEqual(keptMedia);
  });

  it('says there is nothing to undo before any restore', async () => {
    const result = await restoreCli(developer, ['--undo', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('There is nothing to undo');
    await expectUnchanged(developer, before);
  });
});
