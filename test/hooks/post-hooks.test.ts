// post-merge, post-checkout, post-rewrite through real pull/checkout/rebase, against a real MariaDB;
// the "answer yes" path through a real pseudo-terminal.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { gitEnv, manage } from '../helpers/fixture-project.js';
import { createHookedRepo, type Checkout, type HookedRepo } from './helpers/hooked-repo.js';

const PTY_RUN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers/pty-run.py');

let db: TestDatabase;
let repo: HookedRepo;
let teammate: Checkout;

beforeAll(async () => {
  db = await createTestDatabase('hk');
  repo = await createHookedRepo({ env: db.env });
  const migrated = await manage(repo.dir, ['migrate', '--noinput'], { ...process.env, ...db.env } as Record<string, string>);
  if (migrated.exitCode !== 0) throw new Error(`initial migrate failed: ${migrated.all ?? migrated.stderr}`);
  teammate = await repo.clone('teammate');
});

afterAll(async () => {
  await repo?.remove();
  await db?.drop();
});

/** Runs git in a pseudo-terminal (a developer's shell), answering `prompt` with `answer`. */
async function gitOnTerminal(dir: string, args: string[], prompt: string, answer: string, env: Record<string, string> = {}) {
  const result = await execa('/usr/bin/python3', [PTY_RUN, prompt, answer, 'git', ...args], {
    cwd: dir,
    env: { ...gitEnv(), ...db.env, ...env, TERM: 'dumb' },
    reject: false,
  });
  // What the user read: without carriage returns and terminal escape sequences (colours, cursor moves).
  const output = result.stdout.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  return { exitCode: result.exitCode ?? -1, output };
}

async function appliedMigrations(app: string): Promise<string[]> {
  const rows = (await adminQuery('SELECT name FROM django_migrations WHERE app = ? ORDER BY id', [app], db.settings.database)) as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

async function teammatePushesMigration(field: string, name: string): Promise<string> {
  await teammate.gitOk('pull', '-q', '--no-rebase');
  await teammate.addProductField(field);
  const migration = await teammate.makemigrations('catalog', name);
  await teammate.gitOk('add', 'catalog');
  await teammate.gitOk('commit', '-q', '-m', `Add ${name}`);
  await teammate.gitOk('push', '-q', 'origin', 'HEAD:main');
  return migration;
}

describe('after pull, checkout and rebase', () => {
  test("pre-commit's verdict ignores the local database's migration history", async () => {
    // An inconsistent history (0004 applied, its parent 0003 not) makes a bare makemigrations fail.
    const broken = await createTestDatabase('hkbad');
    try {
      await adminQuery(
        "CREATE TABLE django_migrations (id INT AUTO_INCREMENT PRIMARY KEY, app VARCHAR(255), name VARCHAR(255), applied DATETIME(6)); INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0004_tags_and_sku', NOW());",
        [],
        broken.settings.database,
      );
      const bare = await manage(repo.dir, ['makemigrations', '--check', '--dry-run', '--noinput'], { ...process.env, ...broken.env } as Record<string, string>);
      expect(bare.stderr).toContain('InconsistentMigrationHistory');
      await repo.write('catalog/admin.py', `${await repo.read('catalog/admin.py')}\n# touch\n`);
      await repo.gitOk('add', 'catalog/admin.py');
      const commit = await repo.git(['commit', '-m', 'admin touch'], { env: broken.env });
      expect(commit.output).toContain('models and migrations agree');
      expect(commit.exitCode).toBe(0);
      await repo.gitOk('push', '-q', 'origin', 'main');
    } finally {
      await broken.drop();
    }
  });

  test('post-merge without a terminal lists the arrived migrations and prints the migrate command', async () => {
    const migration = await teammatePushesMigration('weight = models.IntegerField(default=0)', 'product_weight');
    const result = await repo.git(['pull', '--no-rebase']);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('migration-guard: after the merge, migrations: 1 arrived (catalog.0005_product_weight)');
    expect(result.output).toContain('Not applied to the database yet: catalog.0005_product_weight');
    expect(result.output).toContain('To apply it: python manage.py migrate');
    expect(migration).toBe('catalog/migrations/0005_product_weight.py');
    expect(await appliedMigrations('catalog')).not.toContain('0005_product_weight');
  });

  test('post-merge on a terminal asks, and "y" runs migrate against the database', async () => {
    await repo.gitOk('reset', '-q', '--hard', 'HEAD~1');
    const result = await gitOnTerminal(repo.dir, ['pull', '--no-rebase'], 'Apply 1 migration now', 'y\r');
    expect(result.output).toContain('1 arrived (catalog.0005_product_weight)');
    expect(result.output).toContain('Apply 1 migration now (python manage.py migrate)?');
    expect(result.output).toContain('Applying catalog.0005_product_weight... OK');
    expect(result.output).toContain('migrate finished');
    expect(result.exitCode).toBe(0);
    expect(await appliedMigrations('catalog')).toContain('0005_product_weight');
    const columns = (await adminQuery('SHOW COLUMNS FROM catalog_product', [], db.settings.database)) as Array<{ Field: string }>;
    expect(columns.map((column) => column.Field)).toContain('weight');
  });

  test('post-checkout to an older branch reports the database ahead, with the rollback command', async () => {
    const root = await repo.gitOk('rev-list', '--max-parents=0', 'HEAD');
    await repo.gitOk('branch', 'old', root);
    const result = await repo.git(['checkout', 'old']);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('after switching to old, migrations: 1 vanished (catalog.0005_product_weight)');
    expect(result.output).toContain('The database is ahead of this code');
    const rollback = 'git checkout main && python manage.py migrate catalog 0004_tags_and_sku && git checkout old';
    expect(result.output).toContain(rollback);

    // The printed command does what it says.
    await repo.gitOk('checkout', '-q', 'main');
    const back = await manage(repo.dir, ['migrate', 'catalog', '0004_tags_and_sku', '--noinput'], { ...process.env, ...db.env } as Record<string, string>);
    expect(back.exitCode).toBe(0);
    expect(await appliedMigrations('catalog')).not.toContain('0005_product_weight');
    const quiet = await repo.git(['checkout', 'old']);
    expect(quiet.output).not.toContain('ahead');
    expect(quiet.output).toContain('The database has every migration applied');
    await repo.gitOk('checkout', '-q', 'main');
    const forward = await manage(repo.dir, ['migrate', '--noinput'], { ...process.env, ...db.env } as Record<string, string>);
    expect(forward.exitCode).toBe(0);
  });

  test('role production never offers migrate, even on a terminal: it points to migration-guard deploy', async () => {
    await teammatePushesMigration("color = models.CharField(max_length=20, default='')", 'product_color');
    const result = await gitOnTerminal(repo.dir, ['pull', '--no-rebase'], 'Apply', 'y\r', { MIGRATION_GUARD_ROLE: 'production' });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('1 arrived (catalog.0006_product_color)');
    expect(result.output).toContain("This checkout's role is production: apply them with migration-guard deploy");
    expect(result.output).not.toContain('Apply 1 migration now');
    expect(result.output).not.toContain('Applying catalog');
    expect(await appliedMigrations('catalog')).not.toContain('0006_product_color');
  });

  test('git pull --rebase reports once, from post-rewrite (post-checkout stays quiet mid-rebase)', async () => {
    await teammatePushesMigration('depth = models.IntegerField(default=0)', 'product_depth');
    await repo.write('README.md', 'local work\n');
    await repo.gitOk('add', 'README.md');
    await repo.gitOk('commit', '-q', '-m', 'local work');
    const result = await repo.git(['pull', '--rebase']);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('after the rebase, migrations: 1 arrived (catalog.0007_product_depth)');
    expect(result.output).not.toContain('after switching');
    expect(result.output).toContain('catalog.0006_product_color, catalog.0007_product_depth');
  });
});
