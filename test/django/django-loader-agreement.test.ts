// Our parser + graph must see what Django 3.2's own MigrationLoader sees: leaves, roots, nodes,
// conflicts and migrate plans, on the fixture project and on a generated 50 x 100 project, with and
// without applied migrations (squash handling). Runs the real Django at /usr/bin/python3.
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppMigrations } from '../../src/django/migration-files.js';
import { MigrationGraph, comparePythonStrings } from '../../src/django/migration-graph.js';
import { migrationId } from '../../src/django/migration-types.js';
import type { ParsedMigration } from '../../src/django/migration-types.js';
import { DJANGO_PYTHON, FIXTURE_DIR, PROJECT_ROOT } from '../helpers/fixture-project.js';
import { generateDjangoProject, type GeneratedDjangoProject } from '../helpers/generate-django-project.js';

const SCRIPT = path.join(PROJECT_ROOT, 'src/django/python/django_migration_graph.py');
// Keep Python from writing __pycache__ into the fixture project.
const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: '1' };

interface GraphView {
  apps: Record<string, { leaves: string[]; roots: string[]; nodes: string[] }>;
  conflicts: Record<string, string[]>;
  plan: [string, string][];
  pendingPlan: [string, string][];
  applied: string[];
}

type DjangoAnswer = GraphView | { error: { type: string; message: string } };

async function djangoView(projectDir: string, settingsModule: string, apps: string[], applied?: string[]): Promise<DjangoAnswer> {
  const args = [SCRIPT, '--project', projectDir, '--settings', settingsModule];
  for (const id of applied ?? []) args.push('--applied', id);
  const result = await execa(DJANGO_PYTHON, [...args, ...apps], { env: PYTHON_ENV, reject: false });
  if (result.exitCode !== 0 && !result.stdout.startsWith('{"error"')) {
    throw new Error(`django_migration_graph.py failed (exit ${result.exitCode}):\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as DjangoAnswer;
}

async function loadMigrations(projectDir: string, apps: string[]): Promise<ParsedMigration[]> {
  const perApp = await Promise.all(apps.map((app) => loadAppMigrations(app, path.join(projectDir, app, 'migrations'))));
  return perApp.flat();
}

function ourView(graph: MigrationGraph, migrations: ParsedMigration[], apps: string[], applied: string[] = []): GraphView {
  const guarded = new Set(apps);
  const names = (keys: { name: string }[]) => keys.map((key) => key.name);
  const candidates = new Set([...applied, ...migrations.map(migrationId)]);
  return {
    apps: Object.fromEntries(
      [...apps].sort(comparePythonStrings).map((app) => [app, { leaves: names(graph.leaves(app)), roots: names(graph.roots(app)), nodes: names(graph.nodes(app)) }]),
    ),
    conflicts: Object.fromEntries(graph.conflicts().map((conflict) => [conflict.app, conflict.leaves])),
    plan: graph.migratePlan().map((key) => [key.app, key.name]),
    pendingPlan: graph.pendingPlan().map((key) => [key.app, key.name]),
    applied: [...candidates]
      .filter((id) => guarded.has(id.split('.')[0]!) && graph.isApplied({ app: id.split('.')[0]!, name: id.slice(id.indexOf('.') + 1) }))
      .sort(comparePythonStrings),
  };
}

beforeAll(async () => {
  // No skipping: without Django these tests would prove nothing, so say so loudly.
  const probe = await execa(DJANGO_PYTHON, ['-c', 'import django; print(django.get_version())'], { reject: false });
  if (probe.exitCode !== 0) {
    throw new Error(`${DJANGO_PYTHON} cannot import django (${probe.stderr.trim().split('\n').at(-1)}). Install it with: apt-get install python3-django`);
  }
  expect(probe.stdout.trim()).toMatch(/^3\.2\./);
});

describe('agreement with Django on the fixture project (hcat)', () => {
  const apps = ['catalog', 'orders'];
  const settings = { AUTH_USER_MODEL: 'auth.User' };

  // Squash catalog/0001_squashed_0002 replaces 0001_initial and 0002_product_category_price.
  const cases: [string, string[] | undefined][] = [
    ['nothing applied (no database)', undefined],
    ['the replaced migrations applied', ['catalog.0001_initial', 'catalog.0002_product_category_price']],
    ['part of the replaced migrations applied', ['catalog.0001_initial']],
    ['only the squash itself recorded', ['catalog.0001_squashed_0002_product_category_price']],
    ['everything applied but orders.0002', ['catalog.0001_initial', 'catalog.0002_product_category_price', 'catalog.0003_populate_categories', 'catalog.0004_tags_and_sku', 'orders.0001_initial']],
  ];

  it.each(cases)('%s', async (_label, applied) => {
    const migrations = await loadMigrations(FIXTURE_DIR, apps);
    const graph = new MigrationGraph(migrations, { applied: new Set(applied ?? []), settings });
    const django = await djangoView(FIXTURE_DIR, 'hcat.settings', apps, applied);
    expect(ourView(graph, migrations, apps, applied)).toEqual(django);
    expect(graph.missingDependencies()).toEqual([]);
  });

  it('records the swappable dependency on auth as external', async () => {
    const graph = new MigrationGraph(await loadMigrations(FIXTURE_DIR, apps), { settings });
    expect(graph.externalDependencies()).toEqual([
      expect.objectContaining({ from: { app: 'orders', name: '0001_initial' }, target: { app: 'auth', name: '__first__' }, setting: 'AUTH_USER_MODEL' }),
    ]);
  });
});

describe('agreement with Django on a generated 50 x 100 project', () => {
  let project: GeneratedDjangoProject;
  let migrations: ParsedMigration[];
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mg-bigproj-'));
    const started = performance.now();
    project = await generateDjangoProject(root, { apps: 50, migrationsPerApp: 100 });
    const generated = performance.now();
    migrations = await loadMigrations(root, project.apps);
    const loaded = performance.now();
    const graph = new MigrationGraph(migrations);
    graph.migratePlan();
    const planned = performance.now();
    console.log(
      `generated ${project.migrationFiles} migrations in ${(generated - started).toFixed(0)} ms; ` +
        `read + parsed in ${(loaded - generated).toFixed(0)} ms; graph + plan in ${(planned - loaded).toFixed(0)} ms`,
    );
    expect(migrations).toHaveLength(project.migrationFiles);
    // Loose bounds that still catch quadratic work; the numbers above are the real measure.
    expect(loaded - generated).toBeLessThan(5000);
    expect(planned - loaded).toBeLessThan(2000);
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('has the same leaves, roots, nodes and migrate plan', async () => {
    const graph = new MigrationGraph(migrations);
    const django = await djangoView(root, project.settingsModule, project.apps);
    expect(ourView(graph, migrations, project.apps)).toEqual(django);
    // The project exercises what it should: a merge, squashes, cross-app and __first__/__latest__ edges.
    expect(graph.duplicateNumbers().map((duplicate) => duplicate.app)).toEqual(['app005', 'app022', 'app039']);
    expect(graph.replacements().map((squash) => migrationId(squash.squashed))).toEqual([
      'app003.0001_squashed_0005_item_f5', 'app013.0001_squashed_0005_item_f5', 'app023.0001_squashed_0005_item_f5',
      'app033.0001_squashed_0005_item_f5', 'app043.0001_squashed_0005_item_f5',
    ]);
    expect(graph.missingDependencies()).toEqual([]);
    expect(graph.conflicts()).toEqual([]);
  });

  it('has the same pending plan with the first half of every app applied', async () => {
    const applied = migrations.filter((m) => Number(m.name.slice(0, 4)) <= 50 && m.replaces.length === 0).map(migrationId);
    // app003's squashed-away files are gone from disk but still recorded as applied.
    applied.push('app003.0001_initial', 'app003.0002_item_f2', 'app003.0003_item_f3');
    const graph = new MigrationGraph(migrations, { applied: new Set(applied) });
    const django = await djangoView(root, project.settingsModule, project.apps, applied);
    expect(ourView(graph, migrations, project.apps, applied)).toEqual(django);
  });

  it('has the same plans when squashes are partially applied', async () => {
    const partial = ['app013', 'app023', 'app033', 'app043'].flatMap((app) => [`${app}.0001_initial`, `${app}.0002_item_f2`]);
    const applied = [...partial, 'app000.0001_initial', 'app003.0001_initial', 'app003.0002_item_f2', 'app003.0003_item_f3', 'app003.0004_item_f4', 'app003.0005_item_f5'];
    const graph = new MigrationGraph(migrations, { applied: new Set(applied) });
    const django = await djangoView(root, project.settingsModule, project.apps, applied);
    expect(ourView(graph, migrations, project.apps, applied)).toEqual(django);
    expect(graph.replacements().filter((squash) => !squash.used).map((squash) => squash.squashed.app)).toEqual(['app013', 'app023', 'app033', 'app043']);
  });

  it('fails where Django fails: a partially applied squash whose replaced files are gone', async () => {
    // app003 lost 0001-0003 after squashing; with only some of them applied the squash cannot be used.
    const applied = ['app003.0001_initial'];
    const graph = new MigrationGraph(migrations, { applied: new Set(applied) });
    const django = await djangoView(root, project.settingsModule, project.apps, applied);
    expect(django).toMatchObject({ error: { type: 'NodeNotFoundError' } });
    expect(graph.missingDependencies().map((missing) => (missing.kind === 'migration' ? migrationId(missing.missing) : missing.setting))).toEqual([
      'app003.0002_item_f2', 'app003.0003_item_f3',
    ]);
  });
});

describe('the generated project is a valid Django project', () => {
  let root: string;

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('needs no new migrations (makemigrations --check) and agrees with Django when a file is deleted', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mg-smallproj-'));
    // Nine apps x 60 reach every feature: swappable (app001), __first__ (app002), squash with
    // deleted files (app003), __latest__ (app004), merge (app005), run_before (app007 -> app008).
    const project = await generateDjangoProject(root, { apps: 9, migrationsPerApp: 60, otherFiles: 10 });
    const check = await execa(DJANGO_PYTHON, ['manage.py', 'makemigrations', '--check', '--dry-run'], { cwd: root, env: PYTHON_ENV, reject: false });
    expect(check.stdout + check.stderr).toContain('No changes detected');
    expect(check.exitCode).toBe(0);

    // Deleting a migration others depend on: Django refuses, we report the same dependency.
    await unlink(path.join(root, 'app006/migrations/0030_item_f30.py'));
    const migrations = await loadMigrations(root, project.apps);
    const graph = new MigrationGraph(migrations);
    const django = await djangoView(root, project.settingsModule, project.apps);
    expect(django).toMatchObject({ error: { type: 'NodeNotFoundError' } });
    expect(JSON.stringify(django)).toContain("('app006', '0030_item_f30')");
    expect(graph.missingDependencies()).toEqual([
      expect.objectContaining({ kind: 'migration', from: { app: 'app006', name: '0031_item_f31' }, missing: { app: 'app006', name: '0030_item_f30' } }),
    ]);
  });
});
