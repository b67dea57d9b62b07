// Migration files Django imports but a literal reader would not: a parenthesised concatenation, a
// name bound earlier, `class Migration` chosen by try/except or by a module-level if/else. The hooks,
// `status` and `drift` answer for them (the last two through Django's loader), and show the app's other
// migrations as usual.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { manage, runCli } from '../helpers/fixture-project.js';
import { createHookedRepo, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;
let db: TestDatabase;

const sql = (text: string) => `migrations.RunSQL('${text}', migrations.RunSQL.noop)`;
const FILES: Record<string, string> = {
  'orders/migrations/0003_concatenated.py': `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('orders', '0002_order_status')]
    operations = (
        [${sql('SELECT 1')}]
        + [${sql('SELECT 2')}]
    )
`,
  'orders/migrations/0004_named.py': `from django.db import migrations

ops = [${sql('SELECT 3')}]


class Migration(migrations.Migration):
    dependencies = [('orders', '0003_concatenated')]
    operations = ops
`,
  'orders/migrations/0005_conditional.py': `from django.db import migrations

try:
    import migration_guard_no_such_module  # noqa: F401

    class Migration(migrations.Migration):
        dependencies = [('orders', '0004_named'), ('catalog', '0004_tags_and_sku')]
        operations = [${sql('SELECT 4')}]
except ImportError:
    class Migration(migrations.Migration):
        dependencies = [('orders', '0004_named')]
        operations = []
`,
  'orders/migrations/0006_if_else.py': `import django
from django.db import migrations

if django.VERSION >= (3, 0):
    class Migration(migrations.Migration):
        dependencies = [('orders', '0005_conditional')]
        operations = [${sql('SELECT 5')}]
else:
    class Migration(migrations.Migration):
        dependencies = [('orders', '0005_conditional')]
        operations = []
`,
};

beforeAll(async () => {
  db = await createTestDatabase('unusual');
  repo = await createHookedRepo();
}, 120_000);

afterAll(async () => {
  await repo?.remove();
  await db?.drop();
});

describe('migrations only Python reads plainly', () => {
  test('pre-commit and pre-push check them (no unreadable warning), status lists them', async () => {
    for (const [file, source] of Object.entries(FILES)) await repo.write(file, source);
    await repo.gitOk('add', 'orders/migrations');
    const commit = await repo.git(['commit', '-m', 'Unusual migrations']);
    expect(commit.exitCode, commit.output).toBe(0);
    expect(commit.output).toContain('models and migrations agree');
    expect(commit.output).not.toContain('Cannot read');

    // A second leaf next to the conditional migration is seen through Django's reading of it.
    await repo.write('orders/migrations/0005_other.py', `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('orders', '0004_named')]\n    operations = []\n`);
    await repo.gitOk('add', 'orders/migrations/0005_other.py');
    const conflict = await repo.git(['commit', '-m', 'A second 0005']);
    expect(conflict.exitCode).toBe(1);
    expect(conflict.output).toContain('orders/migrations/0005_conditional.py');
    expect(conflict.output).toContain('orders/migrations/0005_other.py');
    await repo.gitOk('rm', '-q', '--cached', 'orders/migrations/0005_other.py');
    await repo.gitOk('clean', '-q', '-f', '--', 'orders/migrations');

    const push = await repo.git(['push', 'origin', 'main']);
    expect(push.exitCode, push.output).toBe(0);
    expect(push.output).not.toContain('Cannot read');

    const status = await runCli(['status', '--json'], { cwd: repo.dir, env: db.env });
    expect(status.stderr).not.toContain('internal error');
    const json = JSON.parse(status.stdout) as { apps: Array<{ app: string; pending: string[] }> };
    expect(json.apps.find((app) => app.app === 'orders')!.pending).toEqual(['0001_initial', '0002_order_status', '0003_concatenated', '0004_named', '0005_conditional', '0006_if_else']);
  }, 120_000);

  test('drift builds its reference through them and finds the migrated database in step', async () => {
    const migrated = await manage(repo.dir, ['migrate', '--noinput'], db.env);
    expect(migrated.exitCode, migrated.stderr).toBe(0);
    const drift = await runCli(['drift', '--json'], { cwd: repo.dir, env: db.env });
    expect(drift.stderr).not.toContain('internal error');
    const json = JSON.parse(drift.stdout) as { tables: unknown[]; migrations: { notApplied: string[]; appliedUnknown: string[] } };
    expect(json.tables).toEqual([]);
    expect(json.migrations).toMatchObject({ notApplied: [], appliedUnknown: [] });
    expect(drift.exitCode, drift.stderr).toBe(0);
  }, 120_000);

  test('a file Django cannot load either: a user error naming the file and line, never an internal error', async () => {
    await repo.write('orders/migrations/0007_broken.py', `from django.db import migrations\n\nif True:\n    class Migration(migrations.Migration):\n        dependencies = [('orders', '0006_if_else')]\nelse:\n    class Migration(migrations.Migration):\n        dependencies = [('orders', 'nope')]\n\nraise RuntimeError('broken on purpose')\n`);
    try {
      const status = await runCli(['status'], { cwd: repo.dir, env: db.env });
      expect(status.exitCode).toBe(2);
      expect(status.stderr).not.toContain('internal error');
      expect(status.stderr).toContain('0007_broken.py, line 10');
      expect(status.stderr).toContain('RuntimeError: broken on purpose');
    } finally {
      await repo.gitOk('clean', '-q', '-f', '--', 'orders/migrations');
    }
  });
});
