// `kill -9` of a deploy during the backup and during migrate, then a rerun: the lock and the journal say
// what happened, and the rerun finishes the job safely. A table lock held by the test pins each deploy
// at the exact step (the dump, or migrate's second ALTER TABLE) before it is killed.
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers/database.js';
import { clientOptionFiles, leftoverFilesContaining } from '../helpers/leftover-secrets.js';
import { processState } from '../../src/locks/process-identity.js';
import { useScenarios, databaseFingerprint, stepStatuses, waitFor, type Scenario } from './deploy-scenario.js';
import { TWO_GOOD_MIGRATIONS, TWO_TABLES } from './migration-sources.js';

const scenario = useScenarios();

function journalEntries(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
}

async function journalFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((name) => name.endsWith('.journal.jsonl')).sort().map((name) => path.join(dir, name));
}

// Reads only ID/DB/COMMAND/STATE: reading other threads' INFO while they disconnect is a crash risk on some servers.
async function threadsInDatabase(database: string, state?: string): Promise<number> {
  const rows = (await adminQuery(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Query'${state ? ' AND STATE = ?' : ''}`, state ? [database, state] : [database])) as Array<{ n: number | string }>;
  return Number(rows[0]!.n);
}

const waitingOnMetadataLock = async (database: string) => (await threadsInDatabase(database, 'Waiting for table metadata lock')) > 0;

async function lockTable(s: Scenario, mode: 'READ' | 'WRITE'): Promise<mysql.Connection> {
  const connection = await mysql.createConnection({ host: s.db.admin.host, port: s.db.admin.port, user: s.db.admin.user, password: s.db.admin.password, database: s.db.settings.database });
  await connection.query(`LOCK TABLES catalog_product ${mode}`);
  return connection;
}

describe('deploy interrupted (kill -9, Ctrl-C)', () => {
  it('during the backup: the rerun reports the stale lock and the interrupted step, cleans up, and deploys', async () => {
    const s = await scenario('kill-backup');
    await s.push('Add product weight and order reference', TWO_GOOD_MIGRATIONS);
    const before = await databaseFingerprint(s.db.settings);
    const locker = await lockTable(s, 'WRITE');

    const first = s.startDeploy();
    await waitFor(async () => (await readdir(s.backupDir).catch(() => [])).some((name) => name.endsWith('.sql.gz.tmp')) && (await waitingOnMetadataLock(s.db.settings.database)), 'the dump to be writing and blocked', 30_000, 200);
    first.kill('SIGKILL');
    const killed = await first;
    expect(killed.signal).toBe('SIGKILL');
    // The dump's option file outlives the kill, but holds no password (that was in the dump's environment).
    expect((await clientOptionFiles()).length).toBeGreaterThan(0);
    expect(await leftoverFilesContaining(s.db.settings.password)).toEqual([]);

    // What is left: a lock file naming the dead pid, and a journal that stops inside "backup".
    const lock = JSON.parse(readFileSync(path.join(s.backupDir, 'deploy.lock'), 'utf8')) as { pid: number; journal: string };
    expect(lock.pid).toBe(first.pid);
    const [journalFile] = await journalFiles(s.backupDir);
    expect(lock.journal).toBe(journalFile);
    const entries = journalEntries(journalFile!);
    expect(entries.at(-1)).toMatchObject({ step: 'backup', status: 'started' });
    expect(entries.some((entry) => entry.event === 'deploy-finished')).toBe(false);
    const dumpPid = [...entries].reverse().find((entry) => entry.step === 'backup' && entry.detail?.dumpPid)!.detail.dumpPid as number;

    // Releasing the table lets the orphaned dump run into its closed pipe and die.
    await locker.query('UNLOCK TABLES');
    await locker.end();
    await waitFor(() => processState({ pid: dumpPid, host: os.hostname(), startTicks: null }) === 'gone', 'the orphaned dump to exit');

    const rerun = await s.deploy();
    const output = rerun.stdout + rerun.stderr;
    expect(rerun.exitCode, output).toBe(0);
    expect(output).toContain(`a stale lock was left by pid ${first.pid}`);
    expect(output).toMatch(/The previous deploy \S+ \(pid \d+ on \S+\) did not finish: it stopped during "backup"\. Nothing had been migrated/);
    expect(output).toMatch(/removed the unfinished backup .*\.sql\.gz\.tmp/);
    expect(output).toContain('Deployed: 2 migration(s) applied and verified');

    const old = journalEntries(journalFile!);
    expect(old.at(-1)).toMatchObject({ event: 'resolved', detail: { action: 'nothing-to-undo' } });
    expect(stepStatuses(old)).toMatchObject({ backup: 'started', 'revert-code': 'ok' });
    const files = await readdir(s.backupDir);
    expect(files.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((name) => name.endsWith('.sql.gz'))).toHaveLength(1);
    const after = await databaseFingerprint(s.db.settings);
    expect(after.migrations).toEqual([...before.migrations, 'catalog.0005_product_weight_grams', 'orders.0003_order_reference']);
    const orderLines = `${s.db.settings.database}.orders_orderline`;
    expect(after.checksums[orderLines]).toBe(before.checksums[orderLines]);
    expect(await s.serviceEvents()).toEqual(['stop', 'stop', 'start']);
  });

  it('during migrate: the rerun waits for the orphaned migrate, then restores the half-applied migration and deploys', async () => {
    const s = await scenario('kill-migrate');
    await s.push('Tag colour and product weight in one migration', TWO_TABLES);
    const before = await databaseFingerprint(s.db.settings);
    const locker = await lockTable(s, 'READ');

    const first = s.startDeploy();
    // Under a READ lock only DDL waits: that is migrate's ALTER TABLE of catalog_product (catalog_tag's came first).
    await waitFor(async () => waitingOnMetadataLock(s.db.settings.database), "migrate's second ALTER TABLE to be blocked", 30_000, 200);
    first.kill('SIGKILL');
    const [journalFile] = await journalFiles(s.backupDir);
    const migratePid = [...journalEntries(journalFile!)].reverse().find((entry) => entry.step === 'migrate' && entry.detail?.pid)!.detail.pid as number;

    // The orphaned manage.py migrate still runs: a rerun must not restore under its feet.
    const early = await s.deploy();
    expect(early.exitCode).toBe(2);
    expect(early.stderr).toContain(`manage.py migrate started by the interrupted deploy`);
    expect(early.stderr).toContain(`is still running (pid ${migratePid})`);
    expect(early.stderr).toContain(`kill ${migratePid}`);

    // The operator stops it; its half-done migration (catalog_tag altered, no django_migrations row) stays behind.
    process.kill(migratePid, 'SIGKILL');
    await first;
    await locker.query('UNLOCK TABLES');
    await locker.end();
    await waitFor(async () => (await threadsInDatabase(s.db.settings.database)) === 0, 'the server to finish with the orphaned ALTER', 30_000, 200);
    const partial = await databaseFingerprint(s.db.settings);
    expect(partial.schema).toContain('`colour` varchar(20) NOT NULL');
    expect(partial.migrations).toEqual(before.migrations);

    const rerun = await s.deploy();
    const output = rerun.stdout + rerun.stderr;
    expect(rerun.exitCode, output).toBe(0);
    expect(output).toMatch(/did not finish: it stopped during "migrate"\. The database may be half-migrated: restoring its backup/);
    expect(output).toMatch(/recover: restore the backup of the interrupted deploy: restored and verified: tables, SHOW CREATE TABLE, CHECKSUM TABLE/);
    expect(output).toContain('Applying catalog.0005_tag_colour_product_weight... OK');

    const old = journalEntries(journalFile!);
    expect(stepStatuses(old)).toMatchObject({ migrate: 'started', restore: 'ok', 'revert-code': 'ok' });
    expect(old.at(-1)).toMatchObject({ event: 'resolved', detail: { action: 'restore' } });
    const after = await databaseFingerprint(s.db.settings);
    expect(after.migrations).toEqual([...before.migrations, 'catalog.0005_tag_colour_product_weight']);
    for (const table of ['orders_orderline', 'orders_order', 'catalog_category']) {
      const key = `${s.db.settings.database}.${table}`;
      expect(after.checksums[key]).toBe(before.checksums[key]);
    }
    expect(await s.serviceEvents()).toEqual(['stop', 'stop', 'start']);
  });

  it('Ctrl-C (SIGINT) during migrate: the deploy lets migrate end, restores, starts the service and exits 130', async () => {
    const s = await scenario('sigint');
    await s.push('Tag colour and product weight in one migration', TWO_TABLES);
    const before = await databaseFingerprint(s.db.settings);
    const head = await s.serverGit('rev-parse', 'HEAD');
    const locker = await lockTable(s, 'READ');
    const deploy = s.startDeploy();
    // Under a READ lock only DDL waits: that is migrate's ALTER TABLE of catalog_product (catalog_tag's came first).
    await waitFor(async () => waitingOnMetadataLock(s.db.settings.database), "migrate's second ALTER TABLE to be blocked", 30_000, 200);
    deploy.kill('SIGINT');
    const [journalFile] = await journalFiles(s.backupDir);
    await waitFor(() => journalEntries(journalFile!).some((entry) => entry.event === 'signal'), 'the deploy to note the signal');
    await locker.query('UNLOCK TABLES');
    await locker.end();
    const result = await deploy;
    const output = String(result.all);
    expect(result.exitCode, output).toBe(130);
    expect(output).toContain('SIGINT received: finishing safely');
    expect(output).toMatch(/Applying catalog\.0005_tag_colour_product_weight\.\.\.[\s\S]*OK/); // migrate was let finish
    expect(output).toContain('Deploy INTERRUPTED (interrupted by SIGINT) after step "migrate"');
    expect(output).toContain('The database was restored from');
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
    expect(await s.serviceEvents()).toEqual(['stop', 'start']);
  });
  it('Ctrl-C on a terminal during migrate (migrate gets SIGINT too and fails): restored, exit 130', async () => {
    const s = await scenario('sigint-group');
    await s.push('Tag colour and product weight in one migration', TWO_TABLES);
    const before = await databaseFingerprint(s.db.settings);
    const locker = await lockTable(s, 'READ');
    const deploy = s.startDeploy();
    await waitFor(async () => waitingOnMetadataLock(s.db.settings.database), "migrate's second ALTER TABLE to be blocked", 30_000, 200);
    const [journalFile] = await journalFiles(s.backupDir);
    const migratePid = journalEntries(journalFile!).find((entry) => entry.step === 'migrate' && entry.detail?.pid)?.detail.pid as number | undefined;
    expect(migratePid).toBeGreaterThan(0);
    // What a terminal does: the signal goes to the whole foreground process group, migrate included.
    deploy.kill('SIGINT');
    process.kill(migratePid!, 'SIGINT');
    await locker.query('UNLOCK TABLES');
    await locker.end();
    const result = await deploy;
    const output = String(result.all);
    expect(result.exitCode, output).toBe(130);
    expect(output).toContain('Deploy INTERRUPTED (interrupted by SIGINT: manage.py migrate failed');
    expect(output).toContain('The database was restored from');
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serviceEvents()).toEqual(['stop', 'start']);
  });
});
