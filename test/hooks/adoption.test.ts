// Adopting migration-guard the way the README says, in a Django repository whose package.json lives in
// frontend/ (husky's sub-directory set-up): the packed tarball installed with npm, `install`, a blocked
// commit, `doctor`, and a production server's `npm ci --omit=dev`. Downloads the dependencies from the
// npm registry (the only network this needs).
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT, createFixtureRepo, gitEnv, type FixtureRepo } from '../helpers/fixture-project.js';

let repo: FixtureRepo;
let work: string;
let tarball: string;
const env = { ...gitEnv(), NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const run = (command: string, args: string[], cwd: string) => execa(command, args, { cwd, env, reject: false, all: true });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mg-adopt-'));
  // What the README's first step makes in a migration-guard checkout (--ignore-scripts: this checkout's
  // own prepare script must not run here).
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], PROJECT_ROOT);
  if (packed.exitCode !== 0) throw new Error(`npm pack failed: ${packed.all}`);
  tarball = path.join(work, packed.stdout.trim().split('\n').at(-1)!);
  repo = await createFixtureRepo();
}, 120_000);

afterAll(async () => {
  await repo?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('adoption with frontend/package.json', () => {
  test('the README commands install the hooks, which block a model change without its migration', async () => {
    await mkdir(path.join(repo.dir, 'vendor'));
    await copyFile(tarball, path.join(repo.dir, 'vendor', path.basename(tarball)));
    const frontend = path.join(repo.dir, 'frontend');
    await mkdir(frontend);
    expect((await run('npm', ['init', '-y'], frontend)).exitCode).toBe(0);
    const saved = await run('npm', ['install', '--save', `../vendor/${path.basename(tarball)}`], frontend);
    expect(saved.exitCode, saved.all).toBe(0);
    const husky = await run('npm', ['install', '--save-dev', 'husky'], frontend);
    expect(husky.exitCode, husky.all).toBe(0);

    // Run at the root by mistake: told where package.json is.
    const atRoot = await run(path.join(frontend, 'node_modules/.bin/migration-guard'), ['install'], repo.dir);
    expect(atRoot.exitCode).toBe(2);
    expect(atRoot.all).toContain('fix: cd frontend && npx migration-guard install');

    const install = await run('npx', ['migration-guard', 'install'], frontend);
    expect(install.exitCode, install.all).toBe(0);
    expect(install.all).toContain('frontend/.husky/pre-commit: created');
    expect(install.all).toContain('.gitignore: node_modules/ added');
    expect(install.all).toContain('Commit these so everyone gets them:');
    const pkg = JSON.parse(await readFile(path.join(frontend, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('cd .. && (husky frontend/.husky || true)');
    expect(pkg.dependencies['migration-guard']).toBe(`file:../vendor/${path.basename(tarball)}`);
    expect((await run('git', ['config', 'core.hooksPath'], repo.dir)).stdout).toBe('frontend/.husky/_');
    expect(await readFile(path.join(frontend, '.husky/pre-commit'), 'utf8')).toContain('frontend/node_modules/.bin/migration-guard hook pre-commit');

    // The commit command install printed, run as printed (from frontend/), then the vendored tarball.
    const printed = /^\s+(git add .+)$/m.exec(install.all)![1]!;
    expect(printed).toContain('../.gitignore');
    expect(printed).toContain('package-lock.json');
    const committed = await execa('sh', ['-c', printed], { cwd: frontend, env, reject: false, all: true });
    expect(committed.exitCode, committed.all).toBe(0);
    expect((await run('git', ['status', '--porcelain', '--', 'frontend'], repo.dir)).stdout).toBe('');
    await run('git', ['add', 'vendor'], repo.dir);
    expect((await run('git', ['commit', '-q', '-m', 'vendor migration-guard'], repo.dir)).exitCode).toBe(0);

    const models = path.join(repo.dir, 'catalog/models.py');
    await execa('sh', ['-c', `sed -i 's/^    sku = /    weight = models.IntegerField(default=0)\\n    sku = /' ${models}`]);
    await run('git', ['add', 'catalog/models.py'], repo.dir);
    const blocked = await run('git', ['commit', '-m', 'Add weight'], repo.dir);
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.all).toContain('catalog: the models changed but no migration for the change is staged');
    await run('git', ['reset', '-q', '--hard'], repo.dir);

    const doctor = await run('npx', ['migration-guard', 'doctor', '--json'], frontend);
    const outcomes = JSON.parse(doctor.stdout) as Array<{ name: string; state: string; detail: string }>;
    expect(outcomes.find((outcome) => outcome.name === 'git hooks')).toMatchObject({ state: 'ok', detail: 'installed (core.hooksPath = frontend/.husky/_)' });
  }, 300_000);

  test('a production server: npm ci --omit=dev succeeds (prepare does not fail) and migration-guard runs', async () => {
    const server = path.join(work, 'server');
    expect((await run('git', ['clone', '-q', repo.dir, server], work)).exitCode).toBe(0);
    const ci = await run('npm', ['ci', '--omit=dev'], path.join(server, 'frontend'));
    expect(ci.exitCode, ci.all).toBe(0);
    const version = await run('npx', ['--no', 'migration-guard', '--version'], path.join(server, 'frontend'));
    expect(version.exitCode, version.all).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  }, 300_000);

  test('uninstall in frontend/ removes what install added there', async () => {
    const frontend = path.join(repo.dir, 'frontend');
    const result = await run('npx', ['migration-guard', 'uninstall'], frontend);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain('frontend/.husky/pre-commit: removed');
    const pkg = JSON.parse(await readFile(path.join(frontend, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBeUndefined();
    expect((await run('git', ['config', 'core.hooksPath'], repo.dir)).stdout).toBe('');
  });
});
