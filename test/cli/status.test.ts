// `status` against real MariaDB and the fixture project, checked against Django's own showmigrations.
import { access, rename, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createFixtureRepo, manage, runCli, type FixtureRepo } from '../helpers/fixture-project.js';
import { SETTLE_MS } from '../../src/django/parsed-migration-cache.js';

interface StatusJson {
  verdict: string;
  apps: Array<{ app: string; migrations: Array<{ name: string; applied: boolean; squashes?: number }>; pending: string[]; appliedMissingOnDisk: string[] }>;
}

let repo: FixtureRepo;
let db: TestDatabase;

beforeAll(async () => {
  repo = await createFixtureRepo();
  db = await createTestDatabase('status');
  // Let the fresh copies age past the caches' "too recent to trust" window, so that every test
  // below runs through the remembered status layout (rebuilt whenever the squash settles otherwise).
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
});
afterAll(async () => {
  await db?.drop();
  await repo?.remove();
});

async function status(extraEnv: Record<string, string> = {}, args: string[] = ['--json']) {
  return runCli(['status', ...args], { cwd: repo.dir, env: { ...db.env, ...extraEnv } });
}

/** Django's own view of every installed app (contrib ones too): `showmigrations --list` parsed into app → [name, applied]. */
async function djangoShowmigrations(): Promise<Record<string, Array<{ name: string; applied: boolean }>>> {
  const result = await manage(repo.dir, ['showmigrations', '--list'], db.env);
  expect(result.exitCode, result.stderr).toBe(0);
  const apps: Record<string, Array<{ name: string; applied: boolean }>> = {};
  let current = '';
  for (const line of result.stdout.split('\n')) {
    const entry = /^ \[(X| )\] (\S+)/.exec(line);
    if (entry) apps[current]!.push({ name: entry[2]!, applied: entry[1] === 'X' });
    else if (line.trim()) apps[(current = line.trim())] = [];
  }
  return apps;
}

function ours(json: StatusJson): Record<string, Array<{ name: string; applied: boolean }>> {
  return Object.fromEntries(json.apps.map((app) => [app.app, app.migrations.map(({ name, applied }) => ({ name, applied }))]));
}

describe('migration-guard status', () => {
  it('on an empty database: everything pending, exit 1, same list as showmigrations', async () => {
    const result = await status();
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout) as StatusJson;
    expect(json.verdict).toBe('pending');
    expect(json.apps.find((app) => app.app === 'catalog')!.pending).toEqual(['0001_squashed_0002_product_category_price', '0003_populate_categories', '0004_tags_and_sku']);
    expect(ours(json)).toEqual(await djangoShowmigrations());
    // The layout was remembered; the tests below check its answers as the database changes.
    await access(path.join(repo.dir, '.migration-guard/cache/status-layout.json'));
  });

  it('with a squashed set partly applied: uses the replaced migrations, as Django does', async () => {
    const migrate = await manage(repo.dir, ['migrate', 'contenttypes'], db.env);
    expect(migrate.exitCode, migrate.stderr).toBe(0);
    // Only the first of the two replaced migrations is recorded (as on a database migrated before the squash).
    await adminQuery("CREATE TABLE catalog_category (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(100) UNIQUE); INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0001_initial', NOW())", [], db.settings.database);
    const json = JSON.parse((await status()).stdout) as StatusJson;
    const catalog = json.apps.find((app) => app.app === 'catalog')!;
    expect(catalog.migrations.slice(0, 2)).toEqual([
      { name: '0001_initial', applied: true, appliedAt: expect.any(String) },
      { name: '0002_product_category_price', applied: false },
    ]);
    expect(ours(json)).toEqual(await djangoShowmigrations());
    // This database must migrate before the replaced files may go (the squash lifecycle): status names what it lacks.
    expect((json as StatusJson & { partlyAppliedSquashes: unknown }).partlyAppliedSquashes).toEqual([{ squash: 'catalog.0001_squashed_0002_product_category_price', lacks: ['catalog.0002_product_category_price'] }]);
    const human = await status({}, []);
    expect(human.stdout).toContain(`${db.settings.database} has applied the squash catalog.0001_squashed_0002_product_category_price only in part: it still lacks catalog.0002_product_category_price. Migrate it before the migrations the squash replaces are deleted.`);
    await adminQuery("DROP TABLE catalog_category; DELETE FROM django_migrations WHERE app = 'catalog'", [], db.settings.database);
  });

  it('after migrate: in sync, exit 0, one quiet line; the squash counts as applied', async () => {
    const migrate = await manage(repo.dir, ['migrate'], db.env);
    expect(migrate.exitCode, migrate.stderr).toBe(0);
    const result = await status();
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as StatusJson;
    expect(json.verdict).toBe('in-sync');
    expect(json.apps.find((app) => app.app === 'catalog')!.migrations[0]).toMatchObject({ name: '0001_squashed_0002_product_category_price', applied: true, squashes: 2 });
    expect(ours(json)).toEqual(await djangoShowmigrations());

    const human = await status({}, []);
    expect(human.exitCode).toBe(0);
    expect(human.stdout.trim().split('\n')).toEqual([`✓ ${db.settings.database}: all 19 migrations of 4 apps applied.`]);
  });

  it('reports a database ahead of the code (a migration file deleted) with exit 3 and the rollback advice', async () => {
    const file = path.join(repo.dir, 'orders/migrations/0002_order_status.py');
    const saved = await repo.git('show', 'HEAD:orders/migrations/0002_order_status.py');
    await rm(file);
    try {
      const result = await status();
      expect(result.exitCode).toBe(3);
      const json = JSON.parse(result.stdout) as StatusJson;
      expect(json.verdict).toBe('database-ahead');
      expect(json.apps.find((app) => app.app === 'orders')!.appliedMissingOnDisk).toEqual(['0002_order_status']);
      const human = await status({}, []);
      expect(human.stdout).toContain('0002_order_status  applied in the database, no such migration file');
      expect(human.stdout).toContain('python manage.py migrate <app>');
    } finally {
      await writeFile(file, `${saved}\n`);
    }
  });

  it('answers the same where its caches cannot be written (a read-only checkout)', async () => {
    const state = path.join(repo.dir, '.migration-guard');
    await rename(state, `${state}.moved`);
    // A file where the cache directory would go: nothing can be created under it, even by root.
    await writeFile(state, '');
    try {
      const result = await status();
      expect(result.exitCode, result.stderr).toBe(0);
      expect(ours(JSON.parse(result.stdout) as StatusJson)).toEqual(await djangoShowmigrations());
    } finally {
      await rm(state);
      await rename(`${state}.moved`, state);
    }
  });

  it('names host, port, user and database when it cannot connect, never the password', async () => {
    const wrong = await status({ HCAT_PASSWORD: 'not-the-password-42' }, []);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(`database "${db.settings.database}" on ${db.settings.host}:${db.settings.port} as user "${db.settings.user}"`);
    expect(wrong.stderr).toContain('access denied');
    expect(wrong.stderr + wrong.stdout).not.toContain('not-the-password-42');
    expect(wrong.stderr).not.toMatch(/at .*\.js:\d+/);

    const refused = await status({ HCAT_PORT: '1' }, ['--json']);
    expect(refused.exitCode).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { message: expect.stringContaining('nothing is listening on 127.0.0.1:1') } });
    expect(refused.stdout + refused.stderr).not.toContain(db.settings.password);
  });

  it('says which variable is missing when the database is not configured', async () => {
    const result = await runCli(['status'], { cwd: repo.dir, env: { HCAT_DB: '' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('database.env.name');
    expect(result.stderr).toContain('HCAT_DB');
    expect(result.stderr).toContain('fix:');
  });
});
