// Benchmark: `migration-guard drift` (reference cached) vs the manual way (mariadb-dump --no-data of both
// databases, sort, diff), in the same run, on a generated schema of 300 tables × 10 columns × 3 indexes.
//
// "Reference cached" means: no Django, no migrate; both schemas are read from information_schema, compared
// and reported. That is exactly what `drift --against DB` does (two live reads), which is measured here:
//   - cli:     `node dist/cli/main.js drift --against bench_b --json` end to end (node start-up included)
//   - library: compareLiveDatabases() + formatDriftReport() in this process (what the CLI spends after start-up)
// A cached `drift` run reads one live schema and loads the cached reference JSON instead of a second read,
// so it costs the same or less.
//
// Contenders run interleaved, one round at a time, so that changing machine load affects them alike.
// Run: npm run build && npx tsx scripts/bench/drift.mjs   (BENCH_RUNS=15 for more rounds)
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, withBenchSandbox } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { compareLiveDatabases } = await import(path.join(root, 'dist/drift/compare-live.js'));
const { formatDriftReport } = await import(path.join(root, 'dist/drift/report.js'));
const { writeClientOptionsFile } = await import(path.join(root, 'dist/db/client-options-file.js'));
const { findClientProgram } = await import(path.join(root, 'dist/db/client-programs.js'));

const TABLES = 300;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 1500;
const TARGET_RATIO = 2;
const cli = path.join(root, 'dist/cli/main.js');

/** CREATE TABLE for table n: 10 columns, 3 indexes (primary key, a unique pair, the foreign key's index). */
function createTable(n, { shuffle = false, drift = false } = {}) {
  const name = `t_${String(n).padStart(3, '0')}`;
  let columns = [
    'id bigint NOT NULL AUTO_INCREMENT',
    `code varchar(${drift ? 64 : 32}) NOT NULL`,
    'title varchar(200) NOT NULL',
    "status varchar(10) NOT NULL DEFAULT 'new'",
    'amount decimal(12,2) NOT NULL DEFAULT 0.00',
    'quantity int unsigned NOT NULL',
    'note longtext NULL',
    'created_at datetime(6) NOT NULL',
    'active tinyint(1) NOT NULL',
    'parent_id bigint NULL',
  ];
  if (shuffle) columns = [columns[0], ...columns.slice(1).reverse()]; // same schema, other column order
  const fk = n > 1 ? `, CONSTRAINT ${name}_parent_fk FOREIGN KEY (parent_id) REFERENCES t_${String(n - 1).padStart(3, '0')} (id)` : ', KEY parent_idx (parent_id)';
  return `CREATE TABLE ${name} (${columns.join(', ')}, PRIMARY KEY (id), UNIQUE KEY ${name}_code_uniq (code, status)${fk}) ENGINE=InnoDB`;
}

/** Runs every contender once per round (after a warm-up round), interleaved so that load changes hit all alike. */
async function timeInterleaved(runs, contenders) {
  const durations = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let round = -1; round < runs; round += 1) {
    for (const [name, work] of Object.entries(contenders)) {
      const start = performance.now();
      await work();
      if (round >= 0) durations[name].push(performance.now() - start);
    }
  }
  return durations;
}

await withBenchSandbox('drift', async ({ dir: sandbox, server }) => {
  let optionsFile;
  try {
    // Two databases: b is a with the columns in another order everywhere and 3 real differences.
    const admin = await mysql.createConnection({ ...server.settingsFor(''), multipleStatements: true });
    for (const db of ['bench_a', 'bench_b']) {
      await admin.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const statements = [];
      for (let n = 1; n <= TABLES; n++) statements.push(`${createTable(n, { shuffle: db === 'bench_b', drift: db === 'bench_b' && n % 100 === 0 })};`);
      await admin.query(`USE ${db}; SET FOREIGN_KEY_CHECKS = 0; ${statements.join('\n')} SET FOREIGN_KEY_CHECKS = 1;`);
    }
    await admin.end();

    // A minimal project for the CLI: configuration only (--against needs no Django).
    const project = path.join(sandbox, 'proj');
    await execa('mkdir', ['-p', project]);
    await writeFile(path.join(project, 'manage.py'), '# benchmark stub: drift --against does not run Django\n');
    await writeFile(path.join(project, 'migration-guard.config.json'), JSON.stringify({ settingsModule: 'bench.settings', database: { env: { name: 'BENCH_DB', user: 'BENCH_USER', password: 'BENCH_PASSWORD', host: 'BENCH_HOST', port: 'BENCH_PORT' } } }));
    const env = { ...process.env, NO_COLOR: '1', BENCH_DB: 'bench_a', BENCH_USER: server.admin.user, BENCH_PASSWORD: server.admin.password, BENCH_HOST: '127.0.0.1', BENCH_PORT: String(server.port) };

    let cliOutput = null;
    const noColor = { red: (t) => t, green: (t) => t, yellow: (t) => t, bold: (t) => t, dim: (t) => t };

    // The manual way: dump both schemas, sort the lines, diff. As written in the issue (one dump after the
    // other), and with the two dumps run concurrently (a stricter baseline).
    optionsFile = await writeClientOptionsFile(server.settingsFor(''));
    const dump = findClientProgram('dump');
    const a = path.join(sandbox, 'a.sql');
    const b = path.join(sandbox, 'b.sql');
    const dumpArgs = '--no-data --skip-comments --skip-dump-date --triggers';
    const sequential = `set -o pipefail
  "$DUMP" "$OPTS" ${dumpArgs} bench_a | sort > "$A"
  "$DUMP" "$OPTS" ${dumpArgs} bench_b | sort > "$B"
  diff "$A" "$B" > /dev/null; [ $? -le 1 ]`;
    const concurrent = `set -o pipefail
  "$DUMP" "$OPTS" ${dumpArgs} bench_a | sort > "$A" &
  "$DUMP" "$OPTS" ${dumpArgs} bench_b | sort > "$B" &
  wait -n && wait -n
  diff "$A" "$B" > /dev/null; [ $? -le 1 ]`;
    // The password travels in the clients' environment (MYSQL_PWD), as migration-guard passes it.
    const shellEnv = { ...optionsFile.env(), DUMP: dump, OPTS: optionsFile.arg, A: a, B: b };

    const { cliRuns, libraryRuns, manualRuns, concurrentRuns } = await timeInterleaved(RUNS, {
      cliRuns: async () => {
        const result = await execa(process.execPath, [cli, 'drift', '--against', 'bench_b', '--json'], { cwd: project, env, reject: false });
        if (result.exitCode !== 1) throw new Error(`drift exited ${result.exitCode}: ${result.stderr}`);
        cliOutput = JSON.parse(result.stdout);
      },
      libraryRuns: async () => {
        const result = await compareLiveDatabases(server.settingsFor('bench_b'), server.settingsFor('bench_a'), {});
        formatDriftReport(result, noColor);
      },
      manualRuns: () => execa('bash', ['-c', sequential], { env: shellEnv }),
      concurrentRuns: () => execa('bash', ['-c', concurrent], { env: shellEnv }),
    });
    const manualDiffLines = (await execa('diff', [a, b], { reject: false })).stdout.split('\n').filter((line) => /^[<>]/.test(line)).length;

    const differences = cliOutput.tables.reduce((sum, table) => sum + table.differences.length, 0);
    const ms = (runs) => Math.round(median(runs));
    const ratio = (baseline, ours) => Number((median(baseline) / median(ours)).toFixed(1));
    const report = {
      schema: `${TABLES} tables × 10 columns × 3 indexes, two databases (b: every table's columns in another order, ${differences} real differences)`,
      runs: RUNS,
      medianMs: {
        driftCli: ms(cliRuns),
        driftLibrary: ms(libraryRuns),
        manualDumpSortDiff: ms(manualRuns),
        manualDumpSortDiffConcurrent: ms(concurrentRuns),
      },
      speedup: {
        cliVsManual: ratio(manualRuns, cliRuns),
        cliVsManualConcurrent: ratio(concurrentRuns, cliRuns),
        libraryVsManual: ratio(manualRuns, libraryRuns),
        libraryVsManualConcurrent: ratio(concurrentRuns, libraryRuns),
      },
      driftFound: `${differences} differences in ${cliOutput.tables.length} tables`,
      manualDiffFound: `${manualDiffLines} differing lines (sorted dumps: the table each line belongs to is lost)`,
      // The targets are for the comparison itself (reference cached): the library figure.
      targets: {
        [`comparison median < ${TARGET_MS} ms`]: median(libraryRuns) < TARGET_MS,
        [`comparison ≥ ${TARGET_RATIO}× faster than dump+sort+diff`]: ratio(manualRuns, libraryRuns) >= TARGET_RATIO,
      },
      // End to end with Node's start-up: reported, not enforced (see docs/drift.md).
      cli: {
        [`median < ${TARGET_MS} ms`]: median(cliRuns) < TARGET_MS,
        [`≥ ${TARGET_RATIO}× faster than dump+sort+diff`]: ratio(manualRuns, cliRuns) >= TARGET_RATIO,
      },
    };
    console.log(JSON.stringify(report, null, 2));
    if (Object.values(report.targets).some((met) => !met)) process.exitCode = 1;
  } finally {
    await optionsFile?.remove();
  }
});
