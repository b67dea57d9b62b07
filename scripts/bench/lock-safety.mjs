// Benchmark: what the lock-safety and NOT NULL check (the staged migrations run on a scratch database of the
// developer's server) adds to `check --staged` and to pre-commit, on the fixture project (test/fixtures/hcat)
// with one staged migration that copies a table, against a throwaway MariaDB, measured in the same run:
//   - check --staged with "hooks.lockSafetyWarnings" on vs off (Django's verdict cached in both: the difference
//     is the check itself), interleaved round by round so that load changes hit both alike;
//   - the same tree again (its outcome remembered, e.g. `check --staged` then `git commit`);
//   - baseline: one `manage.py sqlmigrate catalog 0005…` (what a developer runs by hand to see the SQL).
// The time limit (hooks.lockSafetyTimeoutSeconds) is lifted for the generated project.
// With BENCH_APPS=N (and BENCH_MIGRATIONS=M, default 50), the same on a generated project (test/helpers/
// generate-django-project.ts) whose new model's migration depends on many others: the replay grows with them.
// Run: npm run build && npx tsx scripts/bench/lock-safety.mjs   (BENCH_RUNS=7 by default)
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, withBenchSandbox } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PYTHON = '/usr/bin/python3';
const cli = path.join(root, 'dist/cli/main.js');
const APPS = Number(process.env.BENCH_APPS ?? 0);
const MIGRATIONS = Number(process.env.BENCH_MIGRATIONS ?? 50);

await withBenchSandbox('lock-safety', async ({ dir: sandbox, server }) => {
  const dir = path.join(sandbox, 'project');
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
  let staged;
  if (APPS) {
    // The generated project on MySQL (the HCAT_* variables), and a new model in its middle app, made by makemigrations.
    const { generateDjangoProject } = await import(path.join(root, 'test/helpers/generate-django-project.ts'));
    const generated = await generateDjangoProject(dir, { apps: APPS, migrationsPerApp: MIGRATIONS });
    const settings = path.join(dir, 'bigproj/settings.py');
    await writeFile(settings, (await readFile(settings, 'utf8')).replace(/DATABASES = \{[\s\S]*?\n\}\n/, "import os\nDATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': os.environ['HCAT_DB'], 'USER': os.environ['HCAT_USER'], 'PASSWORD': os.environ['HCAT_PASSWORD'], 'HOST': os.environ['HCAT_HOST'], 'PORT': os.environ['HCAT_PORT'], 'OPTIONS': {'charset': 'utf8mb4'}}}\n"));
    await writeFile(path.join(dir, 'migration-guard.config.json'), JSON.stringify({ settingsModule: 'bigproj.settings', python: PYTHON, hooks: { lockSafetyTimeoutSeconds: 600 }, database: { env: { name: 'HCAT_DB', user: 'HCAT_USER', password: 'HCAT_PASSWORD', host: 'HCAT_HOST', port: 'HCAT_PORT' } } }));
    await writeFile(path.join(dir, '.gitignore'), '__pycache__/\nbench-*.json\n');
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'generated');
    const app = generated.apps[Math.floor(APPS / 2)];
    await writeFile(path.join(dir, app, 'models.py'), `${await readFile(path.join(dir, app, 'models.py'), 'utf8')}\n\nclass BenchNew(models.Model):\n    size = models.IntegerField(null=True)\n`);
    await execa(PYTHON, ['manage.py', 'makemigrations', app, '-n', 'bench_new', '--noinput'], { cwd: dir, env });
    await git('add', app);
    staged = `${app}: a new model in a project of ${APPS} apps × ${MIGRATIONS} migrations (${generated.migrationFiles} files)`;
  } else {
    await cp(path.join(root, 'test/fixtures/hcat'), dir, { recursive: true, filter: (source) => !source.includes('__pycache__') });
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
    staged = 'test/fixtures/hcat (2 apps, 9 migrations + auth/contenttypes), one staged AlterField that copies catalog_tag';
  }

  const base = JSON.parse(await readFile(path.join(dir, 'migration-guard.config.json'), 'utf8'));
  // Two configuration files beside the committed one (untracked), the same but for the switch.
  const onConfig = path.join(dir, 'bench-on.config.json');
  const offConfig = path.join(dir, 'bench-off.config.json');
  await writeFile(onConfig, JSON.stringify(base));
  await writeFile(offConfig, JSON.stringify({ ...base, hooks: { ...base.hooks, lockSafetyWarnings: false } }));

  let onJson = null;
  const check = async (config) => {
    const result = await execa(process.execPath, [cli, '--config', config, 'check', '--staged', '--json'], { cwd: dir, env, reject: false });
    if (result.exitCode !== 0) throw new Error(`check exited ${result.exitCode}: ${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const durations = { on: [], remembered: [], off: [], sqlmigrate: [] };
  for (let round = -1; round < RUNS; round += 1) {
    for (const [name, work] of Object.entries({
      on: async () => {
        // What a tree not checked before costs: the remembered outcomes are forgotten first.
        await rm(path.join(dir, '.git/migration-guard/lock-safety.json'), { force: true });
        onJson = await check(onConfig);
      },
      remembered: () => check(onConfig),
      off: () => check(offConfig),
      sqlmigrate: () => (APPS ? execa(PYTHON, ['manage.py', 'makemigrations', '--check', '--dry-run'], { cwd: dir, env }) : execa(PYTHON, ['manage.py', 'sqlmigrate', 'catalog', '0005_tag_label_wider'], { cwd: dir, env })),
    })) {
      const start = performance.now();
      await work();
      if (round >= 0) durations[name].push(performance.now() - start);
    }
  }
  if (!onJson.lockSafety?.checked || (!APPS && !onJson.problems.some((problem) => problem.code === 'mysql-blocking-alter'))) {
    throw new Error(`expected a checked run with the copy warning, got ${JSON.stringify(onJson)}`);
  }
  const ms = (values) => Math.round(median(values));
  const report = {
    staged,
    baseline: APPS ? 'one bare makemigrations --check --dry-run' : 'one bare sqlmigrate',
    runs: RUNS,
    medianMs: { checkStagedOn: ms(durations.on), checkStagedOnRemembered: ms(durations.remembered), checkStagedOff: ms(durations.off), addedByLockSafety: ms(durations.on) - ms(durations.off), lockSafetyReported: onJson.lockSafety.ms, baseline: ms(durations.sqlmigrate) },
    ratio: { onVsOff: Number((median(durations.on) / median(durations.off)).toFixed(2)), addedVsBaseline: Number(((median(durations.on) - median(durations.off)) / median(durations.sqlmigrate)).toFixed(2)) },
  };
  console.log(JSON.stringify(report, null, 2));
});
