// Benchmark: `migration-guard status` vs `python3 manage.py showmigrations`, side by side in one run,
// on a generated project of 50 apps × 100 migrations against a database with all of them recorded.
// Run: npm run build && npx tsx scripts/bench/status.ts
import { appendFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { generateDjangoProject } from '../../test/helpers/generate-django-project.js';
import { MigrationGraph } from '../../src/django/migration-graph.js';
import { loadAppMigrations } from '../../src/django/migration-files.js';
import { median, timeRuns, withBenchSandbox } from './harness.js';
import { SETTLE_MS } from '../../src/django/parsed-migration-cache.js';

const APPS = 50;
const PER_APP = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const cli = path.resolve('dist/cli/main.js');

await withBenchSandbox('status', async ({ dir: sandbox, server }) => {
  const project = await generateDjangoProject(path.join(sandbox, 'proj'), { apps: APPS, migrationsPerApp: PER_APP });
  // Point the generated settings at the throwaway server through environment variables.
  const settingsFile = path.join(project.dir, ...project.settingsModule.split('.')) + '.py';
  await appendFile(settingsFile, `\nimport os\nDATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': os.environ['BENCH_DB'], 'USER': os.environ['BENCH_USER'], 'PASSWORD': os.environ['BENCH_PASSWORD'], 'HOST': '127.0.0.1', 'PORT': os.environ['BENCH_PORT']}}\n`);
  await writeFile(path.join(project.dir, 'migration-guard.config.json'), JSON.stringify({ python: '/usr/bin/python3', settingsModule: project.settingsModule, database: { env: { name: 'BENCH_DB', user: 'BENCH_USER', password: 'BENCH_PASSWORD', port: 'BENCH_PORT', host: 'BENCH_HOST' } } }));

  // Record every migration as applied (what `migrate` would leave), in plan order: the project's apps and
  // the contrib apps the settings install (status reports on every installed app, as showmigrations).
  const djangoDir = (await execa('/usr/bin/python3', ['-c', 'import django, os; print(os.path.dirname(django.__file__))'])).stdout.trim();
  const appDirs: Array<[string, string]> = [
    ...project.apps.map((app): [string, string] => [app, path.join(project.dir, app, 'migrations')]),
    ...['auth', 'contenttypes'].map((app): [string, string] => [app, path.join(djangoDir, 'contrib', app, 'migrations')]),
  ];
  const migrations = (await Promise.all(appDirs.map(([app, dir]) => loadAppMigrations(app, dir)))).flat();
  const plan = new MigrationGraph(migrations, {}).migratePlan();
  const connection = await mysql.createConnection({ host: server.host, port: server.port, user: server.admin.user, password: server.admin.password });
  await connection.query('CREATE DATABASE bench');
  await connection.query('CREATE TABLE bench.django_migrations (id int AUTO_INCREMENT PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied datetime(6) NOT NULL)');
  // migrate records a squash's replaced migrations, then the squash itself.
  const byId = new Map(migrations.map((migration) => [`${migration.app}.${migration.name}`, migration]));
  const rows = plan.flatMap((key) => [...(byId.get(`${key.app}.${key.name}`)?.replaces ?? []), key].map((row) => [row.app, row.name, new Date()]));
  await connection.query('INSERT INTO bench.django_migrations (app, name, applied) VALUES ?', [rows]);
  await connection.end();

  const env = { ...process.env, BENCH_DB: 'bench', BENCH_USER: server.admin.user, BENCH_PASSWORD: server.admin.password, BENCH_PORT: String(server.port), BENCH_HOST: '127.0.0.1' };
  // Files younger than the caches' settle window are never remembered; a checkout's files are older.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const status = async () => {
    const result = await execa(process.execPath, [cli, 'status'], { cwd: project.dir, env, reject: false });
    if (result.exitCode !== 0) throw new Error(`status failed: ${result.stderr || result.stdout}`);
  };
  // The usual case: nothing changed since the last status (layout and parse caches answer).
  const ours = await timeRuns(RUNS, status);
  // Right after a pull or an edit: the layout is rebuilt (graph included); unchanged files still come from the parse cache.
  const layoutCache = path.join(project.dir, '.migration-guard', 'cache', 'status-layout.json');
  const afterChange = await timeRuns(RUNS, async () => {
    await rm(layoutCache, { force: true });
    await status();
  });
  const django = await timeRuns(RUNS, async () => {
    await execa('/usr/bin/python3', ['manage.py', 'showmigrations'], { cwd: project.dir, env });
  });
  const report = {
    project: `${APPS} apps × ${PER_APP} migrations (${plan.length} applied)`,
    runs: RUNS,
    statusMedianMs: Math.round(median(ours)),
    statusAfterChangeMedianMs: Math.round(median(afterChange)),
    showmigrationsMedianMs: Math.round(median(django)),
    speedup: Number((median(django) / median(ours)).toFixed(1)),
    speedupAfterChange: Number((median(django) / median(afterChange)).toFixed(1)),
  };
  console.log(JSON.stringify(report, null, 2));
});
