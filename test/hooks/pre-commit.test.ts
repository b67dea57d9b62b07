// pre-commit through real `git commit` with hooks installed by `migration-guard install` (husky).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHookedRepo, freshBranch, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;

beforeAll(async () => {
  repo = await createHookedRepo();
});

afterAll(async () => {
  await repo?.remove();
});

describe('pre-commit', () => {
  test('blocks a model change without its migration, naming what Django would create and the fix', async () => {
    await freshBranch(repo, 'no-migration');
    await repo.addProductField('weight = models.IntegerField(default=0)');
    await repo.gitOk('add', 'catalog/models.py');
    const result = await repo.git(['commit', '-m', 'Add weight']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('commit blocked');
    expect(result.output).toContain('catalog: the models changed but no migration for the change is staged');
    expect(result.output).toContain('catalog/migrations/0005_product_weight.py');
    expect(result.output).toContain('- Add field weight to product');
    expect(result.output).toContain('python manage.py makemigrations catalog');
    expect(result.output).toContain('git commit --no-verify');
    expect(await repo.gitOk('log', '-1', '--format=%s')).toBe('Fixture project with migration-guard hooks');

    // With its migration staged, the commit goes through.
    await repo.makemigrations('catalog', 'product_weight');
    await repo.gitOk('add', 'catalog');
    const fixed = await repo.git(['commit', '-m', 'Add weight']);
    expect(fixed.output).toContain('models and migrations agree');
    expect(fixed.exitCode).toBe(0);
    expect(await repo.gitOk('log', '-1', '--format=%s')).toBe('Add weight');

    // The same staged state again (commit undone, redone): Django's verdict comes from the cache.
    await repo.gitOk('reset', '-q', '--soft', 'HEAD~1');
    const again = await repo.git(['commit', '-m', 'Add weight']);
    expect(again.exitCode).toBe(0);
    expect(again.output).toContain("Django's cached verdict for these files");
  });

  test('passes a model change that needs no migration (a method and a docstring)', async () => {
    await freshBranch(repo, 'no-schema-change');
    const models = await repo.read('catalog/models.py');
    await repo.write('catalog/models.py', models.replace('class Tag(models.Model):\n', 'class Tag(models.Model):\n    """A label on products."""\n\n    def shout(self):\n        return self.label.upper()\n\n'));
    await repo.gitOk('add', 'catalog/models.py');
    const result = await repo.git(['commit', '-m', 'Tag.shout']);
    expect(result.output).toContain('models and migrations agree');
    expect(result.exitCode).toBe(0);
  });

  test('blocks partial staging: model change staged, its migration left unstaged (untracked)', async () => {
    await freshBranch(repo, 'partial');
    await repo.addProductField("color = models.CharField(max_length=20, default='')");
    const migration = await repo.makemigrations('catalog', 'product_color');
    await repo.gitOk('add', 'catalog/models.py');
    const result = await repo.git(['commit', '-m', 'Add color']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain(`you already have ${migration}: git add ${migration}`);
    expect(result.output).toContain('not tracked by git');
    // The hook never stages anything itself.
    expect(await repo.gitOk('status', '--porcelain', '--', migration)).toBe(`?? ${migration}`);
  });

  test('blocks an untracked migration even when the staged files are unrelated Python in the app', async () => {
    await freshBranch(repo, 'untracked');
    await repo.write('orders/migrations/0003_note.py', 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("orders", "0002_order_status")]\n    operations = []\n');
    await repo.write('orders/admin.py', `${await repo.read('orders/admin.py')}\n# admin tweak\n`);
    await repo.gitOk('add', 'orders/admin.py');
    const result = await repo.git(['commit', '-m', 'admin tweak']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('A migration is not tracked by git');
    expect(result.output).toContain('git add orders/migrations/0003_note.py');
  });

  test('passes a clean stage while model edits stay unstaged in the working tree', async () => {
    await freshBranch(repo, 'unstaged-edits');
    await repo.write('catalog/admin.py', `${await repo.read('catalog/admin.py')}\n# staged admin change\n`);
    await repo.gitOk('add', 'catalog/admin.py');
    await repo.addProductField('unstaged_field = models.IntegerField(default=1)');
    const result = await repo.git(['commit', '-m', 'admin change']);
    expect(result.output).toContain('models and migrations agree');
    expect(result.exitCode).toBe(0);
    // The unstaged edit is still there, untouched.
    expect(await repo.read('catalog/models.py')).toContain('unstaged_field');
    expect(await repo.gitOk('status', '--porcelain')).toContain(' M catalog/models.py');
  });

  test('blocks a non-null field without a default (makemigrations would have to ask)', async () => {
    await freshBranch(repo, 'needs-default');
    await repo.addProductField('stock = models.IntegerField()');
    await repo.gitOk('add', 'catalog/models.py');
    const result = await repo.git(['commit', '-m', 'stock']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('non-null field product.stock without a default');
    expect(result.output).toContain('python manage.py makemigrations catalog');
  });

  test('commit -a is checked on what it will commit (git\'s temporary index)', async () => {
    await freshBranch(repo, 'commit-all');
    await repo.addProductField('rating = models.IntegerField(default=0)');
    const result = await repo.git(['commit', '-a', '-m', 'rating']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('0005_product_rating.py');
  });

  test('HUSKY=0 and --no-verify skip the hook', async () => {
    await freshBranch(repo, 'skip');
    await repo.addProductField('skipped = models.IntegerField(default=0)');
    await repo.gitOk('add', 'catalog/models.py');
    const husky0 = await repo.git(['commit', '-m', 'skipped with HUSKY=0'], { env: { HUSKY: '0' } });
    expect(husky0.exitCode).toBe(0);
    expect(husky0.output).not.toContain('migration-guard');
    await repo.addProductField('skipped2 = models.IntegerField(default=0)');
    await repo.gitOk('add', 'catalog/models.py');
    const noVerify = await repo.git(['commit', '--no-verify', '-m', 'skipped with --no-verify']);
    expect(noVerify.exitCode).toBe(0);
    expect(noVerify.output).not.toContain('migration-guard');
    expect(await repo.gitOk('log', '-2', '--format=%s')).toBe('skipped with --no-verify\nskipped with HUSKY=0');
  });

  test('a staged change outside guarded apps skips the checks entirely', async () => {
    await freshBranch(repo, 'fast-path');
    await repo.write('README.md', 'docs\n');
    await repo.write('scripts/tool.py', 'print("not an app")\n');
    await repo.gitOk('add', 'README.md', 'scripts/tool.py');
    const result = await repo.git(['commit', '-m', 'docs']);
    expect(result.exitCode).toBe(0);
    expect(result.output).not.toContain('migration-guard');
  });

  test('without a working Python: blocked by default (fail closed); failClosed false warns and checks what it can', async () => {
    await freshBranch(repo, 'no-python');
    const noPython = { MIGRATION_GUARD_PYTHON: '/nonexistent/venv/bin/python' };
    await repo.addProductField('width = models.IntegerField(default=0)');
    await repo.gitOk('add', 'catalog/models.py');
    const closed = await repo.git(['commit', '-m', 'width'], { env: noPython });
    expect(closed.exitCode).toBe(1);
    expect(closed.output).toContain('commit blocked');
    expect(closed.output).toContain('Could not ask Django whether models and migrations agree: cannot start /nonexistent/venv/bin/python');
    expect(closed.output).toContain('Checked without Django: untracked migrations, edits to published migrations');
    expect(closed.output).toContain('export MIGRATION_GUARD_PYTHON=/path/to/your/venv/bin/python');

    // The opt-out: a warning, and what was checked without Django still blocks.
    const configFile = 'migration-guard.config.json';
    const config = await repo.read(configFile);
    await repo.write(configFile, JSON.stringify({ ...JSON.parse(config), hooks: { failClosed: false } }, null, 2));
    try {
      const open = await repo.git(['commit', '-m', 'width'], { env: noPython });
      expect(open.output).toContain('Could not ask Django whether models and migrations agree');
      expect(open.output).toContain('Django was NOT asked');
      expect(open.exitCode).toBe(0);

      await repo.write('catalog/migrations/0005_stray.py', 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("catalog", "0004_tags_and_sku")]\n    operations = []\n');
      await repo.addProductField('height = models.IntegerField(default=0)');
      await repo.gitOk('add', 'catalog/models.py');
      const untracked = await repo.git(['commit', '-m', 'height'], { env: noPython });
      expect(untracked.exitCode).not.toBe(0);
      expect(untracked.output).toContain('git add catalog/migrations/0005_stray.py');
      await repo.gitOk('clean', '-q', '-f', '--', 'catalog/migrations');
    } finally {
      await repo.write(configFile, config);
    }
  });
});
