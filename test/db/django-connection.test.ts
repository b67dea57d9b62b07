// "The database is the one Django uses": projects with no migration-guard config and the common shapes of
// DATABASES, against the suite's real MariaDB (over its Unix socket and over TCP) and real Django 3.2.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createFixtureRepo, manage, runCli, type FixtureRepo } from '../helpers/fixture-project.js';
import { createSettingsVariant, variantEnv } from '../helpers/settings-variants.js';
import { createHookedRepo } from '../hooks/helpers/hooked-repo.js';

// The most common MySQL shape: credentials from variables, no HOST and no PORT (MySQLdb uses the socket).
const STOCK = `
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql',
    'NAME': os.environ['APP_DB'], 'USER': os.environ['APP_USER'], 'PASSWORD': os.environ['APP_PASSWORD'],
    'OPTIONS': {'init_command': "SET sql_mode='STRICT_TRANS_TABLES'", 'charset': 'utf8mb4'}}}
`;

interface StatusJson {
  verdict: string;
  database: { name: string; socket: string | null; host: string; port: number };
  apps: Array<{ app: string; pending: string[] }>;
}
interface Outcome {
  name: string;
  state: string;
  detail: string;
}

const repos: FixtureRepo[] = [];
const databases: TestDatabase[] = [];
let scratch: string;

async function variant(databasesPy: string, options?: { extraSettings?: string }): Promise<FixtureRepo> {
  const repo = await createSettingsVariant(databasesPy, options);
  repos.push(repo);
  return repo;
}
async function database(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  databases.push(db);
  return db;
}
function appEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return variantEnv({ APP_DB: db.settings.database, APP_USER: db.settings.user, APP_PASSWORD: db.settings.password, APP_MEDIA: path.join(scratch, `media-${db.settings.database}`), ...extra });
}
async function status(repo: FixtureRepo, env: Record<string, string>, args: string[] = []) {
  const result = await runCli(['status', '--json', ...args], { cwd: repo.dir, env });
  return { ...result, json: result.stdout ? (JSON.parse(result.stdout) as StatusJson) : null };
}
async function doctor(repo: FixtureRepo, env: Record<string, string>, args: string[] = []) {
  const result = await runCli(['doctor', '--json', ...args], { cwd: repo.dir, env });
  const outcomes = JSON.parse(result.stdout) as Outcome[];
  return { ...result, outcome: (name: string) => outcomes.find((outcome) => outcome.name === name)! };
}
async function migrate(repo: { dir: string }, env: Record<string, string>, args: string[] = []) {
  const result = await manage(repo.dir, ['migrate', '--noinput', ...args], { ...(process.env as Record<string, string>), ...env });
  expect(result.exitCode, result.stderr).toBe(0);
}
/** backup and drift on a variant: both reach the database the settings name (drift through its pinned scratch database). */
async function expectBackupAndDrift(repo: FixtureRepo, env: Record<string, string>, db: TestDatabase): Promise<void> {
  const backupDir = path.join(scratch, `backups-${path.basename(repo.dir)}`);
  const backup = await runCli(['backup', '--json', '--backup-dir', backupDir], { cwd: repo.dir, env });
  expect(backup.exitCode, backup.stderr).toBe(0);
  expect(path.basename((JSON.parse(backup.stdout) as { path: string }).path)).toMatch(new RegExp(`^${db.settings.database}-`));
  await migrate(repo, env);
  const drift = await runCli(['drift', '--json', '--no-cache'], { cwd: repo.dir, env });
  expect(drift.exitCode, drift.stderr).toBe(0);
  expect((JSON.parse(drift.stdout) as { actual: { database: string } }).actual.database).toBe(db.settings.database);
}

/** The schema (no data, no dump date) and django_migrations of a database, as the administrator reads them. */
async function snapshot(db: TestDatabase): Promise<{ schema: string; records: unknown }> {
  const info = inject('mariadb');
  const schema = await execa('mariadb-dump', ['--no-defaults', '-h', info.host, '-P', String(info.port), '-u', info.adminUser, '--no-data', '--skip-dump-date', '--skip-comments', db.settings.database], { env: { MYSQL_PWD: info.adminPassword } });
  const records = await adminQuery('SELECT id, app, name, applied FROM django_migrations ORDER BY id', [], db.settings.database).catch(() => null);
  return { schema: schema.stdout, records };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'mg-django-conn-'));
});
afterAll(async () => {
  await Promise.all([...repos.map((repo) => repo.remove()), ...databases.map((db) => db.drop())]);
  await rm(scratch, { recursive: true, force: true });
});

describe('no config, HOST empty: the Unix socket, as MySQLdb', () => {
  let repo: FixtureRepo;
  let db: TestDatabase;
  beforeAll(async () => {
    repo = await variant(STOCK);
    db = await database('sock');
  });

  it('status reaches the database over MYSQL_UNIX_PORT and covers the contrib apps', async () => {
    const result = await status(repo, appEnv(db));
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.json!.database).toMatchObject({ name: db.settings.database, socket: inject('mariadb').socket });
    expect(result.json!.apps.map((app) => app.app)).toEqual(['auth', 'catalog', 'contenttypes', 'orders']);
    await migrate(repo, appEnv(db));
    const after = await status(repo, appEnv(db));
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.json!.verdict).toBe('in-sync');
  });

  it('remembers the settings without writing the password, and takes a changed password from the variable', async () => {
    const cacheDir = path.join(repo.dir, '.migration-guard/cache');
    const files = await readdir(cacheDir);
    expect(files).toContain('django-settings.default.json');
    for (const file of files) expect(await readFile(path.join(cacheDir, file), 'utf8')).not.toContain(db.settings.password);
    const wrong = await status(repo, appEnv(db, { APP_PASSWORD: 'not-the-password-7' }));
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain('access denied');
    expect(wrong.stderr + wrong.stdout).not.toContain('not-the-password-7');
    // Another database in the variable: a new answer, not the remembered one.
    const other = await database('sock2');
    const moved = await status(repo, appEnv(other));
    expect(moved.json!.database.name).toBe(other.settings.database);
    expect(moved.exitCode).toBe(1);
  });

  it('doctor shows where each value came from and proves Django reaches the same database', async () => {
    const result = await doctor(repo, appEnv(db));
    expect(result.outcome('database')).toMatchObject({ state: 'ok', detail: expect.stringContaining(`socket ${inject('mariadb').socket}`) });
    expect(result.outcome('database').detail).toContain('socket from MYSQL_UNIX_PORT');
    expect(result.outcome('database').detail).toContain('user from DATABASES (Django settings)');
    expect(result.outcome('same database as Django')).toMatchObject({ state: 'ok', detail: expect.stringContaining(`"${db.settings.database}" as ${db.settings.user}@`) });
    expect(result.stdout).not.toContain(db.settings.password);
  });

  it('backup dumps the database the settings name', async () => {
    const backupDir = path.join(scratch, 'backups-sock');
    const result = await runCli(['backup', '--json', '--backup-dir', backupDir], { cwd: repo.dir, env: appEnv(db) });
    expect(result.exitCode, result.stderr).toBe(0);
    const written = JSON.parse(result.stdout) as { path: string };
    expect(path.basename(written.path)).toMatch(new RegExp(`^${db.settings.database}-`));
    const sql = (await execa('gunzip', ['-c', written.path])).stdout;
    expect(sql).toContain('CREATE TABLE `catalog_product`');
    expect(sql).toContain('-- Dump completed');
  });

  it('restore-from-prod writes the settings database and MEDIA_ROOT', async () => {
    const prod = await database('prod');
    await migrate(repo, appEnv(prod));
    await adminQuery("INSERT INTO catalog_category (name) VALUES ('from production')", [], prod.settings.database);
    const info = inject('mariadb');
    const dump = path.join(scratch, 'prod.sql');
    await execa('mariadb-dump', ['--no-defaults', '-h', info.host, '-P', String(info.port), '-u', prod.settings.user, '--single-transaction', prod.settings.database], { env: { MYSQL_PWD: prod.settings.password }, stdout: { file: dump } });
    const media = path.join(scratch, 'prod-media');
    await mkdir(path.join(media, 'uploads'), { recursive: true });
    await writeFile(path.join(media, 'uploads/photo.txt'), 'production upload\n');
    const tarball = path.join(scratch, 'media.tar');
    await execa('tar', ['-C', media, '-cf', tarball, '.']);

    const env = appEnv(db);
    const result = await runCli(['restore-from-prod', '--db-source', dump, '--media-source', tarball, '--yes', '--no-migrate'], { cwd: repo.dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = (await adminQuery('SELECT name FROM catalog_category', [], db.settings.database)) as Array<{ name: string }>;
    expect(rows.map((row) => row.name)).toContain('from production');
    expect(await readFile(path.join(env.APP_MEDIA!, 'uploads/photo.txt'), 'utf8')).toBe('production upload\n');
  });

  it('a settings module that raises is a user error naming the module and the exception (exit 2)', async () => {
    const broken = await variant(`${STOCK}\nraise RuntimeError('APP_REGION is not set')`);
    const result = await status(broken, appEnv(db));
    expect(result.exitCode).toBe(2);
    expect(result.json).toMatchObject({ ok: false, exitCode: 2, error: { message: expect.stringContaining('module "hcat.settings" could not be loaded: RuntimeError: APP_REGION is not set') } });
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(result.stderr).not.toContain('internal error');
  });
});

describe('the other shapes of DATABASES', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await database('shape');
  });

  it("HOST 'localhost' with OPTIONS unix_socket", async () => {
    const repo = await variant(`
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': 'localhost',
    'NAME': os.environ['APP_DB'], 'USER': os.environ['APP_USER'], 'PASSWORD': os.environ['APP_PASSWORD'],
    'OPTIONS': {'unix_socket': os.environ['APP_SOCKET']}}}`);
    const env = appEnv(db, { APP_SOCKET: inject('mariadb').socket, MYSQL_UNIX_PORT: '/nonexistent/not-this.sock' });
    const result = await status(repo, env);
    expect(result.json!.database.socket, result.stderr).toBe(inject('mariadb').socket);
    expect((await doctor(repo, env)).outcome('same database as Django').state).toBe('ok');
    await expectBackupAndDrift(repo, env, db);
  });

  it("HOST '127.0.0.1' with a PORT: TCP", async () => {
    const info = inject('mariadb');
    const repo = await variant(`
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': '127.0.0.1', 'PORT': os.environ['APP_PORT'],
    'NAME': os.environ['APP_DB'], 'USER': os.environ['APP_USER'], 'PASSWORD': os.environ['APP_PASSWORD']}}`);
    const env = appEnv(db, { APP_PORT: String(info.port) });
    const result = await status(repo, env);
    expect(result.json!.database, result.stderr).toMatchObject({ socket: null, host: '127.0.0.1', port: info.port });
    expect((await doctor(repo, env)).outcome('same database as Django').state).toBe('ok');
    await expectBackupAndDrift(repo, env, db);
  });

  it('credentials in a read_default_file option file, with nested !include', async () => {
    const dir = path.join(scratch, 'option-files');
    await mkdir(path.join(dir, 'conf.d'), { recursive: true });
    await writeFile(path.join(dir, 'my.cnf'), `[client]\ndatabase = ${db.settings.database}\n!include ${path.join(dir, 'conf.d/credentials.cnf')}\n`);
    await writeFile(path.join(dir, 'conf.d/credentials.cnf'), `[client]\nuser = ${db.settings.user}\npassword = "${db.settings.password}"\n!include ${path.join(dir, 'socket.cnf')}\n`);
    await writeFile(path.join(dir, 'socket.cnf'), `[client]\nsocket = ${inject('mariadb').socket}\n`);
    const repo = await variant(`
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql',
    'OPTIONS': {'read_default_file': ${JSON.stringify(path.join(dir, 'my.cnf'))}}}}`);
    const env = appEnv(db, { MYSQL_UNIX_PORT: '/nonexistent/not-this.sock' });
    const result = await status(repo, env);
    expect(result.json!.database, result.stderr).toMatchObject({ name: db.settings.database, socket: inject('mariadb').socket });
    const checked = await doctor(repo, env);
    expect(checked.outcome('database').detail).toContain(`password from option file ${path.join(dir, 'conf.d/credentials.cnf')}`);
    expect(checked.outcome('same database as Django').state).toBe('ok');
    await expectBackupAndDrift(repo, env, db);
    // Nothing of the option file's password is remembered either.
    for (const file of await readdir(path.join(repo.dir, '.migration-guard/cache'))) {
      expect(await readFile(path.join(repo.dir, '.migration-guard/cache', file), 'utf8')).not.toContain(db.settings.password);
    }
  });

  it('a URL parsed in the settings (dj-database-url style), password URL-encoded', async () => {
    const info = inject('mariadb');
    const awkward = `p@ss/w:rd-${Date.now()}`;
    await adminQuery(`ALTER USER '${db.settings.user}'@'%' IDENTIFIED BY ?`, [awkward]);
    try {
      const repo = await variant(`
from urllib.parse import urlparse, unquote
_url = urlparse(os.environ['APP_DATABASE_URL'])
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': _url.path[1:], 'USER': unquote(_url.username),
    'PASSWORD': unquote(_url.password), 'HOST': _url.hostname, 'PORT': _url.port}}`);
      const url = `mysql://${db.settings.user}:${encodeURIComponent(awkward)}@127.0.0.1:${info.port}/${db.settings.database}`;
      const first = await status(repo, appEnv(db, { APP_DATABASE_URL: url }));
      expect(first.json!.database, first.stderr).toMatchObject({ name: db.settings.database, host: '127.0.0.1' });
      expect(first.exitCode).not.toBe(2);
      const cached = await readFile(path.join(repo.dir, '.migration-guard/cache/django-settings.default.json'), 'utf8');
      expect(cached).not.toContain(awkward);
      expect(cached).not.toContain(encodeURIComponent(awkward));
      // Remembered: the second run takes the password from the variable's current value.
      const second = await status(repo, appEnv(db, { APP_DATABASE_URL: url }));
      expect(second.exitCode).toBe(first.exitCode);
    } finally {
      await adminQuery(`ALTER USER '${db.settings.user}'@'%' IDENTIFIED BY ?`, [db.settings.password]);
    }
  });

  it('literal values in the settings', async () => {
    const info = inject('mariadb');
    const repo = await variant(`
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': '127.0.0.1', 'PORT': ${info.port},
    'NAME': '${db.settings.database}', 'USER': '${db.settings.user}', 'PASSWORD': '${db.settings.password}'}}`);
    const result = await status(repo, variantEnv({ APP_MEDIA: scratch }));
    expect(result.json!.database, result.stderr).toMatchObject({ name: db.settings.database, port: info.port });
    // A password written in the settings is not remembered anywhere: Django is asked each time.
    expect(existsSync(path.join(repo.dir, '.migration-guard/cache/django-settings.default.json'))).toBe(false);
  });

  it('two aliases: --database picks the one to work on, as manage.py', async () => {
    const reporting = await database('reporting');
    const repo = await variant(`
DATABASES = {
    'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': os.environ['APP_DB'], 'USER': os.environ['APP_USER'], 'PASSWORD': os.environ['APP_PASSWORD']},
    'reporting': {'ENGINE': 'django.db.backends.mysql', 'NAME': os.environ['REPORTING_DB'], 'USER': os.environ['REPORTING_USER'], 'PASSWORD': os.environ['REPORTING_PASSWORD']},
}`);
    const env = appEnv(db, { REPORTING_DB: reporting.settings.database, REPORTING_USER: reporting.settings.user, REPORTING_PASSWORD: reporting.settings.password });
    // The fixture's data migration writes through the default alias: migrate that first, as a team would.
    await migrate(repo, env);
    await migrate(repo, env, ['--database', 'reporting']);
    const onReporting = await status(repo, env, ['--database', 'reporting']);
    expect(onReporting.json!.database.name, onReporting.stderr).toBe(reporting.settings.database);
    expect(onReporting.exitCode).toBe(0);
    const onDefault = await status(repo, env);
    expect(onDefault.json!.database.name).toBe(db.settings.database);
    const unknown = await status(repo, env, ['--database', 'archive']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.json).toMatchObject({ error: { message: expect.stringContaining('no DATABASES["archive"] (it has: default, reporting)') } });
  });

  it('a sqlite engine: a clear error naming the engine and the settings module', async () => {
    const repo = await variant(`DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / 'db.sqlite3'}}`);
    const result = await status(repo, variantEnv({ APP_MEDIA: scratch }));
    expect(result.exitCode).toBe(2);
    expect(result.json).toMatchObject({ error: { message: expect.stringContaining('"hcat.settings" uses the engine django.db.backends.sqlite3; migration-guard works with MySQL and MariaDB only'), fix: expect.stringContaining('--database') } });
  });
});

describe('status covers every installed app, as showmigrations', () => {
  it('a pending contrib migration and a third-party app from site-packages are pending, not "all applied"', async () => {
    const site = path.join(scratch, 'lib/python3/site-packages');
    const thirdParty = path.join(site, 'fancyapp');
    await mkdir(path.join(thirdParty, 'migrations'), { recursive: true });
    await writeFile(path.join(thirdParty, '__init__.py'), '');
    await writeFile(path.join(thirdParty, 'models.py'), 'from django.db import models\n\nclass Fancy(models.Model):\n    name = models.CharField(max_length=10)\n');
    await writeFile(path.join(thirdParty, 'migrations/__init__.py'), '');
    await writeFile(
      path.join(thirdParty, 'migrations/0001_initial.py'),
      "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = [\n        migrations.CreateModel(name='Fancy', fields=[('id', models.AutoField(primary_key=True, serialize=False)), ('name', models.CharField(max_length=10))]),\n    ]\n",
    );
    const repo = await variant(STOCK, { extraSettings: "INSTALLED_APPS = INSTALLED_APPS + ['django.contrib.sessions', 'fancyapp']" });
    const db = await database('allapps');
    const env = appEnv(db, { PYTHONPATH: site });
    for (const app of ['contenttypes', 'auth', 'catalog', 'orders']) await migrate(repo, env, [app]);
    const result = await status(repo, env);
    expect(result.exitCode, result.stderr).toBe(1);
    const pending = Object.fromEntries(result.json!.apps.map((app) => [app.app, app.pending]));
    expect(pending).toMatchObject({ sessions: ['0001_initial'], fancyapp: ['0001_initial'], auth: [], catalog: [] });
    const human = await runCli(['status'], { cwd: repo.dir, env });
    expect(human.stdout).toContain('2 migrations not applied yet');
    expect(human.stdout).not.toContain('all applied');
  });
});

describe('drift never touches the live database, whatever the settings read', () => {
  it('with every value written in the settings (no variable to rewrite): the scratch database is pinned, the live one byte-for-byte unchanged', async () => {
    const info = inject('mariadb');
    const db = await database('live');
    const repo = await variant(`
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': '127.0.0.1', 'PORT': ${info.port},
    'NAME': '${db.settings.database}', 'USER': '${db.settings.user}', 'PASSWORD': '${db.settings.password}',
    'OPTIONS': {'charset': 'utf8mb4'}}}`);
    const env = variantEnv({ APP_MEDIA: scratch });
    // The live database lacks orders.0002: a migrate that reached it would apply it.
    await migrate(repo, env, ['orders', '0001']);
    const before = await snapshot(db);
    const result = await runCli(['drift', '--json'], { cwd: repo.dir, env });
    expect([0, 1], result.stderr).toContain(result.exitCode);
    expect(await snapshot(db)).toEqual(before);
    const report = JSON.parse(result.stdout) as { exitCode: number };
    expect(report.exitCode).toBe(1); // the live database lacks orders.0002's column: drift, correctly
    const left = (await adminQuery(`SHOW DATABASES LIKE '${db.settings.database.replace(/_/g, '\\_')}\\_\\_drift%'`)) as unknown[];
    expect(left).toEqual([]);
  });

  it('refuses, and runs nothing, when Django\'s connection lands elsewhere (an init_command that switches database)', async () => {
    const db = await database('trap');
    const repo = await variant(`
DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql',
    'NAME': os.environ['APP_DB'], 'USER': os.environ['APP_USER'], 'PASSWORD': os.environ['APP_PASSWORD'],
    'OPTIONS': {'init_command': 'USE ' + os.environ['APP_DB']}}}`);
    const env = appEnv(db);
    await migrate(repo, env, ['orders', '0001']);
    const before = await snapshot(db);
    const result = await runCli(['drift', '--no-cache'], { cwd: repo.dir, env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Refused to build the reference schema: Django's connection was not on the scratch database");
    expect(await snapshot(db)).toEqual(before);
    expect(existsSync(path.join(repo.dir, '.migration-guard/cache'))).toBe(true);
    const cached = (await readdir(path.join(repo.dir, '.migration-guard/cache'))).filter((file) => file.startsWith('drift'));
    expect(cached).toEqual([]);
  });
});

describe('the hooks reach the database Django uses', () => {
  it('post-checkout with no database config (HOST empty, socket): the rollback command, not "state unknown"', async () => {
    const db = await database('hookdb');
    // The fixture settings read HCAT_*; HCAT_HOST empty means the socket, as in a stock setup.
    const env = variantEnv({ ...db.env, HCAT_HOST: '' });
    const repo = await createHookedRepo({ env, config: ({ settingsModule, python }) => ({ settingsModule, python }) });
    try {
      await repo.addProductField('weight = models.IntegerField(null=True)');
      await repo.makemigrations('catalog', 'product_weight');
      await repo.gitOk('add', 'catalog');
      await repo.gitOk('commit', '-q', '-m', 'Add weight');
      await migrate(repo, env);
      await repo.gitOk('branch', 'old', (await repo.gitOk('rev-list', '--max-parents=0', 'HEAD')).trim());
      const result = await repo.git(['checkout', 'old']);
      expect(result.exitCode).toBe(0);
      expect(result.output).not.toContain('state unknown');
      expect(result.output).toContain('The database is ahead of this code');
      expect(result.output).toContain('git checkout main && python manage.py migrate catalog 0004_tags_and_sku && git checkout old');
    } finally {
      await repo.remove();
    }
  });
});

describe('a config that names another database than Django uses', () => {
  it('doctor says so, and deploy refuses before its backup', async () => {
    const djangos = await database('djangos');
    const other = await database('other');
    const repo = await createFixtureRepo();
    repos.push(repo);
    const configFile = path.join(repo.dir, 'migration-guard.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...config, database: { env: { name: 'OTHER_DB', user: 'OTHER_USER', password: 'OTHER_PASSWORD', host: 'HCAT_HOST', port: 'HCAT_PORT' } } }));
    await repo.git('commit', '-qam', 'config names another database');
    const env = { ...djangos.env, OTHER_DB: other.settings.database, OTHER_USER: other.settings.user, OTHER_PASSWORD: other.settings.password };
    const checked = await doctor(repo, env);
    expect(checked.outcome('same database as Django')).toMatchObject({ state: 'fail', detail: expect.stringContaining(`but Django reaches "${djangos.settings.database}"`) });
    const plan = await runCli(['deploy', '--plan', '--no-pull'], { cwd: repo.dir, env: { ...env, MIGRATION_GUARD_ROLE: 'production' } });
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain('✖ same database as Django: the backup would be of');
    expect(plan.stdout + plan.stderr).not.toContain(other.settings.password);
  });
});

describe('doctor checks the privileges restore and drift need', () => {
  it('names what the account lacks on <database>__… and prints the exact GRANT for it; the GRANT fixes it', async () => {
    const db = await database('grants');
    await adminQuery(`REVOKE ALL PRIVILEGES ON \`${db.settings.database.replace(/_/g, '\\_')}\\_\\_%\`.* FROM '${db.settings.user}'@'%'`);
    const repo = await variant(STOCK);
    const before = await doctor(repo, appEnv(db));
    const outcome = before.outcome('privileges for restore and drift') as Outcome & { fix?: string };
    expect(outcome.state).toBe('warn');
    expect(outcome.detail).toContain(`'${db.settings.user}'@'%' lacks SELECT, INSERT`);
    const grant = `GRANT ALL PRIVILEGES ON \`${db.settings.database.replace(/_/g, '\\_')}\\_\\_%\`.* TO '${db.settings.user}'@'%';`;
    expect(outcome.fix).toBe(`as an administrator: ${grant}`);
    await adminQuery(grant);
    expect((await doctor(repo, appEnv(db))).outcome('privileges for restore and drift').state).toBe('ok');
  });
});
