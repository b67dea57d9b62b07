// pre-commit fails closed: a teammate whose hooks find no Python with Django is blocked with the
// fix; interpreters are found the way a teammate's machine has them (manage.py's shebang, Poetry,
// Pipenv); settings that do not import block; a tree without its settings module passes; an
// untracked migration blocks every commit.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHookedRepo, type Checkout, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;
let teammate: Checkout;
let binDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  // The project's config names no interpreter: each developer's comes from install or discovery.
  repo = await createHookedRepo({ config: ({ python: _python, ...config }) => config, installArgs: ['--python', '/usr/bin/python3'] });
  // A python3 first on PATH that cannot import Django (site-packages off), as on a fresh machine.
  binDir = await mkdtemp(path.join(os.tmpdir(), 'mg-nodjango-'));
  await writeFile(path.join(binDir, 'python3'), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
  await chmod(path.join(binDir, 'python3'), 0o755);
  env = { PATH: `${binDir}:${process.env.PATH}` };
  teammate = await repo.clone('teammate');
}, 120_000);

afterAll(async () => {
  await repo?.remove();
  if (binDir) await rm(binDir, { recursive: true, force: true });
});

describe('fail closed', () => {
  test('a teammate without a recorded interpreter is blocked, told what is missing, what was tried and the fix', async () => {
    await teammate.gitOk('checkout', '-q', '-b', 'weight');
    await teammate.addProductField('weight = models.IntegerField(default=0)');
    await teammate.gitOk('add', 'catalog/models.py');
    const result = await teammate.git(['commit', '-m', 'Add weight'], { env });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('commit blocked');
    expect(result.output).toContain('Could not ask Django whether models and migrations agree');
    expect(result.output).toContain('Missing: a Python that imports Django');
    expect(result.output).toContain('Interpreters tried:');
    expect(result.output).toMatch(/\.venv\/bin\/python \(absent\)/);
    expect(result.output).toContain('python3 on PATH');
    expect(result.output).toContain('npx migration-guard install --python');
    expect(result.output).toContain('git commit --no-verify');
    expect(result.output).toContain('HUSKY=0');
    expect(result.output).not.toContain('agree (');
    expect(await teammate.gitOk('log', '-1', '--format=%s')).toBe('Fixture project with migration-guard hooks');

    // The fix, as printed: record the interpreter that has Django. Now Django answers (and blocks
    // for the real reason: the migration is missing).
    const install = await execa(path.join(teammate.dir, 'node_modules/.bin/migration-guard'), ['install', '--python', '/usr/bin/python3'], { cwd: teammate.dir, env: { ...process.env, ...env }, reject: false, all: true });
    expect(install.exitCode).toBe(0);
    const again = await teammate.git(['commit', '-m', 'Add weight'], { env });
    expect(again.exitCode).toBe(1);
    expect(again.output).toContain('catalog: the models changed but no migration for the change is staged');
    expect(again.output).not.toContain('Could not ask Django');
  });

  test('with "failClosed": false the commit passes with a warning, and the summary never says "agree"', async () => {
    const other = await repo.clone('frontend-dev');
    await other.write('migration-guard.config.json', JSON.stringify({ ...JSON.parse(await other.read('migration-guard.config.json')), hooks: { failClosed: false } }, null, 2));
    await other.addProductField('weight = models.IntegerField(default=0)');
    await other.gitOk('add', 'catalog/models.py', 'migration-guard.config.json');
    const result = await other.git(['commit', '-m', 'Add weight'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('Could not ask Django');
    expect(result.output).toContain('Django was NOT asked');
    expect(result.output).not.toContain('migration-guard: models and migrations agree');
  });

  test('finds a virtualenv named in manage.py\'s shebang when nothing else has Django', async () => {
    const other = await repo.clone('shebang-dev');
    const venv = path.join(other.dir, '..', 'shebang-venv');
    await execa('/usr/bin/python3', ['-m', 'venv', '--system-site-packages', '--without-pip', venv]);
    const managePy = await other.read('manage.py');
    await other.write('manage.py', managePy.replace(/^#!.*\n/, `#!${venv}/bin/python\n`));
    await other.addProductField('weight = models.IntegerField(default=0)');
    await other.gitOk('add', 'catalog/models.py', 'manage.py');
    const result = await other.git(['commit', '-m', 'Add weight'], { env });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('catalog: the models changed but no migration for the change is staged');
  });
});

describe('Poetry and Pipenv environments', () => {
  test("found through the tools' own answers (poetry env info -p, pipenv --venv) when nothing else has Django", async () => {
    const other = await repo.clone('poetry-dev');
    // An environment outside the project, as Poetry and Pipenv make them, and the tools that name it.
    const venv = path.join(binDir, 'poetry-venv');
    await execa('/usr/bin/python3', ['-m', 'venv', '--system-site-packages', '--without-pip', venv]);
    const tools = await mkdtemp(path.join(os.tmpdir(), 'mg-tools-'));
    for (const [tool, args] of [['poetry', 'env info -p'], ['pipenv', '--venv']] as const) {
      await writeFile(path.join(tools, tool), `#!/bin/sh\n[ "$*" = "${args}" ] && echo ${venv} && exit 0\nexit 1\n`);
      await chmod(path.join(tools, tool), 0o755);
    }
    const toolEnv = { PATH: `${binDir}:${tools}:${process.env.PATH}` };
    try {
      await other.write('pyproject.toml', '[tool.poetry]\nname = "hcat"\n');
      await other.addProductField('weight = models.IntegerField(default=0)');
      await other.gitOk('add', 'catalog/models.py', 'pyproject.toml');
      const poetry = await other.git(['commit', '-m', 'Add weight'], { env: toolEnv });
      // Django answered (through Poetry's environment): blocked for the real reason.
      expect(poetry.exitCode).toBe(1);
      expect(poetry.output).toContain('catalog: the models changed but no migration for the change is staged');

      await other.gitOk('rm', '-q', '--cached', 'pyproject.toml');
      await rm(path.join(other.dir, 'pyproject.toml'));
      await other.write('Pipfile', '[packages]\n');
      await other.gitOk('add', 'Pipfile');
      const pipenv = await other.git(['commit', '-m', 'Add weight'], { env: toolEnv });
      expect(pipenv.exitCode).toBe(1);
      expect(pipenv.output).toContain('catalog: the models changed but no migration for the change is staged');
    } finally {
      await rm(tools, { recursive: true, force: true });
    }
  });
});

describe('settings', () => {
  test('settings that do not import block, naming the settings module and the fix', async () => {
    const other = await repo.clone('settings-dev');
    await other.write('hcat/settings.py', `${await other.read('hcat/settings.py')}\nSECRET_KEY = __import__('os').environ['HCAT_SECRET_KEY']\n`);
    await other.addProductField('weight = models.IntegerField(default=0)');
    await other.gitOk('add', 'hcat/settings.py', 'catalog/models.py');
    const result = await other.git(['commit', '-m', 'Add weight'], { env: { MIGRATION_GUARD_PYTHON: '/usr/bin/python3' } });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('the settings hcat.settings do not import: KeyError');
    expect(result.output).toContain('Missing: settings that import (hcat.settings)');
    expect(result.output).toContain('snapshotFiles');
  });

  test('a tree without its settings module (not a Django project yet) passes, saying Django was not asked', async () => {
    const other = await repo.clone('no-settings-dev');
    await other.gitOk('rm', '-q', 'hcat/settings.py');
    await other.addProductField('weight = models.IntegerField(default=0)');
    await other.gitOk('add', 'catalog/models.py');
    const result = await other.git(['commit', '-m', 'Models before settings'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('not a Django project yet');
    expect(result.output).toContain('Django not asked');
  });
});

describe('untracked migrations', () => {
  test('an untracked migration blocks a commit that stages only a README', async () => {
    await repo.gitOk('checkout', '-q', '-b', 'readme');
    await repo.write('orders/migrations/0003_note.py', 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("orders", "0002_order_status")]\n    operations = []\n');
    await repo.write('README.md', '# hcat\n');
    await repo.gitOk('add', 'README.md');
    const result = await repo.git(['commit', '-m', 'README']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('A migration is not tracked by git');
    expect(result.output).toContain('orders/migrations/0003_note.py');
    expect(result.output).toContain('git add orders/migrations/0003_note.py');

    // Once it is gone, the README alone passes at once.
    await rm(path.join(repo.dir, 'orders/migrations/0003_note.py'));
    const ok = await repo.git(['commit', '-m', 'README']);
    expect(ok.exitCode).toBe(0);
  });
});
