// `migration-guard check` for CI: --tree, --range, --staged, --json, exit codes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFixtureRepo, gitEnv, manage, runCli, type FixtureRepo } from '../helpers/fixture-project.js';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

let repo: FixtureRepo;

interface CheckJson {
  ok: boolean;
  mode: string;
  nothingToCheck?: string;
  django?: { verdict: { kind: string }; cached: boolean };
  lockSafety?: { checked: boolean; reason?: string };
  problems: Array<{ code: string; severity: string; title: string; files: string[] }>;
}

const check = async (args: string[], env: Record<string, string> = {}) => {
  const result = await runCli(['check', ...args], { cwd: repo.dir, env: { ...gitEnv(), ...env } });
  return { exitCode: result.exitCode, json: args.includes('--json') ? (JSON.parse(result.stdout) as CheckJson) : null, output: `${result.stdout}${result.stderr}` };
};

beforeAll(async () => {
  repo = await createFixtureRepo();
  // A feature branch: a model change without its migration, and a migration mixing DDL with RunPython.
  await repo.git('checkout', '-q', '-b', 'feature');
  const models = path.join(repo.dir, 'catalog/models.py');
  await writeFile(models, (await readFile(models, 'utf8')).replace('    sku = ', '    weight = models.IntegerField(default=0)\n    sku = '));
  await writeFile(
    path.join(repo.dir, 'orders/migrations/0003_remark_and_backfill.py'),
    `from django.db import migrations, models


def backfill(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [('orders', '0002_order_status')]
    operations = [
        migrations.AddField(model_name='order', name='remark', field=models.TextField(null=True)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
`,
  );
  await writeFile(path.join(repo.dir, 'orders/models.py'), (await readFile(path.join(repo.dir, 'orders/models.py'), 'utf8')).replace(/(class Order\(models\.Model\):\n)/, '$1    remark = models.TextField(null=True)\n'));
  await repo.git('add', '-A');
  await repo.git('commit', '-q', '-m', 'feature');
});

afterAll(async () => {
  await repo?.remove();
});

describe('migration-guard check', () => {
  test('--tree on a commit whose models and migrations agree: exit 0', async () => {
    const result = await check(['--tree', 'main', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json).toMatchObject({ ok: true, mode: 'tree main', django: { verdict: { kind: 'in-sync' } }, problems: [] });
  });

  test('--range lists every problem of the branch: exit 1, MySQL warnings included but not blocking', async () => {
    const result = await check(['--range', 'main..feature', '--json']);
    expect(result.exitCode).toBe(1);
    const codes = result.json!.problems.map((problem) => `${problem.severity} ${problem.code}`);
    expect(codes).toContain('block models-without-migration');
    expect(codes).toContain('warn mysql-schema-and-data-operations');
    const missing = result.json!.problems.find((problem) => problem.code === 'models-without-migration')!;
    expect(missing.files).toEqual(['catalog/migrations/0005_product_weight.py']);
    const mixed = result.json!.problems.find((problem) => problem.code === 'mysql-schema-and-data-operations')!;
    expect(mixed.title).toContain('orders.0003_remark_and_backfill mixes schema changes (AddField) with RunPython');

    const text = await check(['--range', 'main..feature']);
    expect(text.exitCode).toBe(1);
    expect(text.output).toContain('check blocked: 1 problem, 1 warning');
    expect(text.output).not.toContain('--no-verify');
  });

  test('a CharField(blank=True) and a TextField(blank=True) made by makemigrations, no database: no NOT NULL warning, and the check says it was not done', async () => {
    await repo.git('checkout', '-q', '-b', 'blank-fields', 'main');
    try {
      const models = path.join(repo.dir, 'catalog/models.py');
      await writeFile(models, (await readFile(models, 'utf8')).replace('    sku = ', "    nickname = models.CharField(max_length=40, blank=True)\n    blurb = models.TextField(blank=True)\n    sku = "));
      const made = await manage(repo.dir, ['makemigrations', 'catalog', '-n', 'blank_fields', '--noinput'], { ...gitEnv(), PYTHONDONTWRITEBYTECODE: '1', HCAT_HOST: '127.0.0.1', HCAT_PORT: '9' });
      expect(made.exitCode).toBe(0);
      await repo.git('add', '-A');
      await repo.git('commit', '-q', '-m', 'blank fields');
      const result = await check(['--range', 'main..blank-fields', '--json']);
      const codes = result.json!.problems.map((problem) => problem.code);
      // Two AddFields on an existing table in one migration: that warning stays.
      expect(codes).toEqual(['mysql-several-schema-operations']);
      // No database here: the NOT NULL check (Django's SQL) says it was not done, and nothing is guessed from the fields.
      expect(result.json!.lockSafety).toEqual({ checked: false, reason: expect.stringMatching(/^no database settings \(.*HCAT_DB, which is not set in the environment/) });
      expect(result.exitCode).toBe(0);
    } finally {
      await repo.git('checkout', '-q', '-f', 'feature');
    }
  });

  test('--staged with nothing relevant staged: exit 0 and says why', async () => {
    const result = await check(['--staged']);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('nothing to check: no staged Python file is in a guarded app or the settings');
  });

  test('without a working Python: exit 2 (fail closed by default, and with --fail-closed)', async () => {
    const env = { MIGRATION_GUARD_PYTHON: '/nonexistent/python' };
    for (const flags of [[], ['--fail-closed']]) {
      const closed = await check(['--tree', 'main', ...flags, '--json'], env);
      expect(closed.exitCode).toBe(2);
      expect(closed.json!.problems.map((problem) => problem.code)).toEqual(['django-could-not-run']);
    }
    const text = await check(['--tree', 'main'], env);
    expect(text.output).toContain('Could not ask Django whether models and migrations agree');
    expect(text.output).not.toContain('check: models and migrations agree');
  });

  test('--config with a relative path is resolved against the working directory, once', async () => {
    // A config outside the repository root: the path given is relative to the cwd, not to the config's own folder.
    const dir = path.join(repo.dir, 'ci');
    const fixtureConfig = JSON.parse(await readFile(path.join(repo.dir, 'migration-guard.config.json'), 'utf8')) as Record<string, unknown>;
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'check-config.json'), JSON.stringify({ ...fixtureConfig, projectRoot: '..' }));
    try {
      const result = await check(['--config', 'ci/check-config.json', '--tree', 'main', '--json']);
      expect(result.exitCode).toBe(0);
      expect(result.json).toMatchObject({ ok: true, mode: 'tree main', django: { verdict: { kind: 'in-sync' } }, problems: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a revision that does not exist: exit 2 with the fix', async () => {
    const result = await check(['--range', 'main..nope']);
    expect(result.exitCode).toBe(2);
    expect(result.output).toContain('"nope" does not name a commit');
  });
});
