// `deploy` on the happy paths and its refusals: real MariaDB, real Django, real git with a bare origin.
import { execa } from 'execa';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import mysql from 'mysql2/promise';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useScenarios, databaseFingerprint, readNewestJournal, stepStatuses, type Scenario } from './deploy-scenario.js';
import { SERVER_MADE_MIGRATION, TWO_GOOD_MIGRATIONS } from './migration-sources.js';
import { processStartTicks } from '../../src/locks/process-identity.js';

const scenario = useScenarios();

async function gunzipText(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file).pipe(createGunzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('migration-guard deploy', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario('good');
    await s.push('Add product weight and order reference', TWO_GOOD_MIGRATIONS);
  });

  it('--plan lists the checks and steps and changes nothing', async () => {
    const before = await databaseFingerprint(s.db.settings);
    const head = await s.serverGit('rev-parse', 'HEAD');
    const result = await s.deploy(['--plan']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Nothing is changed');
    expect(result.stdout).toMatch(/✔ untracked migrations: none/);
    expect(result.stdout).toContain('git fetch origin main, then fast-forward main to the fetched commit');
    expect(result.stdout).toContain('echo stop >> "$SERVICE_LOG"');
    expect(result.stdout).toContain('A deploy would pass its preflight.');
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(s.backupDir)).toBe(false);
    expect(existsSync(path.join(s.server, '.migration-guard'))).toBe(false);
    expect(await s.serviceEvents()).toEqual([]);
  });

  it('pulls, backs up, records the SQL, migrates, verifies and restarts the service, in that order', async () => {
    const before = await databaseFingerprint(s.db.settings);
    const result = await s.deploy();
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain('Deployed: 2 migration(s) applied and verified');
    expect(output).toContain('[ ] catalog.0005_product_weight_grams');
    expect(output).toContain('Applying orders.0003_order_reference... OK'); // migrate's own output, live
    expect(output).not.toContain('the database has migrations the code does not');
    expect(await s.serviceEvents()).toEqual(['stop', 'start']);

    // The code and the database moved forward together.
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(await s.devGit('rev-parse', 'HEAD'));
    const after = await databaseFingerprint(s.db.settings);
    expect(after.migrations).toEqual([...before.migrations, 'catalog.0005_product_weight_grams', 'orders.0003_order_reference']);
    expect(after.schema).toContain('`weight_grams` int(11) NOT NULL');
    // Untouched tables keep their data.
    expect(after.checksums[`${s.db.settings.database}.orders_orderline`]).toBe(before.checksums[`${s.db.settings.database}.orders_orderline`]);

    // The backup: named <db>-<timestamp>-<rev>.sql.gz, 0600, a complete gzip dump, with its state and SQL records.
    const files = await readdir(s.backupDir);
    const backups = files.filter((name) => name.endsWith('.sql.gz'));
    expect(backups).toHaveLength(1);
    const oldRevision = (await s.serverGit('rev-parse', '--short=12', 'HEAD~1')).trim();
    expect(backups[0]).toMatch(new RegExp(`^${s.db.settings.database}-\\d{8}T\\d{6}Z-${oldRevision}\\.sql\\.gz$`));
    const backup = path.join(s.backupDir, backups[0]!);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect((await execa('gzip', ['-t', backup], { reject: false })).exitCode).toBe(0);
    const dump = await gunzipText(backup);
    expect(dump).toMatch(/-- Dump completed on/);
    expect(dump).toContain('CREATE TABLE `catalog_product`');
    expect(dump).not.toContain('weight_grams');
    const pendingSql = await readFile(backup.replace(/\.sql\.gz$/, '.pending.sql'), 'utf8');
    expect(pendingSql).toContain('-- catalog.0005_product_weight_grams');
    expect(pendingSql).toMatch(/ALTER TABLE `catalog_product` ADD COLUMN `weight_grams` integer DEFAULT 0 NOT NULL/);
    expect(pendingSql).toContain('-- orders.0003_order_reference');
    expect(files.some((name) => name.endsWith('.state.json'))).toBe(true);
    expect(files.some((name) => name.endsWith('.tmp'))).toBe(false);
    expect(files).not.toContain('deploy.lock');

    // The journal: every step with its outcome, in order, and never the password.
    const journal = await readNewestJournal(s.backupDir);
    const steps = stepStatuses(journal.entries);
    expect(steps).toEqual({
      preflight: 'ok',
      fetch: 'ok',
      'lock-safety': 'ok',
      'service-stop': 'ok',
      pull: 'ok',
      migrations: 'ok',
      backup: 'ok',
      sqlmigrate: 'ok',
      migrate: 'ok',
      verify: 'ok',
      'service-start': 'ok',
    });
    const order = journal.entries.filter((entry) => entry.event === 'step' && entry.status === 'ok').map((entry) => entry.step);
    // Lock safety is assessed on the fetched commit while the application runs; the same migrations are not assessed twice.
    expect(order).toEqual(['preflight', 'fetch', 'lock-safety', 'service-stop', 'pull', 'migrations', 'backup', 'sqlmigrate', 'migrate', 'verify', 'service-start']);
    expect(journal.entries.at(-1)).toMatchObject({ event: 'deploy-finished', detail: { outcome: 'deployed', exitCode: 0 } });
    const journalText = await readFile(journal.file, 'utf8');
    expect(journalText).not.toContain(s.db.settings.password);
    expect(output).not.toContain(s.db.settings.password);
  });

  it('with nothing pending, --no-pull and --leave-stopped: skips backup and migrate, verifies, leaves the service stopped', async () => {
    const backupsBefore = (await readdir(s.backupDir)).filter((name) => name.endsWith('.sql.gz'));
    const result = await s.deploy(['--no-pull', '--leave-stopped']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('no migrations were pending');
    expect(await s.serviceEvents()).toEqual(['stop', 'start', 'stop']);
    expect((await readdir(s.backupDir)).filter((name) => name.endsWith('.sql.gz'))).toEqual(backupsBefore);
    const steps = stepStatuses((await readNewestJournal(s.backupDir)).entries);
    expect(steps).toMatchObject({ pull: 'skipped', backup: 'skipped', migrate: 'skipped', verify: 'ok', 'service-start': 'skipped' });
    expect(result.stdout).toContain('--leave-stopped: run `echo start >> "$SERVICE_LOG"` when ready');
  });

  it('names a migration the database has applied and the code has not (Django\'s plan × its applied set), in the output and the journal', async () => {
    const { host, port, user, password, database } = s.db.settings;
    const connection = await mysql.createConnection({ host, port, user, password, database });
    try {
      await connection.query("INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0099_from_elsewhere', NOW())");
      const result = await s.deploy(['--no-pull']);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout + result.stderr).toContain('the database has migrations the code does not: catalog.0099_from_elsewhere (deployed from another branch?)');
      const migrations = (await readNewestJournal(s.backupDir)).entries.find((entry) => entry.step === 'migrations' && entry.status === 'ok');
      expect(migrations?.detail.unknownApplied).toEqual(['catalog.0099_from_elsewhere']);
    } finally {
      await connection.query("DELETE FROM django_migrations WHERE app = 'catalog' AND name = '0099_from_elsewhere'");
      await connection.end();
    }
  });
});

describe('migration-guard deploy refuses', () => {
  it('an untracked migration on the server (someone ran makemigrations there), before stopping anything', async () => {
    const s = await scenario('untracked');
    await s.push('Add product weight and order reference', TWO_GOOD_MIGRATIONS);
    await writeFile(path.join(s.server, 'catalog/migrations/0005_product_note.py'), SERVER_MADE_MIGRATION);
    const before = await databaseFingerprint(s.db.settings);

    const plan = await s.deploy(['--plan']);
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toMatch(/✖ untracked migrations: catalog\/migrations\/0005_product_note\.py is a migration git does not track/);

    const result = await s.deploy();
    expect(result.exitCode).toBe(2);
    const output = result.stdout + result.stderr;
    expect(output).toContain('someone ran makemigrations on this server');
    expect(output).toContain('catalog/migrations/0005_product_note.py');
    expect(await s.serviceEvents()).toEqual([]);
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serverGit('rev-parse', 'HEAD')).not.toBe(await s.devGit('rev-parse', 'HEAD'));
    const journal = await readNewestJournal(s.backupDir);
    expect(stepStatuses(journal.entries)).toEqual({ preflight: 'failed' });
    expect(journal.entries.at(-1)).toMatchObject({ event: 'deploy-finished', detail: { exitCode: 2 } });
  });

  it('while another deploy holds the database lock (another server) or the lock file (this machine)', async () => {
    const s = await scenario('locked');
    await s.push('Add product weight and order reference', TWO_GOOD_MIGRATIONS);
    const before = await databaseFingerprint(s.db.settings);
    const lockName = `migration-guard:deploy:${s.db.settings.database}`;
    const otherServer = await mysql.createConnection({ host: s.db.admin.host, port: s.db.admin.port, user: s.db.admin.user, password: s.db.admin.password });
    try {
      await otherServer.query('SELECT GET_LOCK(?, 0)', [lockName]);
      const plan = await s.deploy(['--plan']);
      expect(plan.exitCode).toBe(2);
      expect(plan.stdout).toContain(`✖ locks: GET_LOCK('${lockName}') is held`);
      const result = await s.deploy();
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`Another deploy or restore holds the database lock "${lockName}"`);
      expect(result.stderr).toContain('waited 1 s');
    } finally {
      await otherServer.end();
    }

    // A deploy running on this machine: the lock file names a live process (this test's own).
    await mkdir(s.backupDir, { recursive: true });
    const holder = { pid: process.pid, host: os.hostname(), startTicks: processStartTicks(process.pid), command: 'migration-guard deploy', startedAt: '2026-11-25T10:00:00.000Z' };
    await writeFile(path.join(s.backupDir, 'deploy.lock'), JSON.stringify(holder));
    const result = await s.deploy();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`holds the lock ${path.join(s.backupDir, 'deploy.lock')}: migration-guard deploy is running as pid ${process.pid} since 2026-11-25T10:00:00.000Z`);
    expect(await s.serviceEvents()).toEqual([]);
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
  });

  it('on a development checkout, and --fake in migrate arguments, without touching anything', async () => {
    const s = await scenario('refusals');
    const development = await s.deploy([], { MIGRATION_GUARD_ROLE: 'development' });
    expect(development.exitCode).toBe(2);
    expect(development.stderr).toContain('deploy runs only on staging or production checkouts; this one is "development"');
    expect(development.stderr).toContain('MIGRATION_GUARD_ROLE=production');

    const fake = await s.deploy(['--', '--fake']);
    expect(fake.exitCode).toBe(2);
    expect(fake.stderr).toContain('--fake records migrations as applied without changing the schema');
    const target = await s.deploy(['--', 'catalog', '0004_tags_and_sku']);
    expect(target.exitCode).toBe(2);
    expect(target.stderr).toContain('"catalog": deploy migrates every app to its latest migration');
    expect(existsSync(s.backupDir)).toBe(false);
    expect(await s.serviceEvents()).toEqual([]);
  });
});
