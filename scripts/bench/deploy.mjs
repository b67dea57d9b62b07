// Benchmark: `migration-guard deploy` vs the raw steps it wraps, in the same run, on the fixture project.
//
// Scenario: a server checkout one commit behind origin; the new commit brings two migrations (catalog, orders).
//   - raw:    mariadb-dump --single-transaction --routines --triggers | gzip > file, manage.py migrate --noinput,
//             manage.py makemigrations --check --dry-run --noinput (what a careful operator types by hand)
//   - deploy: `node dist/cli/main.js deploy` end to end (preflight, locks, service stop/start commands that do
//             nothing, git pull --ff-only, the migration plan + sqlmigrate, backup + verification + fsync, state
//             snapshots, migrate, verify, journal)
// Before every measured run the database is reloaded and the checkout reset (not timed). The deploy's own
// overhead is deploy − raw; the issue's target is under 2 s. The journal's step durations show where it goes.
//
// Run: npm run build && npx tsx scripts/bench/deploy.mjs   (BENCH_RUNS=5 for more runs)
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, withBenchSandbox } from './harness.ts';
import { PYTHON, fixtureDeployProject } from './fixture-deploy-project.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { writeClientOptionsFile } = await import(path.join(root, 'dist/db/client-options-file.js'));
const { findClientProgram } = await import(path.join(root, 'dist/db/client-programs.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_OVERHEAD_MS = 2000;
const cli = path.join(root, 'dist/cli/main.js');

await withBenchSandbox('deploy', main);

async function main({ dir: base, server }) {
  const database = 'bench_deploy';
  const { settings, env, seed, git } = await fixtureDeployProject({ base, server, database });

  // origin ← dev (commits the new migrations) ; server (deploys)
  const origin = path.join(base, 'origin.git');
  const dev = path.join(base, 'dev');
  const checkout = path.join(base, 'server');
  await git(base, 'clone', '-q', '--bare', seed, origin);
  await git(base, 'clone', '-q', origin, dev);
  await git(base, 'clone', '-q', origin, checkout);
  const oldCommit = (await git(checkout, 'rev-parse', 'HEAD')).stdout.trim();

  // The database at the server's code, with some data; kept as the reset point.
  await execa(PYTHON, ['manage.py', 'migrate', '--noinput'], { cwd: checkout, env });
  const app = await mysql.createConnection({ ...settings, multipleStatements: true });
  await app.query("INSERT INTO catalog_category (name) VALUES ('Books'), ('Games'); INSERT INTO catalog_product (name, category_id, price_cents, sku) SELECT CONCAT('Product ', seq), 1 + seq % 2, seq * 10, CONCAT('S-', seq) FROM seq_1_to_2000;");
  await app.end();
  const resetDump = path.join(base, 'reset.sql');
  await dumpTo(settings, resetDump, false);

  // The new commit: two migrations and their model changes.
  await writeFile(path.join(dev, 'catalog/models.py'), (await readFile(path.join(dev, 'catalog/models.py'), 'utf8')).replace("db_index=True)\n", "db_index=True)\n    weight_grams = models.IntegerField(default=0)\n"));
  await writeFile(path.join(dev, 'catalog/migrations/0005_product_weight_grams.py'), migration(['catalog', '0004_tags_and_sku'], "migrations.AddField(model_name='product', name='weight_grams', field=models.IntegerField(default=0))"));
  await writeFile(path.join(dev, 'orders/models.py'), (await readFile(path.join(dev, 'orders/models.py'), 'utf8')).replace("default='new')\n", "default='new')\n    reference = models.CharField(max_length=20, blank=True, default='')\n"));
  await writeFile(path.join(dev, 'orders/migrations/0003_order_reference.py'), migration(['orders', '0002_order_status'], "migrations.AddField(model_name='order', name='reference', field=models.CharField(blank=True, default='', max_length=20))"));
  await git(dev, 'add', '-A');
  await git(dev, 'commit', '-q', '-m', 'two migrations');
  await git(dev, 'push', '-q', 'origin', 'main');
  const newCommit = (await git(dev, 'rev-parse', 'HEAD')).stdout.trim();
  await git(checkout, 'fetch', '-q', 'origin');

  const reset = async (commit) => {
    await loadDump(settings, resetDump);
    await git(checkout, 'reset', '-q', '--hard', commit);
    await rm(path.join(checkout, '.migration-guard'), { recursive: true, force: true });
  };

  const raw = [];
  const deploy = [];
  let lastJournal = null;
  for (let run = 0; run <= RUNS; run += 1) {
    // raw steps, on the checkout already at the new code (the pull is part of deploy's overhead)
    await reset(newCommit);
    let start = performance.now();
    await dumpTo(settings, path.join(base, 'raw.sql.gz'), true);
    await execa(PYTHON, ['manage.py', 'migrate', '--noinput'], { cwd: checkout, env });
    const check = await execa(PYTHON, ['manage.py', 'makemigrations', '--check', '--dry-run', '--noinput'], { cwd: checkout, env, reject: false });
    if (check.exitCode !== 0) throw new Error(`makemigrations --check failed: ${check.stdout}`);
    const rawMs = performance.now() - start;

    await reset(oldCommit);
    start = performance.now();
    const result = await execa(process.execPath, [cli, 'deploy'], { cwd: checkout, env, reject: false });
    const deployMs = performance.now() - start;
    if (result.exitCode !== 0) throw new Error(`deploy failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
    if (run === 0) continue; // warm-up: page cache, Python bytecode of Django
    raw.push(rawMs);
    deploy.push(deployMs);
    lastJournal = await newestJournal(path.join(checkout, '.migration-guard/backups'));
  }

  const rawMedian = median(raw);
  const deployMedian = median(deploy);
  const overhead = deployMedian - rawMedian;
  console.log(`migration-guard deploy benchmark: fixture project, 2 pending migrations, ${2000} products; ${RUNS} runs after a warm-up (medians)`);
  console.log(`  raw steps (dump | gzip, migrate, makemigrations --check): ${fmt(rawMedian)}   runs: ${raw.map(fmt).join(', ')}`);
  console.log(`  migration-guard deploy (end to end):                     ${fmt(deployMedian)}   runs: ${deploy.map(fmt).join(', ')}`);
  console.log(`  deploy's own overhead: ${fmt(overhead)} (ratio ${(deployMedian / rawMedian).toFixed(2)}×); target < ${fmt(TARGET_OVERHEAD_MS)}: ${overhead < TARGET_OVERHEAD_MS ? 'met' : 'NOT met'}`);
  if (lastJournal) {
    console.log('  step durations in the last deploy (journal):');
    for (const entry of lastJournal) if (entry.event === 'step' && entry.status === 'ok') console.log(`    ${entry.step.padEnd(14)} ${fmt(entry.durationMs)}`);
  }
}

function migration(dependency, operation) {
  return `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n        ('${dependency[0]}', '${dependency[1]}'),\n    ]\n\n    operations = [\n        ${operation},\n    ]\n`;
}

async function dumpTo(settings, file, gzip) {
  const options = await writeClientOptionsFile(settings);
  try {
    const dump = `'${findClientProgram('dump')}' '${options.arg}' --single-transaction --routines --triggers '${settings.database}'`;
    await execa('sh', ['-c', `${dump}${gzip ? ' | gzip' : ''} > '${file}'`], { env: options.env(), extendEnv: false });
  } finally {
    await options.remove();
  }
}

async function loadDump(settings, file) {
  const options = await writeClientOptionsFile(settings);
  try {
    const connection = await mysql.createConnection({ ...settings, multipleStatements: true });
    const [tables] = await connection.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [settings.database]);
    if (tables.length) await connection.query(`SET FOREIGN_KEY_CHECKS = 0; DROP TABLE ${tables.map((row) => `\`${row.name}\``).join(', ')}; SET FOREIGN_KEY_CHECKS = 1;`);
    await connection.end();
    await execa(findClientProgram('client'), [options.arg, settings.database], { inputFile: file, env: options.env(), extendEnv: false });
  } finally {
    await options.remove();
  }
}

async function newestJournal(dir) {
  const name = (await readdir(dir)).filter((file) => file.endsWith('.journal.jsonl')).sort().at(-1);
  return (await readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

function fmt(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}
