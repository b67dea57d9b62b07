// `deploy` and the locks an ALTER takes: a table copy over "deploy.maxBlockingCopyRows" refused (and let through
// with --allow-blocking), and a second connection's open transaction on an altered table named by the plan,
// caught by the watchdog during migrate (restored exactly), or killed with --kill-blockers. Real MariaDB, Django, git.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { adminQuery } from '../helpers/database.js';
import { useScenarios, databaseFingerprint, readNewestJournal, stepStatuses, waitFor, type Scenario } from './deploy-scenario.js';
import { COPYING_TYPE_CHANGE, LOCK_KINDS, TWO_GOOD_MIGRATIONS } from './migration-sources.js';

const scenario = useScenarios();

/** Commits a change to a config section ("deploy" by default) and brings the server checkout up to it. */
async function setDeployConfig(s: Scenario, values: Record<string, unknown>, section = 'deploy'): Promise<void> {
  const file = path.join(s.dev, 'migration-guard.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
  await s.push('Settings', { 'migration-guard.config.json': `${JSON.stringify({ ...config, [section]: { ...config[section], ...values } }, null, 2)}\n` });
  await s.serverGit('pull', '-q', '--ff-only');
}

/** Lets the app's user see other sessions' transactions (INNODB_TRX), as a deploy user that names blockers needs. */
async function grantProcess(s: Scenario): Promise<void> {
  await adminQuery(`GRANT PROCESS ON *.* TO '${s.db.settings.user}'@'%'`);
}

/** The app's own connection, as a second client of the site would hold it. */
function appConnection(s: Scenario) {
  const { host, port, user, password, database } = s.db.settings;
  return mysql.createConnection({ host, port, user, password, database });
}

async function columnType(s: Scenario, table: string, column: string): Promise<string> {
  const rows = (await adminQuery('SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?', [s.db.settings.database, table, column])) as Array<{ type: string }>;
  return rows[0]!.type;
}

describe('deploy: blocking table copies', () => {
  it('refuses a copy of a table over the limit (naming migration, statement and fix); --plan shows it with an estimate; --allow-blocking deploys it', async () => {
    const s = await scenario('copy-limit');
    await setDeployConfig(s, { maxBlockingCopyRows: 5000 });
    await adminQuery(
      `INSERT INTO catalog_product (name, category_id, price_cents, sku) SELECT CONCAT('Product ', seq), 1, seq, CONCAT('S-', seq) FROM seq_1_to_20000; ANALYZE TABLE catalog_product;`,
      [],
      s.db.settings.database,
    );
    await s.push('price_cents as a bigint', COPYING_TYPE_CHANGE);
    const head = await s.serverGit('rev-parse', 'HEAD');
    const before = await databaseFingerprint(s.db.settings);

    const refused = await s.deploy();
    const output = refused.stdout + refused.stderr;
    expect(refused.exitCode, output).toBe(2);
    expect(output).toMatch(/catalog\.0005_price_cents_bigint copies `catalog_product` \(about [\d,]+ rows, more than "deploy.maxBlockingCopyRows" = 5,000\): ALTER TABLE `catalog_product` MODIFY `price_cents` bigint NOT NULL — the server: Cannot change column type/);
    expect(output).toMatch(/fix: Split catalog\.0005_price_cents_bigint .*SeparateDatabaseAndState.*--allow-blocking/);
    expect(output).toMatch(/COPIES `catalog_product` \(20 k rows, [\d.]+ MB\): writes blocked for roughly .* \(estimate\)/);
    // Refused while the application still ran: the fetched commit was assessed apart from the checkout, so the
    // service commands never ran and HEAD never moved.
    const journal = await readNewestJournal(s.backupDir);
    expect(stepStatuses(journal.entries)).toEqual({ preflight: 'ok', fetch: 'ok', 'lock-safety': 'failed' });
    expect(await s.serviceEvents()).toEqual([]);
    expect(output).toContain('The application was not stopped and the checkout did not move.');
    const step = journal.entries.find((entry) => entry.step === 'lock-safety' && entry.status === 'failed');
    expect(step!.detail.overLimit).toEqual([{ migration: 'catalog.0005_price_cents_bigint', table: 'catalog_product', rows: expect.any(Number) }]);
    expect(step!.detail.copyRate.rowsPerSecond).toBeGreaterThan(0);
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);

    await s.serverGit('pull', '-q', '--ff-only');
    const started = Date.now();
    const plan = await s.deploy(['--plan', '--no-pull']);
    const planMs = Date.now() - started;
    const planOutput = plan.stdout + plan.stderr;
    expect(plan.exitCode, planOutput).toBe(2);
    expect(planOutput).toMatch(/✖ Lock safety: 1 copies a table/);
    expect(planOutput).toMatch(/A deploy would refuse now: lock safety\./);
    // The deploy assessed the fetched commit in a snapshot; the checkout, now at that commit, finds its cache entry.
    expect(output).toMatch(/their schema is cached for the next run/);
    expect(planOutput).toMatch(/the applied migrations' schema loaded from the cache/);
    console.log(`deploy --plan (20,000 rows, copy rate measured): ${planMs} ms`);

    const allowed = await s.deploy(['--no-pull', '--allow-blocking']);
    expect(allowed.exitCode, allowed.stdout + allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('accepted with --allow-blocking: catalog.0005_price_cents_bigint blocks writes on `catalog_product`');
    expect(await columnType(s, 'catalog_product', 'price_cents')).toBe('bigint(20)');
  });
});

describe('deploy: lock safety that cannot be checked', () => {
  it('says why and how to fix it (no right to create the scratch database), and does not refuse', async () => {
    const s = await scenario('copy-unchecked');
    await setDeployConfig(s, { scratchDatabase: 'elsewhere_{random}' }, 'drift');
    await s.push('Two migrations', TWO_GOOD_MIGRATIONS);
    await s.serverGit('pull', '-q', '--ff-only');
    const plan = await s.deploy(['--plan', '--no-pull']);
    const output = plan.stdout + plan.stderr;
    expect(plan.exitCode, output).toBe(0);
    expect(output).toMatch(/! Lock safety: not classified \(see above\)/);
    expect(output).toMatch(/could not be classified on a scratch database: Cannot create the scratch database "elsewhere_[0-9a-f]{8}" .* may not create databases there\. \(fix: Let it create scratch databases: GRANT ALL PRIVILEGES ON `elsewhere%`/);
  });
});

describe('deploy: Ctrl-C during lock safety', () => {
  it('stops the replay, drops the scratch database and exits 130 with the database unchanged and the service never stopped', async () => {
    const s = await scenario('ddl-sigint');
    await s.push('Migrations of every lock kind', LOCK_KINDS);
    const before = await databaseFingerprint(s.db.settings);
    const deploy = s.startDeploy();
    const scratch = async () => (await adminQuery('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${s.db.settings.database}\\_\\_%`])) as unknown[];
    await waitFor(async () => (await scratch()).length > 0, 'the scratch database', 60_000, 20);
    deploy.kill('SIGINT');
    const result = await deploy;
    const output = String(result.all);
    expect(result.exitCode, output).toBe(130);
    expect(output).toMatch(/Deploy INTERRUPTED/);
    expect(output).toMatch(/could not be classified on a scratch database: interrupted: the replay on the scratch database "\w+__drift_[0-9a-f]{8}" was stopped/);
    expect(await s.serviceEvents()).toEqual([]); // lock safety runs before the service stop now
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
    expect(await scratch()).toEqual([]);
  });
});

describe('deploy: kill -9 during lock safety', () => {
  it('the next deploy drops the scratch database it left behind, then deploys', async () => {
    const s = await scenario('ddl-kill9');
    await s.push('Two migrations', TWO_GOOD_MIGRATIONS);
    const scratch = async () => ((await adminQuery('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${s.db.settings.database}\\_\\_%`])) as Array<{ name: string }>).map((row) => row.name);
    const deploy = s.startDeploy();
    await waitFor(async () => (await scratch()).length > 0, 'the scratch database', 60_000, 20);
    const left = await scratch();
    deploy.kill('SIGKILL');
    await deploy;
    await waitFor(async () => JSON.stringify((await readNewestJournal(s.backupDir)).entries).includes(left[0]!), 'the journaled scratch name', 5_000);

    const rerun = await s.deploy();
    const output = rerun.stdout + rerun.stderr;
    expect(rerun.exitCode, output).toBe(0);
    expect(output).toContain('it stopped during "lock-safety"');
    expect(output).toContain(`dropped the scratch database "${left[0]}" left by the lock-safety step`);
    expect(await scratch()).toEqual([]);
  });
});

describe('deploy: metadata locks', () => {
  it('--plan names an open transaction on an altered table (with its age, user, host and statement)', async () => {
    const s = await scenario('mdl-plan');
    await grantProcess(s);
    await s.push('Two migrations', TWO_GOOD_MIGRATIONS);
    await s.serverGit('pull', '-q', '--ff-only');
    const blocker = await appConnection(s);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT COUNT(*) FROM catalog_product');
      const id = blocker.threadId;
      const started = Date.now();
      const plan = await s.deploy(['--plan', '--no-pull']);
      console.log(`deploy --plan (two pending migrations, no copy): ${Date.now() - started} ms`);
      const output = plan.stdout + plan.stderr;
      expect(plan.exitCode, output).toBe(0);
      expect(output).toContain('sessions that can keep these ALTERs waiting for a metadata lock');
      expect(output).toMatch(new RegExp(`session ${id} \\(${s.db.settings.user}@[\\w.:]+, open transaction for \\d+ s`));
      expect(output).toMatch(/instant \(metadata only\): ALTER TABLE `catalog_product` ADD COLUMN `weight_grams` integer DEFAULT 0 NOT NULL/);
    } finally {
      await blocker.end();
    }
  });

  /** Starts a deploy whose "service stop" waits until the test has opened a transaction reading catalog_product. */
  async function deployWithBlockerAfterPreflight(s: Scenario, args: string[]) {
    const ready = path.join(s.base, 'blocker-ready');
    await grantProcess(s);
    await setDeployConfig(s, { lockWaitSeconds: 2, serviceStop: `echo stop >> "$SERVICE_LOG"; while [ ! -f "${ready}" ]; do sleep 0.05; done` });
    await s.push('Two migrations', TWO_GOOD_MIGRATIONS);
    const before = await databaseFingerprint(s.db.settings);
    const deploy = s.startDeploy(args);
    await waitFor(async () => (await s.serviceEvents()).includes('stop'), 'the service stop');
    const blocker = await appConnection(s);
    await blocker.query('BEGIN');
    await blocker.query('SELECT COUNT(*) FROM catalog_product');
    await writeFile(ready, '');
    return { deploy, blocker, before };
  }

  it('the watchdog stops migrate waiting behind a transaction opened after preflight, names it, and the database ends as before', async () => {
    const s = await scenario('mdl-watchdog');
    const { deploy, blocker, before } = await deployWithBlockerAfterPreflight(s, []);
    const id = blocker.threadId;
    // The failure path's restore needs the same lock: it waits, names the blocker, and goes on once it ends.
    await waitFor(async () => existsSync(s.backupDir) && JSON.stringify((await readNewestJournal(s.backupDir)).entries).includes('"action":"reported"'), 'the restore waiting', 60_000);
    await blocker.query('COMMIT');
    await blocker.end();
    const result = await deploy;
    const output = String(result.all);
    expect(result.exitCode, output).toBe(1);
    expect(output).toMatch(new RegExp(`migrate waited [\\d.]+ s for the metadata lock of \`catalog_product\` .*held by session ${id} \\(${s.db.settings.user}@`));
    expect(output).toContain('stopped migrate (KILL QUERY');
    expect(output).toMatch(/Deploy FAILED at migrate: stopped by the lock watchdog/);
    expect(output).toMatch(new RegExp(`the restore waited [\\d.]+ s for the metadata lock of \`\\w+\` .*held by session ${id} .*it goes on waiting, since the database must be restored. End them: KILL ${id}`));
    const journal = await readNewestJournal(s.backupDir);
    const watchdog = journal.entries.filter((entry) => entry.step === 'migrate' && entry.detail?.watchdog).at(-1)!.detail.watchdog[0];
    expect(watchdog).toMatchObject({ action: 'stopped-migrate', table: 'catalog_product' });
    expect(watchdog.waitedSeconds).toBeGreaterThanOrEqual(2);
    expect(watchdog.waitedSeconds).toBeLessThan(3.5);
    expect(stepStatuses(journal.entries)).toMatchObject({ 'lock-safety': 'ok', backup: 'ok', migrate: 'failed', restore: 'ok', 'service-start': 'ok' });
    expect(await databaseFingerprint(s.db.settings)).toEqual(before);
  });

  it('--kill-blockers kills the blocking session and the deploy succeeds', async () => {
    const s = await scenario('mdl-kill');
    const { deploy, blocker } = await deployWithBlockerAfterPreflight(s, ['--kill-blockers']);
    const id = blocker.threadId;
    const result = await deploy;
    const output = String(result.all);
    expect(result.exitCode, output).toBe(0);
    expect(output).toMatch(new RegExp(`held by session ${id} .*: killed them \\(--kill-blockers\\)`));
    await expect(blocker.query('SELECT 1')).rejects.toThrow();
    blocker.destroy();
    const journal = await readNewestJournal(s.backupDir);
    expect(stepStatuses(journal.entries)).toMatchObject({ migrate: 'ok', verify: 'ok' });
    expect(await columnType(s, 'catalog_product', 'weight_grams')).toBe('int(11)');
  });
});

describe('deploy: fetched code that Django cannot run apart from the checkout', () => {
  it('says so, and assesses lock safety after the pull instead (the settings import a file only the server has)', async () => {
    const s = await scenario('assess-deferred');
    // Server-local settings, ignored by git, as many Django servers keep them.
    await s.push('Ignore server-local settings', { '.gitignore': `${await readFile(path.join(s.dev, '.gitignore'), 'utf8')}hcat/server_local.py\n` });
    await s.serverGit('pull', '-q', '--ff-only');
    await writeFile(path.join(s.server, 'hcat', 'server_local.py'), 'SERVER_NAME = "prod-1"\n');
    const settings = await readFile(path.join(s.dev, 'hcat', 'settings.py'), 'utf8');
    await s.push('Two migrations, settings that need the server-local file', { ...TWO_GOOD_MIGRATIONS, 'hcat/settings.py': `${settings}\nfrom .server_local import SERVER_NAME  # noqa: E402\n` });

    const result = await s.deploy();
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(0);
    expect(output).toMatch(/could not assess the fetched code before stopping the application \(Django could not list the migrations .*server_local.*\); its lock safety is checked after the pull/);
    expect(output).toMatch(/instant \(metadata only\): ALTER TABLE `catalog_product` ADD COLUMN `weight_grams`/);
    const journal = await readNewestJournal(s.backupDir);
    const order = journal.entries.filter((entry) => entry.event === 'step' && entry.status === 'ok').map((entry) => entry.step);
    expect(order).toEqual(['preflight', 'fetch', 'lock-safety', 'service-stop', 'pull', 'migrations', 'lock-safety', 'backup', 'sqlmigrate', 'migrate', 'verify', 'service-start']);
    expect(await columnType(s, 'catalog_product', 'weight_grams')).toBe('int(11)');
  });
});

describe('deploy: fetch, assess, then fast-forward to exactly that commit', () => {
  it('deploys the commit it assessed, not one pushed while the service was stopping', async () => {
    const s = await scenario('assessed-commit');
    await s.push('Two migrations', TWO_GOOD_MIGRATIONS);
    const assessed = await s.devGit('rev-parse', 'HEAD');
    // Someone pushes again while the deploy stops the service (after its lock-safety assessment).
    const push = `git -C "${s.dev}" commit -q --allow-empty -m later && git -C "${s.dev}" push -q origin main`;
    const result = await s.deploy([], { ON_STOP: push });
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain(`git merge --ff-only ${assessed.slice(0, 12)} (the commit fetched and assessed)`);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(assessed);
    expect(await s.devGit('rev-parse', 'HEAD')).not.toBe(assessed);
  });

  it('refuses diverged histories at the fetch, before stopping anything', async () => {
    const s = await scenario('diverged');
    await s.push('Two migrations', TWO_GOOD_MIGRATIONS);
    await writeFile(path.join(s.server, 'NOTES'), 'made on the server\n');
    await s.serverGit('add', 'NOTES');
    await s.serverGit('commit', '-q', '-m', 'a commit made on the server');
    const head = await s.serverGit('rev-parse', 'HEAD');
    const result = await s.deploy();
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(2);
    expect(output).toMatch(/origin\/main \([0-9a-f]{12}\) is not ahead of HEAD \([0-9a-f]{12}\): the histories diverged/);
    expect(output).toContain('The application was not stopped and the checkout did not move.');
    expect(await s.serviceEvents()).toEqual([]);
    expect(await s.serverGit('rev-parse', 'HEAD')).toBe(head);
  });
});
