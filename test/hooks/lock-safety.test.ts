// Lock safety and NOT NULL columns for the migrations being committed, from Django's SQL on the developer's own
// server: real `git commit` through husky and `check --staged`, real Django 3.2, the suite's MariaDB.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHookedRepo, freshBranch, type HookedRepo } from './helpers/hooked-repo.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { execa } from 'execa';
import { CLI, manage, runCli } from '../helpers/fixture-project.js';

let repo: HookedRepo;
let db: TestDatabase;

const migration = (name: string, dependency: string, operation: string) => [
  `catalog/migrations/${name}.py`,
  `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('catalog', '${dependency}')]\n    operations = [\n        ${operation},\n    ]\n`,
] as const;

// Tag.label from 50 to 100 characters: 400 bytes in utf8mb4, past the 255-byte length prefix, so the server copies.
const WIDER_LABEL = migration('0005_tag_label_wider', '0004_tags_and_sku', "migrations.AlterField(model_name='tag', name='label', field=models.CharField(max_length=100, unique=True))");
const NULLABLE_WEIGHT = migration('0005_product_weight', '0004_tags_and_sku', "migrations.AddField(model_name='product', name='weight', field=models.IntegerField(null=True))");

async function stage(files: ReadonlyArray<readonly [string, string]>, models: (source: string) => string): Promise<void> {
  for (const [file, content] of files) await repo.write(file, content);
  await repo.write('catalog/models.py', models(await repo.read('catalog/models.py')));
  await repo.gitOk('add', 'catalog');
}

const widerLabel = (source: string) => source.replace('label = models.CharField(max_length=50, unique=True)', 'label = models.CharField(max_length=100, unique=True)');
const withField = (line: string) => (source: string) => source.replace('    sku = ', `    ${line}\n    sku = `);

async function check(env: Record<string, string> = {}) {
  const result = await runCli(['check', '--staged', '--json'], { cwd: repo.dir, env: { ...process.env, ...db.env, ...env } });
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as { ok: boolean; lockSafety?: { checked: boolean; server?: string; reason?: string }; problems: Array<{ code: string; severity: string; title: string; files: string[]; details?: string[] }> } };
}

async function scratchDatabasesLeft(): Promise<unknown[]> {
  return (await adminQuery('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${db.settings.database.replace(/_/g, '\\_')}\\_\\_%`])) as unknown[];
}

beforeAll(async () => {
  db = await createTestDatabase('lsw');
  repo = await createHookedRepo({ env: db.env });
  const migrated = await manage(repo.dir, ['migrate', '--noinput'], { ...process.env, ...db.env, PYTHONDONTWRITEBYTECODE: '1' } as Record<string, string>);
  if (migrated.exitCode !== 0) throw new Error(`initial migrate failed: ${migrated.stderr}`);
});

afterAll(async () => {
  await repo?.remove();
  await db?.drop();
});

describe('lock safety of staged migrations', () => {
  test('a staged migration that copies a table: a warning in a real commit (which succeeds) and in check; the scratch database is dropped', async () => {
    await freshBranch(repo, 'copy');
    await stage([WIDER_LABEL], widerLabel);

    const checked = await check();
    expect(checked.exitCode).toBe(0);
    expect(checked.json.lockSafety).toMatchObject({ checked: true, server: expect.stringMatching(/MariaDB/) });
    const warning = checked.json.problems.find((problem) => problem.code === 'mysql-blocking-alter');
    expect(warning).toMatchObject({ severity: 'warn', files: ['catalog/migrations/0005_tag_label_wider.py'] });
    expect(warning!.title).toMatch(/^catalog\.0005_tag_label_wider copies `catalog_tag` with writes blocked \(as 10\.11\.\d+-MariaDB/);
    expect(warning!.details![0]).toMatch(/COPIES `catalog_tag` .*ALTER TABLE `catalog_tag` MODIFY `label` varchar\(100\) NOT NULL/);

    const commit = await repo.git(['commit', '-m', 'Wider tag labels']);
    expect(commit.exitCode).toBe(0);
    expect(commit.output).toContain('1 warning (not blocking the commit)');
    expect(commit.output).toContain('catalog.0005_tag_label_wider copies `catalog_tag` with writes blocked');
    // The commit's tree is the one check just ran on: the outcome is remembered, not replayed again.
    expect(commit.output).toMatch(/lock safety and NOT NULL columns checked on 10\.11\.\d+-MariaDB\S* \(remembered\)/);
    expect(await repo.gitOk('log', '-1', '--format=%s')).toBe('Wider tag labels');
    expect(await scratchDatabasesLeft()).toEqual([]);
  });

  test('the developer has already migrated the staged migration (the usual case): the warning still appears', async () => {
    await freshBranch(repo, 'migrated-first');
    // Another tree than the first test's (a comment more), so that nothing remembered answers.
    await stage([WIDER_LABEL], (source) => `${widerLabel(source)}\n# migrated locally first\n`);
    const env = { ...process.env, ...db.env, PYTHONDONTWRITEBYTECODE: '1' } as Record<string, string>;
    expect((await manage(repo.dir, ['migrate', 'catalog', '0005_tag_label_wider', '--noinput'], env)).exitCode).toBe(0);
    try {
      const commit = await repo.git(['commit', '-m', 'Wider tag labels, migrated locally']);
      expect(commit.exitCode).toBe(0);
      expect(commit.output).toContain('catalog.0005_tag_label_wider copies `catalog_tag` with writes blocked');
      expect(commit.output).not.toContain('(remembered)');
    } finally {
      expect((await manage(repo.dir, ['migrate', 'catalog', '0004_tags_and_sku', '--noinput'], env)).exitCode).toBe(0);
    }
  });

  test('a staged instant migration: no warning, and the summary says it was checked', async () => {
    await freshBranch(repo, 'instant');
    await stage([NULLABLE_WEIGHT], withField('weight = models.IntegerField(null=True)'));
    const commit = await repo.git(['commit', '-m', 'Nullable weight']);
    expect(commit.exitCode).toBe(0);
    expect(commit.output).not.toContain('warning');
    expect(commit.output).toMatch(/models and migrations agree .*; lock safety and NOT NULL columns checked on 10\.11/);
  });

  test('database unreachable: the commit passes and claims no lock-safety check; check says it was not checked', async () => {
    await freshBranch(repo, 'unreachable');
    await stage([WIDER_LABEL], widerLabel);
    const checked = await check({ HCAT_PORT: '1' });
    expect(checked.exitCode).toBe(0);
    expect(checked.json.lockSafety).toEqual({ checked: false, reason: expect.stringMatching(/^no database reachable at 127\.0\.0\.1:1$/) });
    expect(checked.json.problems.map((problem) => problem.code)).not.toContain('mysql-blocking-alter');
    const text = await runCli(['check', '--staged'], { cwd: repo.dir, env: { ...process.env, ...db.env, HCAT_PORT: '1' } });
    expect(text.stdout).toContain("lock safety and NOT NULL columns (Django's SQL): not checked (no database reachable at 127.0.0.1:1)");

    const commit = await repo.git(['commit', '-m', 'Wider labels, offline'], { env: { HCAT_PORT: '1' } });
    expect(commit.exitCode).toBe(0);
    expect(commit.output).toContain('models and migrations agree');
    expect(commit.output).not.toMatch(/lock safety|copies/);
  });

  test('Ctrl-C while the staged migrations run on the scratch database: it is dropped, exit 130', async () => {
    await freshBranch(repo, 'interrupted');
    await stage([WIDER_LABEL], (source) => `${widerLabel(source)}\n# interrupted\n`);
    const child = execa(process.execPath, [CLI, 'check', '--staged'], { cwd: repo.dir, env: { ...process.env, ...db.env, NO_COLOR: '1' }, reject: false, stdin: 'ignore' });
    let seen = false;
    for (let waited = 0; waited < 20_000 && !seen; waited += 20) {
      seen = (await scratchDatabasesLeft()).length > 0;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toBe(true);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/Interrupted; scratch database "\w+__drift_[0-9a-f]{8}" dropped/);
    expect(await scratchDatabasesLeft()).toEqual([]);
  });

  test('past "hooks.lockSafetyTimeoutSeconds" the replay stops: not checked, said in check and in the commit, scratch database dropped', async () => {
    await freshBranch(repo, 'time-limit');
    await stage([WIDER_LABEL], (source) => `${widerLabel(source)}\n# time limit\n`);
    const file = 'migration-guard.config.json';
    const config = JSON.parse(await repo.read(file)) as Record<string, unknown>;
    await repo.write(file, JSON.stringify({ ...config, hooks: { lockSafetyTimeoutSeconds: 0.2 } }));
    try {
      const checked = await check();
      expect(checked.exitCode).toBe(0);
      expect(checked.json.lockSafety).toEqual({ checked: false, reason: expect.stringMatching(/^stopped after 0\.2 s: .*raise "hooks\.lockSafetyTimeoutSeconds"/) });
      expect(await scratchDatabasesLeft()).toEqual([]);
      const commit = await repo.git(['commit', '-m', 'Wider labels, in a hurry']);
      expect(commit.exitCode).toBe(0);
      expect(commit.output).toContain('lock safety and NOT NULL columns not checked (stopped after 0.2 s');
      expect(commit.output).not.toContain('copies');
    } finally {
      await repo.gitOk('checkout', '--', file);
    }
  });

  test('a staged migration that fails on the scratch database: check and the commit say so, and what it covered', async () => {
    await freshBranch(repo, 'fails');
    await stage([migration('0005_broken_sql', '0004_tags_and_sku', "migrations.RunSQL('UPDATE no_such_table SET x = 1', migrations.RunSQL.noop)")], (source) => source);
    const text = await runCli(['check', '--staged'], { cwd: repo.dir, env: { ...process.env, ...db.env } });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/lock safety and NOT NULL columns \(Django's SQL\): checked on 10\.11\S+, [\d.]+ s; catalog\.0005_broken_sql failed on the scratch database \(ProgrammingError: .*no_such_table.*\), nothing after it was checked/);
    const commit = await repo.git(['commit', '-m', 'Broken SQL']);
    expect(commit.exitCode).toBe(0);
    expect(commit.output).toContain('catalog.0005_broken_sql failed on the scratch database');
  });

  test('"hooks": { "lockSafetyWarnings": false } turns it off, and check says so', async () => {
    await freshBranch(repo, 'turned-off');
    await stage([WIDER_LABEL], widerLabel);
    const file = 'migration-guard.config.json';
    const config = JSON.parse(await repo.read(file)) as Record<string, unknown>;
    await repo.write(file, JSON.stringify({ ...config, hooks: { lockSafetyWarnings: false } }));
    const checked = await check();
    expect(checked.json.lockSafety).toEqual({ checked: false, reason: 'turned off ("hooks": { "lockSafetyWarnings": false })' });
    await repo.gitOk('checkout', '--', file);
  });
});

describe("NOT NULL columns, from Django's SQL", () => {
  test('CharField(blank=True) and TextField(blank=True), made by makemigrations: no NOT NULL warning (their SQL has a DEFAULT)', async () => {
    await freshBranch(repo, 'blank-fields');
    await repo.addProductField('nickname = models.CharField(max_length=40, blank=True)');
    await repo.addProductField('blurb = models.TextField(blank=True)');
    await repo.makemigrations('catalog', 'blank_fields');
    await repo.gitOk('add', 'catalog');
    const checked = await check();
    expect(checked.json.lockSafety).toMatchObject({ checked: true });
    expect(checked.json.problems.map((problem) => problem.code)).not.toContain('mysql-not-null-without-default');
    // The several-operations warning (from the operations, not the SQL) stays.
    expect(checked.json.problems.map((problem) => problem.code)).toContain('mysql-several-schema-operations');
  });

  test('an AddField without a default (hand-written): Django emits ADD COLUMN … NOT NULL without DEFAULT, and that is warned about', async () => {
    await freshBranch(repo, 'not-null');
    await stage([migration('0005_product_stock', '0004_tags_and_sku', "migrations.AddField(model_name='product', name='stock', field=models.IntegerField())")], withField('stock = models.IntegerField()'));
    const checked = await check();
    const warning = checked.json.problems.find((problem) => problem.code === 'mysql-not-null-without-default');
    expect(warning).toMatchObject({ severity: 'warn', files: ['catalog/migrations/0005_product_stock.py'], title: 'catalog.0005_product_stock adds the NOT NULL column `stock` to `catalog_product` without a DEFAULT' });
    expect(warning!.details).toEqual(["Django's SQL: ALTER TABLE `catalog_product` ADD COLUMN `stock` integer NOT NULL"]);
    const commit = await repo.git(['commit', '-m', 'Stock']);
    expect(commit.exitCode).toBe(0);
    expect(commit.output).toContain('adds the NOT NULL column `stock` to `catalog_product` without a DEFAULT');
  });
});
