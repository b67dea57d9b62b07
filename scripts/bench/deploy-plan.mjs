// Benchmark: `migration-guard deploy --plan --no-pull` with the lock-safety schema cache cold (the scratch
// database migrated from zero to the applied set through Django, as every plan did before the cache) and
// cached (that schema loaded from .migration-guard/cache/, Django applies only the pending migrations), on the
// fixture project, runs alternated cold/cached so that a drift in the machine's speed hits both alike.
//
// Scenarios: "two pending" (a nullable-default AddField in catalog and in orders, both instant) and "copy"
// (catalog_product, 20,000 rows, int → bigint: a table copy, so the copy rate is measured too).
// The target: under 5 s with the reference cached.
//
// Run: npm run build && npx tsx scripts/bench/deploy-plan.mjs   (BENCH_RUNS=9 for more runs)
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, withBenchSandbox } from './harness.ts';
import { PYTHON, fixtureDeployProject } from './fixture-deploy-project.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 5000;
const cli = path.join(root, 'dist/cli/main.js');

await withBenchSandbox('deploy-plan', main);

async function main({ dir: base, server }) {
  const database = 'bench_plan';
  // The scratch databases are <database>__drift_<random>: the app's user may create those (as drift documents).
  const { settings, env, seed, git } = await fixtureDeployProject({ base, server, database, extraGrants: "GRANT ALL ON `" + database + "\\_\\_%`.* TO 'app'@'%'; GRANT PROCESS ON *.* TO 'app'@'%';" });
  await execa(PYTHON, ['manage.py', 'migrate', '--noinput'], { cwd: seed, env });
  const app = await mysql.createConnection({ ...settings, multipleStatements: true });
  await app.query("INSERT INTO catalog_category (name) VALUES ('Books'), ('Games'); INSERT INTO catalog_product (name, category_id, price_cents, sku) SELECT CONCAT('Product ', seq), 1 + seq % 2, seq * 10, CONCAT('S-', seq) FROM seq_1_to_20000; ANALYZE TABLE catalog_product;");
  await app.end();

  // One checkout per scenario, each a commit ahead of the database (deployed with --no-pull).
  const twoPending = path.join(base, 'two-pending');
  await git(base, 'clone', '-q', seed, twoPending);
  await writeFile(path.join(twoPending, 'catalog/migrations/0005_product_weight_grams.py'), migration(['catalog', '0004_tags_and_sku'], "migrations.AddField(model_name='product', name='weight_grams', field=models.IntegerField(default=0))"));
  await writeFile(path.join(twoPending, 'orders/migrations/0003_order_reference.py'), migration(['orders', '0002_order_status'], "migrations.AddField(model_name='order', name='reference', field=models.CharField(blank=True, default='', max_length=20))"));
  await git(twoPending, 'add', '-A');
  await git(twoPending, 'commit', '-q', '-m', 'two migrations');
  const copy = path.join(base, 'copy');
  await git(base, 'clone', '-q', seed, copy);
  await writeFile(path.join(copy, 'catalog/migrations/0005_price_cents_bigint.py'), migration(['catalog', '0004_tags_and_sku'], "migrations.AlterField(model_name='product', name='price_cents', field=models.BigIntegerField(default=0))"));
  await git(copy, 'add', '-A');
  await git(copy, 'commit', '-q', '-m', 'a copying migration');

  console.log(`migration-guard deploy --plan --no-pull benchmark: fixture project (19 applied migrations, 20,000 products); ${RUNS} runs of each after a warm-up, alternated (medians)`);
  for (const [name, checkout, expected] of [['two pending (instant)', twoPending, /Lock safety: 4 instant/], ['copy of 20,000 rows (rate measured)', copy, /Lock safety: 1 copies a table/]]) {
    const plan = async (cached) => {
      if (!cached) await rm(path.join(checkout, '.migration-guard', 'cache'), { recursive: true, force: true });
      const start = performance.now();
      const result = await execa(process.execPath, [cli, 'deploy', '--plan', '--no-pull'], { cwd: checkout, env, reject: false });
      const ms = performance.now() - start;
      if (!expected.test(result.stdout)) throw new Error(`unexpected plan (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
      const usedCache = result.stdout.includes('loaded from the cache');
      if (usedCache !== cached) throw new Error(`the plan ${usedCache ? 'used' : 'did not use'} the cache:\n${result.stdout}`);
      return ms;
    };
    await plan(false);
    await plan(true);
    const cold = [];
    const cached = [];
    for (let run = 0; run < RUNS; run += 1) {
      cold.push(await plan(false));
      cached.push(await plan(true));
    }
    const ratio = median(cached.map((ms, i) => ms / cold[i]));
    console.log(`  ${name}:`);
    console.log(`    cold (applied migrations replayed): ${fmt(median(cold))}   runs: ${cold.map(fmt).join(', ')}`);
    console.log(`    cached (their schema loaded):       ${fmt(median(cached))}   runs: ${cached.map(fmt).join(', ')}`);
    console.log(`    cached/cold ${ratio.toFixed(2)}× (median of paired ratios); target < ${fmt(TARGET_MS)} cached: ${median(cached) < TARGET_MS ? 'met' : 'NOT met'}`);
  }
}

function migration(dependency, operation) {
  return `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n        ('${dependency[0]}', '${dependency[1]}'),\n    ]\n\n    operations = [\n        ${operation},\n    ]\n`;
}

function fmt(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}
