// pre-merge-commit and pre-push through real `git merge` and `git push` to a bare origin.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHookedRepo, type Checkout, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;
let teammate: Checkout;

const EMPTY_MIGRATION = (app: string, parent: string) =>
  `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("${app}", "${parent}")]\n    operations = []\n`;

beforeAll(async () => {
  repo = await createHookedRepo();
  teammate = await repo.clone('teammate');
});

afterAll(async () => {
  await repo?.remove();
});

describe('pre-merge-commit', () => {
  test('blocks a clean merge of a branch whose models lack a migration', async () => {
    await repo.gitOk('checkout', '-q', '-b', 'sneaky', 'main');
    await repo.addProductField('sneaky = models.IntegerField(default=0)');
    await repo.gitOk('commit', '-q', '--no-verify', '-am', 'Model change without migration');
    await repo.gitOk('checkout', '-q', 'main');
    const before = await repo.gitOk('rev-parse', 'HEAD');
    const result = await repo.git(['merge', '--no-ff', '-m', 'Merge sneaky', 'sneaky']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('merge blocked');
    expect(result.output).toContain('catalog/migrations/0005_product_sneaky.py');
    expect(await repo.gitOk('rev-parse', 'HEAD')).toBe(before);
    await repo.gitOk('merge', '--abort');
    expect(await repo.gitOk('status', '--porcelain')).toBe('');
  });
});

describe('pre-commit and published migrations', () => {
  test('editing a pushed migration is blocked; editing an unpushed one passes', async () => {
    await repo.gitOk('checkout', '-q', '-b', 'edits', 'main');
    await repo.write('catalog/migrations/0004_tags_and_sku.py', `${await repo.read('catalog/migrations/0004_tags_and_sku.py')}# tweak\n`);
    await repo.gitOk('add', 'catalog/migrations/0004_tags_and_sku.py');
    const pushed = await repo.git(['commit', '-m', 'tweak 0004']);
    expect(pushed.exitCode).not.toBe(0);
    expect(pushed.output).toContain('Edits a migration that is already on origin/main');
    expect(pushed.output).toContain('git restore --source=origin/main --staged --worktree -- catalog/migrations/0004_tags_and_sku.py');
    await repo.gitOk('checkout', '-q', '-f', 'HEAD', '--', 'catalog');

    await repo.write('catalog/migrations/0005_local.py', EMPTY_MIGRATION('catalog', '0004_tags_and_sku'));
    await repo.gitOk('add', 'catalog/migrations/0005_local.py');
    expect((await repo.git(['commit', '-m', 'local migration'])).exitCode).toBe(0);
    await repo.write('catalog/migrations/0005_local.py', `${EMPTY_MIGRATION('catalog', '0004_tags_and_sku')}# edited before pushing\n`);
    await repo.gitOk('add', 'catalog/migrations/0005_local.py');
    const unpushed = await repo.git(['commit', '-m', 'edit local migration']);
    expect(unpushed.output).toContain('models and migrations agree');
    expect(unpushed.exitCode).toBe(0);
    // Deleting it is fine too while it is unpushed.
    await repo.gitOk('rm', '-q', 'catalog/migrations/0005_local.py');
    expect((await repo.git(['commit', '-m', 'drop local migration'])).exitCode).toBe(0);
  });
});

describe('pre-push', () => {
  test('two branches each adding 0005: the second push is blocked, with every problem listed', async () => {
    // Teammate's branch adds catalog 0005 first (not yet knowing of ours).
    await teammate.gitOk('checkout', '-q', '-b', 'feat-b');
    await teammate.write('catalog/migrations/0005_b.py', EMPTY_MIGRATION('catalog', '0004_tags_and_sku'));
    await teammate.gitOk('add', 'catalog/migrations/0005_b.py');
    expect((await teammate.git(['commit', '-m', 'b'])).exitCode).toBe(0);

    // We add our own 0005 and it reaches origin/main first.
    await repo.gitOk('checkout', '-q', '-b', 'feat-a', 'main');
    await repo.write('catalog/migrations/0005_a.py', EMPTY_MIGRATION('catalog', '0004_tags_and_sku'));
    await repo.gitOk('add', 'catalog/migrations/0005_a.py');
    expect((await repo.git(['commit', '-m', 'a'])).exitCode).toBe(0);
    const first = await repo.git(['push', 'origin', 'feat-a:main']);
    expect(first.output).not.toContain('blocked');
    expect(first.exitCode).toBe(0);

    // The teammate also edited a shipped migration, bypassing pre-commit.
    await teammate.write('orders/migrations/0002_order_status.py', `${await teammate.read('orders/migrations/0002_order_status.py')}# sneaky edit\n`);
    await teammate.gitOk('commit', '-q', '--no-verify', '-am', 'edit orders 0002');
    await teammate.gitOk('fetch', '-q', 'origin');
    const second = await teammate.git(['push', 'origin', 'feat-b']);
    expect(second.exitCode).not.toBe(0);
    expect(second.output).toContain('push blocked: 2 problems');
    expect(second.output).toContain('catalog: 0005_b conflicts with 0005_a on origin/main');
    expect(second.output).toContain('Edits a migration that is already on origin/main');
    expect(second.output).toContain('orders/migrations/0002_order_status.py');
    expect(second.output).toContain('git push --no-verify');
    const remoteBranches = await teammate.gitOk('ls-remote', '--heads', 'origin');
    expect(remoteBranches).not.toContain('refs/heads/feat-b');
  });

  test('blocks pushed commits whose models lack a migration (committed with --no-verify)', async () => {
    await teammate.gitOk('checkout', '-q', '-B', 'feat-c', 'origin/main');
    await teammate.addProductField('pushed_field = models.IntegerField(default=0)');
    await teammate.gitOk('commit', '-q', '--no-verify', '-am', 'model change only');
    const result = await teammate.git(['push', 'origin', 'feat-c']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('catalog: the models at feat-c → origin/feat-c need a migration that is not there');
    expect(result.output).toContain('- Add field pushed_field to product');
  });

  test('deleting a branch and pushing tags pass', async () => {
    await repo.gitOk('push', '-q', '--no-verify', 'origin', 'main:doomed');
    const deletion = await repo.git(['push', 'origin', '--delete', 'doomed']);
    expect(deletion.exitCode).toBe(0);
    await repo.gitOk('tag', 'v1', 'main');
    const tags = await repo.git(['push', 'origin', 'v1']);
    expect(tags.exitCode).toBe(0);
    expect(tags.output).not.toContain('blocked');
    expect(await repo.gitOk('ls-remote', '--tags', 'origin')).toContain('refs/tags/v1');
  });
});
