// Deleting migrations others have, through real `git commit` and `git push`: an app's whole
// migrations/ package or the app itself (blocked).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHookedRepo, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;

beforeAll(async () => {
  repo = await createHookedRepo();
}, 120_000);

afterAll(async () => {
  await repo?.remove();
});

async function freshBranch(name: string): Promise<void> {
  await repo.gitOk('checkout', '-q', '-f', 'main');
  await repo.gitOk('clean', '-q', '-fd', '--', 'catalog', 'orders');
  await repo.gitOk('checkout', '-q', '-b', name);
}

describe('deleting published migrations', () => {
  test("deleting an app's whole migrations/ package is blocked, each pushed migration named", async () => {
    await freshBranch('drop-orders-migrations');
    await repo.gitOk('rm', '-q', '-r', 'orders/migrations');
    const result = await repo.git(['commit', '-m', 'Start orders over']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('Deletes a migration that is already on origin/main');
    expect(result.output).toContain('orders/migrations/0001_initial.py');
    expect(result.output).toContain('orders/migrations/0002_order_status.py');
    expect(result.output).toContain('squashmigrations');
  });

  test('deleting the app itself is blocked too', async () => {
    await freshBranch('drop-orders-app');
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
    await freshBranch('drop-orders-no-verify');
    await repo.gitOk('rm', '-q', '-r', 'orders/migrations');
    await repo.gitOk('commit', '-q', '--no-verify', '-m', 'Start orders over');
    const push = await repo.git(['push', 'origin', 'drop-orders-no-verify']);
    expect(push.exitCode).not.toBe(0);
    expect(push.output).toContain('push blocked');
    expect(push.output).toContain('orders/migrations/0001_initial.py');
  });
});
