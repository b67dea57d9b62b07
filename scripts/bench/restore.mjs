// Benchmark: `restore-from-prod` against the shell commands it replaces, in the same run, on one server.
//
//   database: a generated dump of at least 500 MB of SQL (gzip), restored by
//     - baseline: gunzip -c dump.sql.gz | mariadb <db>                       (into a fresh database)
//     - restore-from-prod --no-media --db-source dump.sql.gz                 (staging load + checks + swap + drop of
//                                                                             the copy kept by the previous run)
//     - the same with --parallel 2 and 3 (the stretch goal: beat the baseline)
//     target: restore-from-prod at most 1.1x the baseline.
//   media: a tarball of at least 300 MB in thousands of files (gzip), extracted by
//     - baseline: tar -xzf media.tar.gz -C <dir>
//     - restore-from-prod --no-database --media-source media.tar.gz          (safe extraction + swap)
//     target: at most 1.5x the baseline.
//   memory: peak RSS of the restore-from-prod process (VmHWM), target under 200 MB.
//
// Run: npm run build && npx tsx scripts/bench/restore.mjs
//      BENCH_RUNS=3 (default 2), BENCH_DUMP_MB=520, BENCH_MEDIA_MB=320, BENCH_PARALLEL=2,3
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, withBenchSandbox } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const DUMP_MB = Number(process.env.BENCH_DUMP_MB ?? 520);
const MEDIA_MB = Number(process.env.BENCH_MEDIA_MB ?? 320);
const PARALLEL = (process.env.BENCH_PARALLEL ?? '2,3').split(',').filter(Boolean).map(Number);
const cli = path.join(root, 'dist/cli/restore-from-prod.js');

await withBenchSandbox('restore', main);

async function main(sandbox) {
  const { dir: base, server } = sandbox;
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.admin.user, password: server.admin.password, multipleStatements: true });
  const dev = { host: server.host, port: server.port, user: 'dev', password: 'bench-Dev-1' };
  await admin.query(`CREATE USER 'dev'@'%' IDENTIFIED BY '${dev.password}';
    GRANT ALL ON bench_dev.* TO 'dev'@'%'; GRANT ALL ON \`bench\\_dev\\_\\_%\`.* TO 'dev'@'%'; GRANT ALL ON bench_base.* TO 'dev'@'%';
    CREATE DATABASE bench_dev CHARACTER SET utf8mb4;`);
  const options = path.join(base, 'dev.cnf');
  await writeFile(options, `[client]\nuser=dev\npassword="${dev.password}"\nhost=${dev.host}\nport=${dev.port}\nprotocol=TCP\n`, { mode: 0o600 });

  log(`generating a dump of about ${DUMP_MB} MB of SQL…`);
  const dump = await generateDump(admin, sandbox);
  log(`generating a media tree of about ${MEDIA_MB} MB…`);
  const media = await generateMedia(base);

  const project = path.join(base, 'project');
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, 'manage.py'), '');
  await writeFile(
    path.join(project, 'migration-guard.config.json'),
    JSON.stringify({ settingsModule: 'bench.settings', python: '/usr/bin/python3', database: { env: { name: 'B_DB', user: 'B_USER', password: 'B_PASSWORD', host: 'B_HOST', port: 'B_PORT' } }, media: { env: 'B_MEDIA' } }),
  );
  const mediaTarget = path.join(base, 'media');
  const env = { ...process.env, B_DB: 'bench_dev', B_USER: 'dev', B_PASSWORD: dev.password, B_HOST: dev.host, B_PORT: String(dev.port), B_MEDIA: mediaTarget, NO_COLOR: '1' };

  const results = { baseline: [], ours: [], media: [], mediaOurs: [], rss: [] };
  for (const n of PARALLEL) results[`parallel${n}`] = [];
  // Every timed load starts on a quiet server: the previous load's dirty pages flushed first (not timed).
  const quiesce = async () => {
    await admin.query('SET GLOBAL innodb_max_dirty_pages_pct = 0');
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [[row]] = await admin.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
      if (Number(row.Value) < 50 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await admin.query('SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT');
  };
  const baseline = async () => {
    await admin.query('DROP DATABASE IF EXISTS bench_base; CREATE DATABASE bench_base CHARACTER SET utf8mb4');
    await quiesce();
    results.baseline.push(await timed(() => execa('sh', ['-c', `gunzip -c "$0" | mariadb --defaults-extra-file="$1" bench_base`, dump.gz, options])));
    await admin.query('DROP DATABASE IF EXISTS bench_base');
    log(`  baseline gunzip | mariadb: ${last(results.baseline)} s`);
  };
  const ours = async () => {
    await quiesce();
    const single = await restore(['--no-media', '--db-source', dump.gz], env, project);
    results.ours.push(single.seconds);
    results.rss.push(single.peakRssMb);
    log(`  restore-from-prod: ${single.seconds} s (peak RSS ${single.peakRssMb} MB)`);
  };
  // A first load warms the server up (buffer pool, log files), so no side pays for the data generation.
  log('warm-up load (not timed)');
  await restore(['--no-media', '--db-source', dump.gz], env, project);
  for (let run = 1; run <= RUNS; run++) {
    log(`run ${run}/${RUNS}`);
    // Alternate the order, so neither side always runs on a server busy flushing the other's pages.
    if (run % 2 === 1) {
      await baseline();
      await ours();
    } else {
      await ours();
      await baseline();
    }
    for (const n of PARALLEL) {
      await quiesce();
      const parallel = await restore(['--no-media', '--parallel', String(n), '--db-source', dump.gz], env, project);
      results[`parallel${n}`].push(parallel.seconds);
      results.rss.push(parallel.peakRssMb);
      log(`  restore-from-prod --parallel ${n}: ${parallel.seconds} s (peak RSS ${parallel.peakRssMb} MB)`);
    }

    // Media: each side starts with the page cache's dirty data written out (sync, not timed), in alternating order.
    const tarRun = async () => {
      const out = path.join(base, 'tar-out');
      await rm(out, { recursive: true, force: true });
      await mkdir(out);
      await execa('sync');
      results.media.push(await timed(() => execa('tar', ['-xzf', media.tarball, '-C', out])));
      await rm(out, { recursive: true, force: true });
      log(`  baseline tar -xzf: ${last(results.media)} s`);
    };
    const mediaRun = async () => {
      await rm(`${mediaTarget}.previous`, { recursive: true, force: true });
      await execa('sync');
      const measured = await restore(['--no-database', '--media-source', media.tarball], env, project);
      results.mediaOurs.push(measured.seconds);
      results.rss.push(measured.peakRssMb);
      log(`  restore-from-prod media: ${measured.seconds} s (peak RSS ${measured.peakRssMb} MB)`);
    };
    if (run % 2 === 1) {
      await tarRun();
      await mediaRun();
    } else {
      await mediaRun();
      await tarRun();
    }
  }
  await admin.end();

  const range = (values) => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  const rows = [
    ['database', `${mb(dump.sqlBytes)} MB SQL, ${mb(dump.gzBytes)} MB gzip`, results.baseline, results.ours, 1.1],
    ...PARALLEL.map((n) => [`database --parallel ${n}`, 'stretch: beat the baseline', results.baseline, results[`parallel${n}`], 1.0]),
    ['media', `${media.files} files, ${mb(media.bytes)} MB, ${mb(media.gzBytes)} MB gzip`, results.media, results.mediaOurs, 1.5],
  ];
  console.log('\nrestore-from-prod benchmark: median (min–max) of %d runs each, alternating order, same server, same run', RUNS);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log('| case | data | baseline s | restore-from-prod s | ratio of medians | target |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, data, baseline, ours, target] of rows) {
    const ratio = median(ours) / median(baseline);
    console.log(`| ${name} | ${data} | ${range(baseline)} | ${range(ours)} | ${ratio.toFixed(2)}× | ≤ ${target}× ${ratio <= target ? 'ok' : 'MISSED'} |`);
  }
  const peak = Math.max(...results.rss);
  console.log(`| peak RSS of restore-from-prod | | | ${peak} MB | | < 200 MB ${peak < 200 ? 'ok' : 'MISSED'} |`);
}

async function generateDump(admin, { dir: base, server }) {
  // Rows of mixed text, numbers and dates; about 1 KB of SQL per 4 rows across the tables.
  const scale = DUMP_MB / 520;
  const customers = Math.round(1_000_000 * scale);
  const events = Math.round(1_200_000 * scale);
  const orders = Math.round(1_500_000 * scale);
  await admin.query(`CREATE DATABASE bench_src CHARACTER SET utf8mb4; USE bench_src;
    CREATE TABLE django_migrations (id INT AUTO_INCREMENT PRIMARY KEY, app VARCHAR(255) NOT NULL, name VARCHAR(255) NOT NULL, applied DATETIME(6) NOT NULL);
    INSERT INTO django_migrations (app, name, applied) VALUES ('shop', '0001_initial', NOW()), ('shop', '0002_more', NOW());
    CREATE TABLE customer (id BIGINT PRIMARY KEY, email VARCHAR(120) NOT NULL, name VARCHAR(120) NOT NULL, bio TEXT, created DATETIME NOT NULL, KEY (email)) ENGINE=InnoDB;
    CREATE TABLE event (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, kind VARCHAR(20) NOT NULL, payload TEXT, KEY (customer_id)) ENGINE=InnoDB;
    CREATE TABLE shop_order (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, total DECIMAL(12,2) NOT NULL, note VARCHAR(255), created DATETIME NOT NULL, KEY (customer_id)) ENGINE=InnoDB;
    SET SESSION innodb_lock_wait_timeout = 600;`);
  await admin.query(`INSERT INTO customer SELECT seq, CONCAT('user', seq, '@example.com'), CONCAT('Customer ', MD5(seq)), CONCAT(SHA2(seq, 256), ' ', SHA2(seq + 1, 256), ' Grüße ☕'), '2020-01-01' + INTERVAL seq MINUTE FROM seq_1_to_${customers}`);
  await admin.query(`INSERT INTO event SELECT seq, 1 + seq % ${customers}, ELT(1 + seq % 4, 'view', 'cart', 'buy', 'leave'), CONCAT('{"ref":"', MD5(seq), '","score":', seq % 997, ',"tag":"', SHA1(seq), '"}') FROM seq_1_to_${events}`);
  await admin.query(`INSERT INTO shop_order SELECT seq, 1 + seq % ${customers}, (seq % 100000) / 100, CONCAT('order ', seq, ' ', LEFT(MD5(seq), 12)), '2021-01-01' + INTERVAL seq SECOND FROM seq_1_to_${orders}`);
  const sql = path.join(base, 'dump.sql');
  const gz = `${sql}.gz`;
  const cnf = path.join(base, 'admin.cnf');
  await writeFile(cnf, `[client]\nuser=${server.admin.user}\npassword="${server.admin.password}"\nhost=${server.host}\nport=${server.port}\nprotocol=TCP\n`, { mode: 0o600 });
  await execa('sh', ['-c', `mariadb-dump --defaults-extra-file="$0" --single-transaction --quick --routines --triggers bench_src > "$1" && gzip -c "$1" > "$2"`, cnf, sql, gz]);
  const sqlBytes = (await stat(sql)).size;
  await rm(sql);
  await admin.query('DROP DATABASE bench_src');
  return { gz, sqlBytes, gzBytes: (await stat(gz)).size };
}

async function generateMedia(base) {
  // Thousands of files in nested directories: half incompressible (like photos), half text.
  const tree = path.join(base, 'media-source');
  const target = MEDIA_MB * 1e6;
  let bytes = 0;
  let files = 0;
  const text = Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing elit. Grüße aus der Produktion. '.repeat(2000));
  while (bytes < target) {
    const dir = path.join(tree, `uploads ${Math.floor(files / 250)}`, `batch ${files % 10}`);
    await mkdir(dir, { recursive: true });
    const size = 20_000 + ((files * 7919) % 180_000);
    const content = files % 2 === 0 ? randomBytes(size) : text.subarray(0, Math.min(size, text.length));
    await writeFile(path.join(dir, `file ${files}.${files % 2 === 0 ? 'jpg' : 'txt'}`), content);
    bytes += content.length;
    files++;
  }
  const tarball = path.join(base, 'media.tar.gz');
  await execa('tar', ['-C', tree, '-czf', tarball, '.']);
  await rm(tree, { recursive: true, force: true });
  return { tarball, files, bytes, gzBytes: (await stat(tarball)).size };
}

async function restore(args, env, cwd) {
  const started = performance.now();
  const child = execa(process.execPath, [cli, '--yes', '--quiet', '--json', '--no-migrate', ...args], { cwd, env, reject: false });
  let peakKb = 0;
  const poll = setInterval(async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited
    }
  }, 50);
  const result = await child;
  clearInterval(poll);
  if (result.exitCode !== 0) throw new Error(`restore-from-prod ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr}`);
  const phases = JSON.parse(result.stdout).phases.map((phase) => `${phase.phase.split(' from ')[0]} ${phase.seconds} s`).join(', ');
  log(`    phases: ${phases}`);
  return { seconds: round((performance.now() - started) / 1000), peakRssMb: Math.round(peakKb / 1024) };
}

async function timed(work) {
  const started = performance.now();
  await work();
  return round((performance.now() - started) / 1000);
}

function round(seconds) {
  return Math.round(seconds * 100) / 100;
}

function mb(bytes) {
  return Math.round(bytes / 1e6);
}

function last(values) {
  return values[values.length - 1];
}

function log(message) {
  process.stderr.write(`${message}\n`);
}
