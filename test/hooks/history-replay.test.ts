// A scripted history replayed through the real pre-commit hook: each commit gets the expected verdict.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHookedRepo, type HookedRepo } from './helpers/hooked-repo.js';

let repo: HookedRepo;

beforeAll(async () => {
  repo = await createHookedRepo();
});

afterAll(async () => {
  await repo?.remove();
});

interface Step {
  name: string;
  /** Changes the working tree and stages what this commit should contain. */
  apply(): Promise<void>;
  expected: 'pass' | 'block';
  /** Text the hook's output must contain. */
  says: string;
  /** After a blocked step: drop its changes (otherwise the next step builds on them, as a developer fixing it would). */
  abandon?: boolean;
}

const edit = async (file: string, from: string, to: string) => {
  const source = await repo.read(file);
  if (!source.includes(from)) throw new Error(`${file} does not contain ${from}`);
  await repo.write(file, source.replace(from, to));
};
const emptyMigration = (app: string, parent: string) =>
  `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("${app}", "${parent}")]\n    operations = []\n`;

const steps: Step[] = [
  {
    name: 'add Product.weight without a migration',
    apply: async () => {
      await repo.addProductField('weight = models.IntegerField(default=0)');
      await repo.gitOk('add', 'catalog/models.py');
    },
    expected: 'block',
    says: '- Add field weight to product',
  },
  {
    name: 'add its migration',
    apply: async () => {
      await repo.makemigrations('catalog', 'product_weight');
      await repo.gitOk('add', 'catalog');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'docstring on Category',
    apply: async () => {
      await edit('catalog/models.py', 'class Category(models.Model):\n', 'class Category(models.Model):\n    """A product category."""\n\n');
      await repo.gitOk('add', 'catalog/models.py');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'method on Order',
    apply: async () => {
      await edit('orders/models.py', 'class Order(models.Model):\n', 'class Order(models.Model):\n    def is_paid(self):\n        return self.status == "paid"\n\n');
      await repo.gitOk('add', 'orders/models.py');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'rename weight to mass without a migration',
    apply: async () => {
      await edit('catalog/models.py', 'weight = models.IntegerField(default=0)', 'mass = models.IntegerField(default=0)');
      await repo.gitOk('add', 'catalog/models.py');
    },
    expected: 'block',
    says: 'catalog: the models changed but no migration for the change is staged',
  },
  {
    name: 'add the rename migration',
    apply: async () => {
      await repo.makemigrations('catalog', 'product_mass');
      await repo.gitOk('add', 'catalog');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'non-null Tag.slug without a default',
    apply: async () => {
      await edit('catalog/models.py', '    label = models.CharField(max_length=50, unique=True)\n', '    label = models.CharField(max_length=50, unique=True)\n    slug = models.SlugField()\n');
      await repo.gitOk('add', 'catalog/models.py');
    },
    expected: 'block',
    says: 'non-null field tag.slug without a default',
  },
  {
    name: 'give slug a default and add its migration',
    apply: async () => {
      await edit('catalog/models.py', 'slug = models.SlugField()', "slug = models.SlugField(default='')");
      await repo.makemigrations('catalog', 'tag_slug');
      await repo.gitOk('add', 'catalog');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'widen Order.status without a migration',
    apply: async () => {
      await edit('orders/models.py', 'max_length=10', 'max_length=20');
      await repo.gitOk('add', 'orders/models.py');
    },
    expected: 'block',
    says: '- Alter field status on order',
  },
  {
    name: 'add its migration',
    apply: async () => {
      await repo.makemigrations('orders', 'order_status_length');
      await repo.gitOk('add', 'orders');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'edit a migration that is already on origin',
    apply: async () => {
      await edit('orders/migrations/0002_order_status.py', "default='new'", "default='paid'");
      await repo.gitOk('add', 'orders/migrations/0002_order_status.py');
    },
    expected: 'block',
    says: 'Edits a migration that is already on origin/main',
    abandon: true,
  },
  {
    name: 'a second catalog 0006 beside the first (two leaves, one number)',
    apply: async () => {
      await repo.write('catalog/migrations/0006_other.py', emptyMigration('catalog', '0005_product_weight'));
      await repo.gitOk('add', 'catalog/migrations/0006_other.py');
    },
    expected: 'block',
    says: 'catalog: the migrations have 2 leaves',
    abandon: true,
  },
  {
    name: 'settings change only: orders migrations moved to a module that does not exist',
    apply: async () => {
      await repo.write('hcat/settings.py', `${await repo.read('hcat/settings.py')}\nMIGRATION_MODULES = {'orders': 'orders.migrations_moved'}\n`);
      await repo.gitOk('add', 'hcat/settings.py');
    },
    expected: 'block',
    says: '- Create model Order',
    abandon: true,
  },
  {
    name: 'an empty hand-written migration (no model change)',
    apply: async () => {
      await repo.write('catalog/migrations/0008_noop.py', emptyMigration('catalog', '0007_tag_slug'));
      await repo.gitOk('add', 'catalog/migrations/0008_noop.py');
    },
    expected: 'pass',
    says: 'models and migrations agree',
  },
  {
    name: 'documentation only',
    apply: async () => {
      await repo.write('docs/models.md', '# Models\n');
      await repo.gitOk('add', 'docs/models.md');
    },
    expected: 'pass',
    says: '',
  },
];

test(`a scripted history of ${steps.length} commits gets the expected verdict at every commit`, async () => {
  const outcomes: string[] = [];
  const problems: string[] = [];
  for (const [index, step] of steps.entries()) {
    if (index === 10) await repo.gitOk('push', '-q', '--no-verify', 'origin', 'main');
    await step.apply();
    const result = await repo.git(['commit', '-m', step.name]);
    const actual = result.exitCode === 0 ? 'pass' : 'block';
    outcomes.push(`${index + 1}. ${step.name}: ${actual}`);
    if (step.says && !result.output.includes(step.says)) problems.push(`${index + 1}. ${step.name}: output lacks "${step.says}":\n${result.output}`);
    if (actual === 'block' && step.abandon) {
      await repo.gitOk('reset', '-q', '--hard', 'HEAD');
      await repo.gitOk('clean', '-q', '-fd', '--', 'catalog', 'orders');
    }
  }
  expect(outcomes).toEqual(steps.map((step, index) => `${index + 1}. ${step.name}: ${step.expected}`));
  expect(problems).toEqual([]);
  // Every passing step became a commit, in order; no blocked one did.
  const root = await repo.gitOk('rev-list', '--max-parents=0', 'HEAD');
  const log = (await repo.gitOk('log', '--format=%s', `${root}..HEAD`)).split('\n').reverse();
  expect(log).toEqual(steps.filter((step) => step.expected === 'pass').map((step) => step.name));
});
