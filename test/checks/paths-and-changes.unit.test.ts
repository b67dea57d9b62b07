import { describe, expect, test } from 'vitest';
import { affectsDjangoVerdict, appOf, appsWithMigrationChanges, isSettingsFile, migrationOf, migrationPathOf, type ProjectPaths } from '../../src/checks/project-paths.js';
import { findUntrackedMigrations, untrackedMigrationProblem } from '../../src/checks/untracked-migrations.js';
import { findPublishedMigrationChanges, publishedChangeProblems } from '../../src/checks/published-migrations.js';
import { summarizeMigrationChanges } from '../../src/checks/migration-changes.js';
import { djangoVerdictProblems } from '../../src/checks/django-verdict.js';

const project: ProjectPaths = {
  apps: [
    { label: 'catalog', dir: 'src/catalog', migrationsDir: 'src/catalog/migrations' },
    { label: 'orders', dir: 'src/orders', migrationsDir: 'src/orders/migrations' },
  ],
  settings: ['src/site/settings'],
  managePy: 'src/manage.py',
  projectDir: 'src',
};

describe('project paths', () => {
  test('classifies paths: apps, migration modules, settings package', () => {
    expect(appOf('src/catalog/models/product.py', project)?.label).toBe('catalog');
    expect(migrationOf('src/catalog/migrations/0005_x.py', project)).toEqual({ app: 'catalog', name: '0005_x', path: 'src/catalog/migrations/0005_x.py' });
    expect(migrationOf('src/catalog/migrations/__init__.py', project)).toBeNull();
    expect(migrationOf('src/catalog/migrations/helpers/util.py', project)).toBeNull();
    expect(isSettingsFile('src/site/settings/base.py', project)).toBe(true);
    expect(affectsDjangoVerdict('src/catalog/templates/x.html', project)).toBe(false);
    expect(affectsDjangoVerdict('src/tools/script.py', project)).toBe(false);
    expect(affectsDjangoVerdict('src/orders/views.py', project)).toBe(true);
  });

  test('apps with migration changes (in configuration order) and migration file paths', () => {
    const changes = [{ path: 'src/orders/migrations/0003_x.py' }, { path: 'src/catalog/models.py' }, { path: 'src/catalog/migrations/0005_y.py' }, { path: 'src/orders/migrations/0004_z.py' }];
    expect(appsWithMigrationChanges(changes, project).map((app) => app.label)).toEqual(['catalog', 'orders']);
    expect(appsWithMigrationChanges([{ path: 'src/catalog/migrations/__init__.py' }], project)).toEqual([]);
    const pathOf = migrationPathOf(project);
    expect(pathOf('orders', '0003_x')).toBe('src/orders/migrations/0003_x.py');
    expect(pathOf('auth', '0001_initial')).toBe('auth/0001_initial.py'); // not a guarded app: named by its label
  });

  test('untracked migrations: only migration modules of guarded apps, one problem with the git add', () => {
    const found = findUntrackedMigrations(['src/catalog/migrations/0005_x.py', 'src/catalog/migrations/notes.txt', 'src/other/migrations/0001_a.py'], project);
    expect(found.map((m) => m.path)).toEqual(['src/catalog/migrations/0005_x.py']);
    expect(untrackedMigrationProblem(found)?.fix).toContain('git add src/catalog/migrations/0005_x.py');
    expect(untrackedMigrationProblem([])).toBeNull();
  });

  test('published migration changes: edits and deletions of published files only', () => {
    const published = new Map([['src/orders/migrations/0001_initial.py', 'origin/main']]);
    const changes = findPublishedMigrationChanges(
      [
        { status: 'M', path: 'src/orders/migrations/0001_initial.py' },
        { status: 'M', path: 'src/orders/migrations/0002_local.py' },
        { status: 'A', path: 'src/orders/migrations/0003_new.py' },
      ],
      published,
      project,
    );
    expect(changes).toEqual([{ path: 'src/orders/migrations/0001_initial.py', app: 'orders', status: 'M', publishedOn: 'origin/main' }]);
    const [problem] = publishedChangeProblems(changes, 'others may have applied it');
    expect(problem!.title).toBe('Edits a migration that is already on origin/main (others may have applied it)');
    expect(problem!.fix).toContain('python manage.py makemigrations orders');
  });

  test('summarizes arrived, vanished and changed migrations', () => {
    const summary = summarizeMigrationChanges(
      [
        { status: 'A', path: 'src/catalog/migrations/0005_a.py' },
        { status: 'D', path: 'src/orders/migrations/0003_b.py' },
        { status: 'M', path: 'src/orders/migrations/0002_c.py' },
        { status: 'M', path: 'src/orders/models.py' },
      ],
      project,
    );
    expect([summary.arrived, summary.vanished, summary.changed].map((list) => list.map((m) => `${m.app}.${m.name}`))).toEqual([['catalog.0005_a'], ['orders.0003_b'], ['orders.0002_c']]);
  });
});

describe('djangoVerdictProblems', () => {
  const options = { where: 'staged', changedApps: ['catalog'], untrackedByApp: new Map<string, string[]>(), failClosed: true, checkedWithoutDjango: 'the rest', python: { path: 'python3', source: 'default (python3 on PATH)', tried: ['.venv/bin/python (absent)'] }, settingsModule: 'shop.settings' };

  test('out of sync: one problem per app with what Django would write', () => {
    const problems = djangoVerdictProblems(
      { kind: 'out-of-sync', migrations: [{ app: 'catalog', path: 'src/catalog/migrations/0005_w.py', operations: ['Add field w to product'] }] },
      options,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.details).toEqual(["Django's makemigrations would create:", '  src/catalog/migrations/0005_w.py', '    - Add field w to product']);
    expect(problems[0]!.fix).toBe('python manage.py makemigrations catalog   then: git add src/catalog/migrations/');
  });

  test('could not run: blocking by default, a warning only with failClosed false', () => {
    const verdict = { kind: 'could-not-run' as const, cause: 'no-django' as const, reason: 'no Django', output: 'Traceback\nImportError: No module named django' };
    expect(djangoVerdictProblems(verdict, options)[0]!.severity).toBe('block');
    expect(djangoVerdictProblems(verdict, { ...options, failClosed: false })[0]!.severity).toBe('warn');
    const [problem] = djangoVerdictProblems(verdict, options);
    expect(problem!.details).toContain('Checked without Django: the rest.');
    expect(problem!.details).toContain('  .venv/bin/python (absent)');
    expect(problem!.fix).toContain('npx migration-guard install --python');
  });

  test('could not run because the settings do not import: the fix names the settings module', () => {
    const verdict = { kind: 'could-not-run' as const, cause: 'settings' as const, reason: 'the settings do not import', output: '' };
    const [problem] = djangoVerdictProblems(verdict, { ...options, settingsModule: null });
    expect(problem!.fix).toContain('export DJANGO_SETTINGS_MODULE=');
  });

  test('no settings module in the tree: nothing to block', () => {
    expect(djangoVerdictProblems({ kind: 'no-settings', settingsModule: null }, options)).toEqual([]);
  });
});
