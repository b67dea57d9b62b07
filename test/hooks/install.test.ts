// `migration-guard install` / `uninstall` in a Django repository, and hooks in a fresh clone.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFixtureRepo, gitEnv, type FixtureRepo } from '../helpers/fixture-project.js';
import { createHookedRepo, linkNodeModules, type HookedRepo } from './helpers/hooked-repo.js';

describe('install and uninstall', () => {
  let fixture: FixtureRepo;
  const cli = (dir: string, args: string[]) => execa(path.join(dir, 'node_modules/.bin/migration-guard'), args, { cwd: dir, env: { ...gitEnv(), NO_COLOR: '1' }, reject: false, all: true });

  beforeAll(async () => {
    fixture = await createFixtureRepo();
    await linkNodeModules(fixture.dir);
    await writeFile(path.join(fixture.dir, 'package.json'), `${JSON.stringify({ name: 'hcat', scripts: { prepare: 'node setup.js' }, devDependencies: { 'migration-guard': '^0.1.0', husky: '^9.1.7' } }, null, '\t')}\n`);
    await mkdir(path.join(fixture.dir, '.husky'));
    await writeFile(path.join(fixture.dir, '.husky/pre-commit'), 'echo "team lint"\nexit 0\n');
    await writeFile(path.join(fixture.dir, '.gitignore'), 'node_modules/');
  });

  afterAll(async () => {
    await fixture?.remove();
  });

  test('install appends to existing hooks, sets up husky, records Python; again changes nothing; uninstall removes only its own', async () => {
    const first = await cli(fixture.dir, ['install']);
    expect(first.exitCode).toBe(0);
    expect(first.all).toContain('.husky/pre-commit: our line appended to your script');
    expect(first.all).toContain('.husky/pre-push: created');
    expect(first.all).toContain('Python: /usr/bin/python3 (Django 3.2.25) recorded');
    expect(first.all).toContain('git: core.hooksPath = .husky/_');

    const preCommit = await readFile(path.join(fixture.dir, '.husky/pre-commit'), 'utf8');
    expect(preCommit).toBe('echo "team lint"\nmigration-guard hook pre-commit "$@" # added by migration-guard install\nexit 0\n');
    expect(await readFile(path.join(fixture.dir, '.husky/post-checkout'), 'utf8')).toBe('migration-guard hook post-checkout "$@" || true # added by migration-guard install\n');
    const pkg = JSON.parse(await readFile(path.join(fixture.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('node setup.js && (husky || true)');
    expect(await readFile(path.join(fixture.dir, 'package.json'), 'utf8')).toContain('\t"scripts"');
    expect(await readFile(path.join(fixture.dir, '.gitignore'), 'utf8')).toBe('node_modules/\n.migration-guard/\n');
    expect(JSON.parse(await readFile(path.join(fixture.dir, '.migration-guard/local.json'), 'utf8'))).toEqual({ python: '/usr/bin/python3' });
    expect(await fixture.git('config', 'core.hooksPath')).toBe('.husky/_');
    expect(await fixture.git('status', '--porcelain', '--ignored', '.migration-guard')).toBe('!! .migration-guard/');

    const snapshot = async () => Promise.all(['.husky/pre-commit', '.husky/pre-push', 'package.json', '.gitignore'].map((file) => readFile(path.join(fixture.dir, file), 'utf8')));
    const before = await snapshot();
    const second = await cli(fixture.dir, ['install']);
    expect(second.exitCode).toBe(0);
    expect(second.all).toContain('.husky/: hooks already installed.');
    expect(await snapshot()).toEqual(before);

    const removed = await cli(fixture.dir, ['uninstall']);
    expect(removed.exitCode).toBe(0);
    expect(await readFile(path.join(fixture.dir, '.husky/pre-commit'), 'utf8')).toBe('echo "team lint"\nexit 0\n');
    await expect(stat(path.join(fixture.dir, '.husky/pre-push'))).rejects.toThrow();
    expect((JSON.parse(await readFile(path.join(fixture.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.prepare).toBe('node setup.js');
    expect(await readFile(path.join(fixture.dir, '.gitignore'), 'utf8')).toBe('node_modules/\n');
    expect(JSON.parse(await readFile(path.join(fixture.dir, '.migration-guard/local.json'), 'utf8'))).toEqual({});
    // The team's own hook still runs through husky.
    expect(await fixture.git('config', 'core.hooksPath')).toBe('.husky/_');
  });
});

describe('a fresh clone', () => {
  let repo: HookedRepo;

  beforeAll(async () => {
    repo = await createHookedRepo();
  });

  afterAll(async () => {
    await repo?.remove();
  });

  test('gets working hooks from npm install (the prepare script), without running install', async () => {
    const clone = await repo.clone('newcomer');
    expect((await execa('git', ['config', 'core.hooksPath'], { cwd: clone.dir })).stdout).toBe('.husky/_');
    await clone.addProductField('newcomer = models.IntegerField(default=0)');
    await clone.gitOk('add', 'catalog/models.py');
    const result = await clone.git(['commit', '-m', 'newcomer field']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('catalog/migrations/0005_product_newcomer.py');
    expect(result.output).toContain('husky - pre-commit script failed (code 1)');
  });
});
