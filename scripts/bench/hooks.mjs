// Benchmark: the git hooks on a big generated repository (50 apps × 100 migrations + 2,000 other files),
// against the baselines named in the issue, measured in the same run:
//   - fast path (nothing to check staged) vs `node -e 0` + `git diff --cached --name-only`: median < 150 ms, ≤ 2×
//   - models staged (cache miss: Django runs) vs one bare `python3 manage.py makemigrations --check --dry-run`: ≤ 1.3×
//   - the same staged state again (cache hit): median < 300 ms
// The hook is timed as husky runs it: `migration-guard hook pre-commit` from node_modules/.bin, at the repository root.
//
// Run: npm run build && node scripts/bench/hooks.mjs   (BENCH_RUNS=9 by default; BENCH_APPS / BENCH_MIGRATIONS / BENCH_FILES to
// resize; BENCH_KEEP=1 keeps the generated repository for profiling)
import { execa } from 'execa';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const APPS = Number(process.env.BENCH_APPS ?? 50);
const MIGRATIONS = Number(process.env.BENCH_MIGRATIONS ?? 100);
const OTHER_FILES = Number(process.env.BENCH_FILES ?? 2000);
const PYTHON = process.env.MIGRATION_GUARD_PYTHON ?? '/usr/bin/python3';
const cli = path.join(root, 'dist/cli/main.js');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  NO_COLOR: '1',
};

const base = await mkdtemp(path.join(os.tmpdir(), 'mg-bench-hooks-'));
try {
  await main();
} finally {
  if (process.env.BENCH_KEEP) process.stderr.write(`Kept ${base}/repo\n`);
  else await rm(base, { recursive: true, force: true });
}

async function main() {
  const dir = path.join(base, 'repo');
  process.stderr.write(`Generating ${APPS} apps × ${MIGRATIONS} migrations + ${OTHER_FILES} other files…\n`);
  await execa(path.join(root, 'node_modules/.bin/tsx'), ['-e', `import { generateDjangoProject } from ${JSON.stringify(path.join(root, 'test/helpers/generate-django-project.ts'))}; generateDjangoProject(${JSON.stringify(dir)}, { apps: ${APPS}, migrationsPerApp: ${MIGRATIONS}, otherFiles: ${OTHER_FILES} }).catch((error) => { console.error(error); process.exit(1); });`], { cwd: root });
  await writeFile(path.join(dir, 'migration-guard.config.json'), JSON.stringify({ settingsModule: 'bigproj.settings', python: PYTHON }, null, 2));
  await writeFile(path.join(dir, '.gitignore'), 'node_modules/\n__pycache__/\ndb.sqlite3\n');
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'bigproj', private: true, devDependencies: { 'migration-guard': `file:${root}`, husky: '^9.1.7' } }, null, 2));
  await mkdir(path.join(dir, 'node_modules/.bin'), { recursive: true });
  await symlink(root, path.join(dir, 'node_modules/migration-guard'));
  await symlink(path.join(root, 'node_modules/husky'), path.join(dir, 'node_modules/husky'));
  const bin = path.join(dir, 'node_modules/.bin/migration-guard');
  await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  await chmod(bin, 0o755);
  const git = (...args) => execa('git', args, { cwd: dir, env });
  await git('init', '-q', '-b', 'main');
  await execa(bin, ['install'], { cwd: dir, env });
  await git('add', '-A');
  await git('commit', '-q', '--no-verify', '-m', 'generated project');
  const files = (await git('ls-files')).stdout.split('\n').length;
  const migrationCount = (await git('ls-files', '*/migrations/0*.py')).stdout.split('\n').length;
  process.stderr.write(`Repository: ${files} files, ${migrationCount} migrations.\n`);

  const hook = async () => {
    const started = performance.now();
    const result = await execa(bin, ['hook', 'pre-commit'], { cwd: dir, env, reject: false, all: true });
    const ms = performance.now() - started;
    if (result.exitCode !== 0) throw new Error(`the hook blocked unexpectedly:\n${result.all}`);
    return { ms, output: result.all };
  };

  // 1. Fast path: a static file staged.
  await writeFile(path.join(dir, 'static/bench.css'), 'body { color: red }\n').catch(async () => {
    await mkdir(path.join(dir, 'static'), { recursive: true });
    await writeFile(path.join(dir, 'static/bench.css'), 'body { color: red }\n');
  });
  await git('add', 'static/bench.css');
  const baseline = await measure(async () => {
    const started = performance.now();
    await execa(process.execPath, ['-e', '0']);
    await execa('git', ['diff', '--cached', '--name-only'], { cwd: dir, env });
    return performance.now() - started;
  });
  const fast = await measure(async () => (await hook()).ms);
  await git('reset', '-q');

  // 1b. Fast path with Python outside the guarded apps (needs the guarded-paths map of an earlier slow run).
  await writeFile(path.join(dir, 'bench_tool.py'), 'print("tool")\n');
  await git('add', 'bench_tool.py');
  await hook(); // writes the map the fast path reads
  const fastPython = await measure(async () => (await hook()).ms);
  await git('reset', '-q');

  // 2. Models staged: a new model method each run (a new blob: a cache miss, Django boots once).
  const bare = await measure(async () => {
    const started = performance.now();
    await execa(PYTHON, ['manage.py', 'makemigrations', '--check', '--dry-run'], { cwd: dir, env });
    return performance.now() - started;
  });
  const modelsFile = path.join(dir, 'app025/models.py');
  const original = await readFile(modelsFile, 'utf8');
  let counter = 0;
  const stageModelChange = async () => {
    counter++;
    await writeFile(modelsFile, `${original}\n\ndef bench_helper_${counter}():\n    return ${counter}\n`);
    await git('add', 'app025/models.py');
  };
  await stageModelChange();
  // The first slow run checks the whole tree out into the snapshot and compiles its bytecode (once per clone).
  const first = (await hook()).ms;
  const miss = await measure(async () => {
    await stageModelChange();
    const { ms, output } = await hook();
    if (!output.includes('Django 3')) throw new Error(`expected a Django run, got: ${output}`);
    return ms;
  });

  // 3. The same staged state again: the verdict comes from the cache.
  const hit = await measure(async () => {
    const { ms, output } = await hook();
    if (!output.includes('cached verdict')) throw new Error(`expected a cache hit, got: ${output}`);
    return ms;
  });
  await writeFile(modelsFile, original);
  await git('reset', '-q');

  const rows = [
    ['baseline: node -e 0 + git diff --cached --name-only', baseline],
    ['fast path: static file staged', fast],
    ['fast path: Python outside guarded apps staged', fastPython],
    ['baseline: python3 manage.py makemigrations --check --dry-run', bare],
    ['first models-staged run of a clone (snapshot + bytecode built)', { median: first, min: first, max: first }],
    ['models staged (cache miss, one Django run)', miss],
    ['same staged state again (cache hit)', hit],
  ];
  console.log(`\nmigration-guard hooks benchmark: ${APPS} apps × ${MIGRATIONS} migrations, ${files} files, ${RUNS} runs each (median, min–max)\n`);
  for (const [name, stats] of rows) console.log(`  ${name.padEnd(62)} ${fmt(stats.median)}  (${fmt(stats.min)}–${fmt(stats.max)})`);
  const checks = [
    [`fast path median < 150 ms`, fast.median < 150],
    [`fast path ≤ 2× baseline (${(fast.median / baseline.median).toFixed(2)}×)`, fast.median <= 2 * baseline.median],
    [`Python-outside-apps fast path ≤ 2× baseline (${(fastPython.median / baseline.median).toFixed(2)}×)`, fastPython.median <= 2 * baseline.median],
    [`models staged ≤ 1.3× bare makemigrations (${(miss.median / bare.median).toFixed(2)}×)`, miss.median <= 1.3 * bare.median],
    [`cache hit median < 300 ms`, hit.median < 300],
  ];
  console.log('');
  for (const [name, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

async function measure(run) {
  await run(); // warm-up, not counted
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await run());
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1) };
}

function fmt(ms) {
  return `${ms.toFixed(0).padStart(6)} ms`;
}
