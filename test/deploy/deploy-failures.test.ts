// `deploy` when things go wrong: a migration failing halfway (real partial DDL on MySQL), a migration that was
// never committed, and a backup directory that is read-only or full. Real MariaDB, Django, git, filesystems.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers/database.js';
import { useScenarios, databaseFingerprint, readNewestJournal, stepStatuses, type Scenario } from './deploy-scenario.js';
import { FAILS_HALFWAY, MIGRATION_NOT_COMMITTED, TWO_GOOD_MIGRATIONS } from './migration-sources.js';

const scenario = useScenarios();
const mounts: string[] = [];

// After hooks run last-registered first: the mounts are gone before the scenarios are removed.
afterAll(async () => {
  for (const mount of mounts) await execa('umount', [mount], { reject: false });
});

/** A real small filesystem (tmpfs) at `dir`; read-only when asked. Root only: the tests run as root here. */
async function mountTmpfs(dir: string, options: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const result = await execa('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { reject: false });
  expect(result.exitCode, `mount -t tmpfs -o ${options} needs root: ${result.stderr}`).toBe(0);
  mounts.push(dir);
}

describe('deploy restores the backup when', () => {
  it('a migration fails halfway (first operation applied, second fails): schema and data equal the state before, exactly', async () => {
    const s = await scenario('halfway');
    await s.push('Add weight and a unique product name', FAILS_HALFWAY);
    const head = await s.serverGit('rev-parse', 'HEAD');
    const before = await databaseFingerprint(s.db.settings);

    const result = await s.deploy();
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(1);
    expect(output).toContain("Duplicate entry 'Dune'");
    expect(output).toMatch(/Deploy FAILED at migrate: manage\.py migrate failed \(exit 1\)/);
    const backup = (await readdir(s.backupDir)).find((name) => name.endsWith('.sql.gz'))!;
    expect(output).toContain(`The database was restored from ${path.join(s.backupDir, backup)} and verified`);

    // The failed migration really left partial DDL behind (the AddField), and the restore removed it.
    const journal = await readNewestJournal(s.backupDir);
    const restore = journal.entries.find((entry) => entry.step === 'restore' && entry.detail?.changedByDeploy);
    expect(restore!.detail.changedByDeploy).toContain('table catalog_product: definition (SHOW CREATE) differs');
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);

    expect(stepStatuses(journal.entries)).toMatchObject({ backup: 'ok', migrate: 'failed', restore: 'ok', 'revert-code': 'ok', 'service-start': 'ok' });
    expect(journal.entries.at(-1)).toMatchObject({ event: 'deploy-finished', detail: { outcome: 'failed-restored', exitCode: 1, failedStep: 'migrate' } });
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(await s.serviceEvents()).toEqual(['stop', 'start']);
  });

  it('the models changed without a committed migration: migrate succeeds, makemigrations --check fails, restored', async () => {
    const s = await scenario('uncommitted');
    await s.push('Order reference; catalog colour (migration forgotten)', MIGRATION_NOT_COMMITTED);
    const head = await s.serverGit('rev-parse', 'HEAD');
    const before = await databaseFingerprint(s.db.settings);

    const result = await s.deploy();
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(1);
    expect(output).toContain('Applying orders.0003_order_reference... OK');
    expect(output).toContain('makemigrations --check found model changes that have no migration (exit 1)');
    expect(output).toContain("Add field colour to product"); // makemigrations' own report
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    const journal = await readNewestJournal(s.backupDir);
    expect(stepStatuses(journal.entries)).toMatchObject({ migrate: 'ok', verify: 'failed', restore: 'ok', 'service-start': 'ok' });
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(await s.serviceEvents()).toEqual(['stop', 'start']);
  });
});

describe('deploy migrates nothing when the backup cannot be written', () => {
  let s: Scenario;
  let before: Awaited<ReturnType<typeof databaseFingerprint>>;
  beforeAll(async () => {
    s = await scenario('nospace');
    await s.push('Add product weight and order reference', TWO_GOOD_MIGRATIONS);
    // Incompressible data, so the dump's .gz is bigger than the room left in the "full disk" test below.
    await adminQuery(
      "INSERT INTO catalog_product (name, price_cents, sku) SELECT CONCAT(MD5(RAND()), MD5(RAND()), MD5(RAND()), MD5(RAND()), MD5(RAND()), MD5(RAND())), seq, '' FROM seq_1_to_500",
      [],
      s.db.settings.database,
    );
    before = await databaseFingerprint(s.db.settings);
  });

  it('--fake in any spelling after --: refused in preflight, before any backup, stop or pull', async () => {
    const head = await s.serverGit('rev-parse', 'HEAD');
    for (const args of [['--verbosity', '--fake'], ['--fake=1'], ['--fak'], ['--fake-init']]) {
      const result = await s.deploy(['--', ...args]);
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stdout + result.stderr).toContain('records migrations as applied without changing the schema');
    }
    expect(existsSync(s.backupDir) ? (await readdir(s.backupDir)).filter((name) => name.endsWith('.sql.gz')) : []).toEqual([]);
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(await s.serviceEvents()).toEqual([]);
  });

  it('read-only backup directory: refused before anything is stopped or pulled', async () => {
    const dir = path.join(s.base, 'readonly');
    await mountTmpfs(dir, 'ro,size=1m');
    const head = await s.serverGit('rev-parse', 'HEAD');
    const result = await s.deploy(['--backup-dir', dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`cannot write to ${dir}: it is on a read-only file system; no backup, no deploy`);
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(await s.serviceEvents()).toEqual([]);
  });

  it('a 64 KB filesystem: the free-space estimate refuses before anything is stopped', async () => {
    const dir = path.join(s.base, 'tiny');
    await mountTmpfs(dir, 'size=64k');
    const result = await s.deploy(['--backup-dir', dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/disk space: the backup needs about [\d.]+ [kM]B \(table data .*\), but .* has [\d.]+ kB free/);
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serviceEvents()).toEqual([]);
    const journal = await readNewestJournal(dir);
    expect(stepStatuses(journal.entries)).toEqual({ preflight: 'failed' });
  });

  it('the disk fills up during the deploy: the dump fails with ENOSPC, nothing migrated, code moved back, service started', async () => {
    const dir = path.join(s.base, 'filling');
    await mountTmpfs(dir, 'size=2m');
    const head = await s.serverGit('rev-parse', 'HEAD');
    // While the service is stopped, something else fills the disk, leaving 16 KB.
    const fill = `avail=$(df -B1 --output=avail '${dir}' | tail -1); head -c $((avail - 16384)) /dev/zero > '${dir}/filler'`;
    const result = await s.deploy(['--backup-dir', dir], { ON_STOP: fill });
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(2);
    expect(output).toMatch(/backup: Backup of "dep_\w+" failed: could not write .*\.sql\.gz\.tmp: no space left on device/);
    expect(output).toContain('Nothing was migrated; the database is unchanged.');
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect((await readdir(dir)).filter((name) => name.includes('.sql.gz'))).toEqual([]);
    const journal = await readNewestJournal(dir);
    expect(stepStatuses(journal.entries)).toMatchObject({ pull: 'ok', migrations: 'ok', backup: 'failed', 'revert-code': 'ok', 'service-start': 'ok' });
    expect(journal.entries.at(-1)).toMatchObject({ detail: { outcome: 'aborted-before-migrate', exitCode: 2 } });
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(await s.serviceEvents()).toEqual(['stop', 'start']);
  });
});
