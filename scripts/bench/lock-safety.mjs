// Benchmark: what the lock-safety and NOT NULL check (the staged migrations run on a scratch database of the
// developer's server) adds to `check --staged` and to pre-commit, on the fixture project (test/fixtures/hcat)
// with one staged migration that copies a table, against a throwaway MariaDB, measured in the same run:
//   - check --staged with "hooks.lockSafetyWarnings" on vs off (Django's verdict cached in both: the difference
//     is the check itself), interleaved round by round so that load changes hit both alike;
//   - baseline: one `manage.py sqlmigrate catalog 0005…` (what a developer runs by hand to see the SQL).
// Run: npm run build && npx tsx scripts/bench/lock-safety.mjs   (BENCH_RUNS=7 by default)
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, withBenchSandbox } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PYTHON = '/usr/bin/python3';
const cli = path.join(root, 'dist/cli/main.js');

await withBenchSandbox('lock-safety', async ({ dir: sandbox, server }) => {
  const dir = path.join(sandbox, 'hcat');
  await cp(path.join(root, 'test/fixtures/hcat'), dir, { recursive: true, filter: (source) => !source.includes('__pycache__') });
  const admin = await mysql.createConnection(server.settingsFor(''));
  await admin.query('CREATE DATABASE hcat_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await admin.end();
  const env = {
    ...process.env,
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    HCAT_DB: 'hcat_bench',
    HCAT_USER: server.admin.user,
    HCAT_PASSWORD: server.admin.password,
    HCAT_HOST: '127.0.0.1',
    HCAT_PORT: String(server.port),
  };
  const git = (...args) => execa('git', args, { cwd: dir, env });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'fixture');
  await execa(PYTHON, ['manage.py', 'migrate', '--noinput'], { cwd: dir, env });

  // The staged migration: Tag.label past 255 bytes in utf8mb4 (the server copies the table).
  const models = path.join(dir, 'catalog/models.py');
  await writeFile(models, (await readFile(models, 'utf8')).replace('max_length=50, unique=True', 'max_length=100, unique=True'));
  await writeFile(
    path.join(dir, 'catalog/migrations/0005_tag_label_wider.py'),
    "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('catalog', '0004_tags_and_sku')]\n    operations = [\n        migrations.AlterField(model_name='tag', name='label', field=models.CharField(max_length=100, unique=True)),\n    ]\n",
  );
  await git('add', 'catalog');

  const base = JSON.parse(await readFile(path.join(dir, 'migration-guard.config.json'), 'utf8'));
  // Two configuration files beside the committed one (untracked), the same but for the switch.
  const onConfig = path.join(dir, 'bench-on.config.json');
  const offConfig = path.join(dir, 'bench-off.config.json');
  await writeFile(onConfig, JSON.stringify(base));
  await writeFile(offConfig, JSON.stringify({ ...base, hooks: { lockSafetyWarnings: false } }));

  let onJson = null;
  const check = async (config) => {
    const result = await execa(process.execPath, [cli, '--config', config, 'check', '--staged', '--json'], { cwd: dir, env, reject: false });
    if (result.exitCode !== 0) throw new Error(`check exited ${result.exitCode}: ${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const durations = { on: [], off: [], sqlmigrate: [] };
  for (let round = -1; round < RUNS; round += 1) {
    for (const [name, work] of Object.entries({
      on: async () => {
        onJson = await check(onConfig);
      },
      off: () => check(offConfig),
      sqlmigrate: () => execa(PYTHON, ['manage.py', 'sqlmigrate', 'catalog', '0005_tag_label_wider'], { cwd: dir, env }),
    })) {
      const start = performance.now();
      await work();
      if (round >= 0) durations[name].push(performance.now() - start);
    }
  }
  if (!onJson.lockSafety?.checked || !onJson.problems.some((problem) => problem.code === 'mysql-blocking-alter')) {
    throw new Error(`expected a checked run with the copy warning, got ${JSON.stringify(onJson)}`);
  }
  const ms = (values) => Math.round(median(values));
  const report = {
    project: 'test/fixtures/hcat (2 apps, 9 migrations + auth/contenttypes), one staged AlterField that copies catalog_tag',
    runs: RUNS,
    medianMs: { checkStagedOn: ms(durations.on), checkStagedOff: ms(durations.off), addedByLockSafety: ms(durations.on) - ms(durations.off), lockSafetyReported: onJson.lockSafety.ms, bareSqlmigrate: ms(durations.sqlmigrate) },
    ratio: { onVsOff: Number((median(durations.on) / median(durations.off)).toFixed(2)), addedVsSqlmigrate: Number(((median(durations.on) - median(durations.off)) / median(durations.sqlmigrate)).toFixed(2)) },
  };
  console.log(JSON.stringify(report, null, 2));
});
