// Deleting migrations others have, through real `git commit` and `git push`: an app's whole
// migrations/ package or the app itself (blocked), Django's squash lifecycle (allowed, with a note
// naming the squash), the same deletion without a squash and a "reset" (blocked, the squash route as fix).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHookedRepo, freshBranch, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;

const SQUASH = 'catalog/migrations/0001_squashed_0002_product_category_price.py';
const REPLACED = ['catalog/migrations/0001_initial.py', 'catalog/migrations/0002_product_category_price.py'];

beforeAll(async () => {
  repo = await createHookedRepo();
}, 120_000);

afterAll(async () => {
  await repo?.remove();
});

describe('deleting published migrations', () => {
  test("deleting an app's whole migrations/ package is blocked, each pushed migration named", async () => {
    await freshBranch(repo, 'drop-orders-migrations');
    await repo.gitOk('rm', '-q', '-r', 'orders/migrations');
    const result = await repo.git(['commit', '-m', 'Start orders over']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('Deletes a migration that is already on origin/main');
    expect(result.output).toContain('orders/migrations/0001_initial.py');
    expect(result.output).toContain('orders/migrations/0002_order_status.py');
    expect(result.output).toContain('squashmigrations');
  });

  test('deleting the app itself is blocked too', async () => {
    await freshBranch(repo, 'drop-orders-app');
    await repo.gitOk('rm', '-q', '-r', 'orders');
    const settings = await repo.read('hcat/settings.py');
    await repo.write('hcat/settings.py', settings.replace("    'orders',\n", ''));
    await repo.gitOk('add', 'hcat/settings.py');
    const result = await repo.git(['commit', '-m', 'Drop orders']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('Deletes a migration that is already on origin/main');
    expect(result.output).toContain('orders/migrations/0002_order_status.py');
  });

  test('pre-push blocks a pushed package deletion committed with --no-verify', async () => {
    await freshBranch(repo, 'drop-orders-no-verify');
    await repo.gitOk('rm', '-q', '-r', 'orders/migrations');
    await repo.gitOk('commit', '-q', '--no-verify', '-m', 'Start orders over');
    const push = await repo.git(['push', 'origin', 'drop-orders-no-verify']);
    expect(push.exitCode).not.toBe(0);
    expect(push.output).toContain('push blocked');
    expect(push.output).toContain('orders/migrations/0001_initial.py');
  });
});

describe('the squash lifecycle', () => {
  test('deleting what a pushed squash replaces, re-pointing dependants and removing `replaces` passes with a note; the push too', async () => {
    await freshBranch(repo, 'finish-squash');
    await repo.gitOk('rm', '-q', ...REPLACED);
    const squash = await repo.read(SQUASH);
    await repo.write(SQUASH, squash.replace(/\n    replaces = \[[^\]]*\]\n/, '\n'));
    const dependant = 'catalog/migrations/0003_populate_categories.py';
    await repo.write(dependant, (await repo.read(dependant)).replace("('catalog', '0002_product_category_price')", "('catalog', '0001_squashed_0002_product_category_price')"));
    await repo.gitOk('add', 'catalog');
    const result = await repo.git(['commit', '-m', 'Finish the catalog squash']);
    expect(result.output).toContain('Completes the squash catalog.0001_squashed_0002_product_category_price');
    expect(result.output).toContain('must have run migrate since catalog.0001_squashed_0002_product_category_price arrived');
    expect(result.output).toContain('models and migrations agree');
    expect(result.exitCode).toBe(0);
    expect(await repo.gitOk('log', '-1', '--format=%s')).toBe('Finish the catalog squash');

    const push = await repo.git(['push', 'origin', 'finish-squash']);
    expect(push.output).toContain('Completes the squash catalog.0001_squashed_0002_product_category_price');
    expect(push.exitCode).toBe(0);
  });

  test('the same deletion without the squash is blocked', async () => {
    await freshBranch(repo, 'delete-without-squash');
    await repo.gitOk('rm', '-q', ...REPLACED, SQUASH);
    const result = await repo.git(['commit', '-m', 'Delete old migrations']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('Deletes a migration that is already on origin/main');
    for (const file of [...REPLACED, SQUASH]) expect(result.output).toContain(file);
    expect(result.output).not.toContain('Completes the squash');
  });

  test('a reset (every migration deleted, a new 0001_initial) is blocked, with the squash route as the fix', async () => {
    await freshBranch(repo, 'reset');
    const squash = await repo.read(SQUASH);
    for (const file of (await repo.gitOk('ls-files', 'catalog/migrations')).split('\n')) {
      if (!file.endsWith('__init__.py')) await rm(path.join(repo.dir, file));
    }
    await repo.write('catalog/migrations/0001_initial.py', squash.replace(/\n    replaces = \[[^\]]*\]\n/, '\n'));
    await repo.gitOk('add', '-A', 'catalog');
    const result = await repo.git(['commit', '-m', 'Reset catalog migrations']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('Edits a migration that is already on origin/main');
    expect(result.output).toContain('Deletes a migration that is already on origin/main');
    expect(result.output).toContain('catalog/migrations/0004_tags_and_sku.py');
    expect(result.output).toContain('python manage.py squashmigrations catalog');
  });
});
