// linear: true: pre-commit keeps max_migration.txt (django-linear-migrations' file) naming each app's leaf.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHookedRepo, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;

beforeAll(async () => {
  repo = await createHookedRepo({ config: (config) => ({ ...config, linear: true }) });
});

afterAll(async () => {
  await repo?.remove();
});

test('a staged migration updates and stages max_migration.txt; two branches then collide as a git conflict', async () => {
  await repo.addProductField('weight = models.IntegerField(default=0)');
  await repo.makemigrations('catalog', 'product_weight');
  await repo.gitOk('add', 'catalog');
  const result = await repo.git(['commit', '-m', 'weight']);
  expect(result.exitCode).toBe(0);
  expect(result.output).toContain('catalog/migrations/max_migration.txt now names 0005_product_weight (staged)');
  expect(await repo.gitOk('show', 'HEAD:catalog/migrations/max_migration.txt')).toBe('0005_product_weight');
  expect(await repo.gitOk('status', '--porcelain')).toBe('');

  // Two branches each add the next migration: merging them conflicts in max_migration.txt.
  const base = await repo.gitOk('rev-parse', 'HEAD');
  for (const [branch, field] of [
    ['one', 'one = models.IntegerField(default=1)'],
    ['two', 'two = models.IntegerField(default=2)'],
  ] as const) {
    await repo.gitOk('checkout', '-q', '-b', branch, base);
    await repo.addProductField(field);
    await repo.makemigrations('catalog', `product_${branch}`);
    await repo.gitOk('add', 'catalog');
    expect((await repo.git(['commit', '-m', branch])).exitCode).toBe(0);
    expect(await repo.read('catalog/migrations/max_migration.txt')).toBe(`0006_product_${branch}\n`);
  }
  const merge = await repo.git(['merge', 'one', '-m', 'merge one']);
  expect(merge.exitCode).not.toBe(0);
  expect(merge.output).toContain('CONFLICT (content): Merge conflict in catalog/migrations/max_migration.txt');
  await repo.gitOk('merge', '--abort');
});
