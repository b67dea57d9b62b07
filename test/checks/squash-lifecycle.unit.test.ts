// Which published changes are steps of the squash lifecycle (pure logic, on parsed migrations).
import { describe, expect, test } from 'vitest';
import { parseMigrationSource } from '../../src/django/migration-parser.js';
import { splitSquashLifecycle } from '../../src/checks/squash-lifecycle.js';
import type { PublishedChange } from '../../src/checks/published-migrations.js';

const file = (name: string) => `shop/migrations/${name}.py`;
const migration = (name: string, body: string) =>
  parseMigrationSource('shop', name, file(name), `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n${body}\n`);
const change = (name: string, status: 'M' | 'D'): PublishedChange => ({ path: file(name), app: 'shop', status, publishedOn: 'origin/main' });

const SQUASH_BODY = "    dependencies = []\n    operations = [migrations.CreateModel(name='Item', fields=[('id', models.AutoField(primary_key=True))])]";
const squashPublished = migration('0001_squashed_0002', `    replaces = [('shop', '0001_initial'), ('shop', '0002_item_code')]\n${SQUASH_BODY}`);
const squashNow = migration('0001_squashed_0002', SQUASH_BODY);
const dependantPublished = migration('0003_later', "    dependencies = [('shop', '0002_item_code')]\n    operations = []");
const dependantNow = migration('0003_later', "    dependencies = [('shop', '0001_squashed_0002')]\n    operations = []");

describe('splitSquashLifecycle', () => {
  test('deleting what the squash replaced, removing `replaces` and re-pointing a dependant are lifecycle steps', () => {
    const split = splitSquashLifecycle(
      [change('0001_initial', 'D'), change('0002_item_code', 'D'), change('0001_squashed_0002', 'M'), change('0003_later', 'M')],
      { current: [squashNow, dependantNow], publishedVersions: new Map([[file('0001_squashed_0002'), squashPublished], [file('0003_later'), dependantPublished]]) },
    );
    expect(split.blocked).toEqual([]);
    expect(split.allowed.map(({ change: c, squash }) => `${c.path} ${squash.name}`)).toEqual([
      'shop/migrations/0001_initial.py 0001_squashed_0002',
      'shop/migrations/0002_item_code.py 0001_squashed_0002',
      'shop/migrations/0001_squashed_0002.py 0001_squashed_0002',
      'shop/migrations/0003_later.py 0001_squashed_0002',
    ]);
  });

  test('an edit that also changes operations, or a deletion no squash covers, stays blocked', () => {
    const squashEdited = migration('0001_squashed_0002', "    dependencies = []\n    operations = []");
    const split = splitSquashLifecycle([change('0001_squashed_0002', 'M'), change('0003_later', 'D')], {
      current: [squashEdited],
      publishedVersions: new Map([[file('0001_squashed_0002'), squashPublished]]),
    });
    expect(split.allowed).toEqual([]);
    expect(split.blocked.map((c) => c.path)).toEqual(['shop/migrations/0001_squashed_0002.py', 'shop/migrations/0003_later.py']);
  });
});
