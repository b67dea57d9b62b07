// Writes a large, deterministic Django project (settings module `bigproj.settings`) for agreement
// tests and benchmarks: N apps app000.., each with models.py and M migrations whose dependencies form
// a realistic DAG (predecessor chains, cross-app dependencies, __first__/__latest__, a swappable
// dependency, squashed migrations, run_before, a merge) in varied formatting.
//
// models.py matches the state the migrations build, so `manage.py makemigrations --check --dry-run`
// reports no changes (checked by the agreement test on a small project), not just MigrationLoader.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface GenerateDjangoProjectOptions {
  apps: number;
  migrationsPerApp: number;
  /** Extra files outside the apps (static/, docs/), for benchmarks that walk the tree. */
  otherFiles?: number;
}

export interface GeneratedDjangoProject {
  dir: string;
  settingsModule: string;
  apps: string[];
  /** Number of migration modules written (squashed ones included, deleted replaced ones not). */
  migrationFiles: number;
}

/** Code of one field, as a migration writes it and as models.py declares it. */
interface FieldCode {
  migration: string;
  model: string;
}

type Operation =
  | { op: 'CreateModel'; model: string; fields: [string, FieldCode][] }
  | { op: 'AddField'; model: string; name: string; field: FieldCode }
  | { op: 'AlterField'; model: string; name: string; field: FieldCode }
  | { op: 'RemoveField'; model: string; name: string }
  | { op: 'RunPython'; withFunction: boolean };

type Dependency = { app: string; name: string } | { swappable: true };

interface MigrationPlan {
  name: string;
  dependencies: Dependency[];
  operations: Operation[];
  replaces?: string[];
  runBefore?: { app: string; name: string }[];
  initial?: boolean;
}

const SETTINGS_MODULE = 'bigproj.settings';
const SQUASH_END = 5;
const ID_FIELD: FieldCode = {
  migration: "models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')",
  model: '',
};

/** Writes the project into `dir` (which may already exist) and describes what it wrote. */
export async function generateDjangoProject(dir: string, options: GenerateDjangoProjectOptions): Promise<GeneratedDjangoProject> {
  const { apps: appCount, migrationsPerApp: count, otherFiles = 0 } = options;
  if (appCount < 1 || count < 1) throw new Error('generateDjangoProject needs at least one app and one migration');
  const apps = Array.from({ length: appCount }, (_, i) => appLabel(i));
  const files = new Map<string, string>();

  files.set('manage.py', MANAGE_PY);
  files.set('bigproj/__init__.py', '');
  files.set('bigproj/urls.py', 'urlpatterns = []\n');
  files.set('bigproj/settings.py', settingsPy(apps));

  let migrationFiles = 0;
  for (let i = 0; i < appCount; i++) {
    const app = apps[i]!;
    const plans = planAppMigrations(i, count, appCount);
    files.set(`${app}/__init__.py`, '');
    files.set(`${app}/migrations/__init__.py`, '');
    files.set(`${app}/models.py`, modelsPy(finalState(plans.filter((plan) => !plan.replaces))));
    for (const plan of plans) {
      if (isDeletedAfterSquash(i, count, plan.name)) continue;
      files.set(`${app}/migrations/${plan.name}.py`, migrationPy(app, plan, i * 1000 + migrationNumber(plan.name)));
      migrationFiles++;
    }
  }
  for (let n = 0; n < otherFiles; n++) {
    const folder = n % 2 === 0 ? `static/css/part${Math.floor(n / 200)}` : `docs/section${Math.floor(n / 200)}`;
    files.set(`${folder}/file${n}.${n % 2 === 0 ? 'css' : 'md'}`, n % 2 === 0 ? `.c${n} { color: #${(n % 4096).toString(16).padStart(3, '0')}; }\n` : `# Page ${n}\n`);
  }

  writeAll(dir, files);
  return { dir, settingsModule: SETTINGS_MODULE, apps, migrationFiles };
}

// ----- The dependency structure -------------------------------------------------------------

function appLabel(i: number): string {
  return `app${String(i).padStart(3, '0')}`;
}

function migrationName(k: number): string {
  return k === 1 ? '0001_initial' : `${String(k).padStart(4, '0')}_item_f${k}`;
}

function migrationNumber(name: string): number {
  return Number(/^\d+/.exec(name)![0]);
}

function squashName(): string {
  return `0001_squashed_${String(SQUASH_END).padStart(4, '0')}_item_f${SQUASH_END}`;
}

function hasSquash(i: number, count: number): boolean {
  return i % 10 === 3 && count > SQUASH_END;
}

// In app003 the squashed-away files 0001-0003 were deleted, as teams do once everyone migrated.
function isDeletedAfterSquash(i: number, count: number, name: string): boolean {
  return i === 3 && hasSquash(i, count) && migrationNumber(name) <= 3 && !name.includes('squashed');
}

// Every migration follows its predecessor; on top of that, by rule of the app index i and number k:
// cross-app dependencies every 10th migration, __first__ / __latest__ / swappable dependencies in some
// apps, run_before in a few, a merge (two 0050s) in a few, and a squash of 0001-0005 in every tenth app.
function planAppMigrations(i: number, count: number, appCount: number): MigrationPlan[] {
  const app = appLabel(i);
  const fields = new Map<string, string>(); // field name -> kind, to know what can be altered/removed
  const plans: MigrationPlan[] = [];
  const mergeApp = i % 17 === 5 && count > 51;

  for (let k = 1; k <= count; k++) {
    const dependencies: Dependency[] = [];
    const operations: Operation[] = [];
    const plan: MigrationPlan = { name: migrationName(k), dependencies, operations };
    if (k === 1) {
      plan.initial = true;
      const itemFields: [string, FieldCode][] = [['id', ID_FIELD], ['name', sameCode("models.CharField(max_length=100)")]];
      if (i % 8 === 1) {
        dependencies.push({ swappable: true });
        itemFields.push(['owner', {
          migration: "models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)",
          model: "models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')",
        }]);
      }
      operations.push({ op: 'CreateModel', model: 'Item', fields: itemFields });
    } else {
      const previous = migrationName(k - 1);
      if (mergeApp && k === 51) {
        dependencies.push({ app, name: previous }, { app, name: '0050_parallel_b' });
      } else if (hasSquash(i, count) && k === SQUASH_END + 1 && i % 20 === 13) {
        dependencies.push({ app, name: squashName() }); // written against the squash itself
      } else {
        dependencies.push({ app, name: previous });
      }
      const kind = ['int', 'char', 'bool', 'text'][k % 4]!;
      fields.set(`f${k}`, kind);
      operations.push({ op: 'AddField', model: 'Item', name: `f${k}`, field: fieldCode(kind) });
      if (k % 6 === 0 && fields.has(`f${k - 3}`)) {
        operations.push({ op: 'AlterField', model: 'Item', name: `f${k - 3}`, field: sameCode(`models.IntegerField(default=${k})`) });
      }
      if (k % 11 === 0 && fields.has(`f${k - 5}`)) {
        fields.delete(`f${k - 5}`);
        operations.push({ op: 'RemoveField', model: 'Item', name: `f${k - 5}` });
      }
      if (k % 7 === 0) operations.push({ op: 'RunPython', withFunction: k % 14 === 0 });
      if (k % 25 === 0) {
        operations.push({
          op: 'CreateModel',
          model: `Tag${k}`,
          fields: [
            ['id', ID_FIELD],
            ['label', sameCode('models.CharField(max_length=50)')],
            ['item', {
              migration: `models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='${app}.item')`,
              model: 'models.ForeignKey(Item, on_delete=models.CASCADE)',
            }],
          ],
        });
      }
      if (k % 10 === 0 && i > 0) {
        // A foreign key to an earlier app's model, with the dependency makemigrations would write.
        const j = Math.max(0, i - 1 - ((k / 10) % 3));
        const target = appLabel(j);
        dependencies.push({ app: target, name: migrationName(k - 1) });
        operations.push({
          op: 'AddField',
          model: 'Item',
          name: `ref${k}`,
          field: {
            migration: `models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='${target}.item')`,
            model: `models.ForeignKey('${target}.Item', null=True, on_delete=models.CASCADE, related_name='+')`,
          },
        });
      }
      if (k === 3 && i % 7 === 2 && i >= 2) dependencies.push({ app: appLabel(i - 2), name: '__first__' });
      if (k === 4 && i % 13 === 4) dependencies.push({ app: appLabel(i - 1), name: '__latest__' });
      // Depends on a migration app003 deleted after squashing it: Django remaps it to the squash.
      if (k === 3 && i === 5 && count > SQUASH_END) dependencies.push({ app: appLabel(3), name: migrationName(2) });
      if (k === 50 && i % 20 === 7 && i + 1 < appCount) plan.runBefore = [{ app: appLabel(i + 1), name: migrationName(50) }];
    }
    plans.push(plan);
    if (mergeApp && k === 50) {
      fields.set('g50', 'int');
      plans.push({
        name: '0050_parallel_b',
        dependencies: [{ app, name: migrationName(49) }],
        operations: [{ op: 'AddField', model: 'Item', name: 'g50', field: fieldCode('int') }],
      });
    }
  }

  if (hasSquash(i, count)) plans.push(squashOf(app, plans.slice(0, SQUASH_END)));
  return plans;
}

// What `squashmigrations app 0005` writes: the end state as CreateModels, other apps' dependencies kept.
function squashOf(app: string, replaced: MigrationPlan[]): MigrationPlan {
  const state = finalState(replaced);
  const dependencies: Dependency[] = [];
  for (const plan of replaced) {
    for (const dependency of plan.dependencies) {
      if ('swappable' in dependency || dependency.app !== app) dependencies.push(dependency);
    }
  }
  return {
    name: squashName(),
    replaces: replaced.map((plan) => plan.name),
    initial: true,
    dependencies,
    operations: [...state].map(([model, fields]) => ({ op: 'CreateModel', model, fields: [...fields] })),
  };
}

function sameCode(code: string): FieldCode {
  return { migration: code, model: code };
}

function fieldCode(kind: string): FieldCode {
  switch (kind) {
    case 'int':
      return sameCode('models.IntegerField(default=0)');
    case 'char':
      return sameCode("models.CharField(default='', max_length=20)");
    case 'bool':
      return sameCode('models.BooleanField(default=False)');
    default:
      return sameCode("models.TextField(blank=True, help_text='see [docs] (part 2) # not a comment')");
  }
}

function finalState(plans: MigrationPlan[]): Map<string, Map<string, FieldCode>> {
  const state = new Map<string, Map<string, FieldCode>>();
  for (const plan of plans) {
    for (const operation of plan.operations) {
      if (operation.op === 'CreateModel') state.set(operation.model, new Map(operation.fields));
      else if (operation.op === 'AddField' || operation.op === 'AlterField') state.get(operation.model)!.set(operation.name, operation.field);
      else if (operation.op === 'RemoveField') state.get(operation.model)!.delete(operation.name);
    }
  }
  return state;
}

// ----- Rendering ------------------------------------------------------------------------------

function modelsPy(state: Map<string, Map<string, FieldCode>>): string {
  const lines = ['from django.conf import settings', 'from django.db import models', ''];
  for (const [model, fields] of state) {
    lines.push('', `class ${model}(models.Model):`);
    for (const [name, field] of fields) if (name !== 'id') lines.push(`    ${name} = ${field.model}`);
    lines.push('');
  }
  return lines.join('\n');
}

// Formatting varies with `variant` so the parser meets what hand edits and other tools produce.
function migrationPy(app: string, plan: MigrationPlan, variant: number): string {
  const q = variant % 2 === 0 ? "'" : '"';
  const quote = (code: string) => (q === "'" ? code : code.replaceAll("'", '"'));
  const trailing = variant % 3 !== 0;
  const commentsInLists = variant % 4 === 0;
  const operationsFirst = variant % 5 === 0;
  const importedBase = variant % 6 === 0;
  // Pairs must stay tuples: Django hashes them, so a list there fails to load.
  const spacedPairs = variant % 7 === 0;
  const oneLineDependencies = variant % 8 === 0;
  const docstring = variant % 9 === 0;
  const crlf = variant % 50 === 0;
  const pair = (a: string, b: string) => (spacedPairs ? `( ${q}${a}${q} ,${q}${b}${q}, )` : `(${q}${a}${q}, ${q}${b}${q})`);
  const list = (items: string[], indent: string, comment?: string): string => {
    if (items.length === 0) return variant % 10 === 1 ? '[\n    ]' : '[]';
    const body = items.map((item, index) => `${indent}    ${item}${index < items.length - 1 || trailing ? ',' : ''}`);
    if (commentsInLists && comment) body.unshift(`${indent}    # ${comment}`);
    return `[\n${body.join('\n')}\n${indent}]`;
  };

  const dependencyItems = plan.dependencies.map((dependency) =>
    'swappable' in dependency ? 'migrations.swappable_dependency(settings.AUTH_USER_MODEL)' : pair(dependency.app, dependency.name),
  );
  const operationItems = plan.operations.map((operation) => renderOperation(operation, quote, q, trailing));
  const attributes: string[] = [];
  if (plan.replaces) attributes.push(`    replaces = ${list(plan.replaces.map((name) => pair(app, name)), '    ')}`);
  if (plan.initial) attributes.push('    initial = True');
  if (plan.runBefore) attributes.push(`    run_before = ${list(plan.runBefore.map((key) => pair(key.app, key.name)), '    ')}`);
  const dependencies =
    oneLineDependencies && dependencyItems.length > 0
      ? `    dependencies = [${dependencyItems.join(', ')}]`
      : `    dependencies = ${list(dependencyItems, '    ', 'previous migration (see #123), then [others]')}`;
  const operations = `    operations = ${list(operationItems, '    ', 'one call per change; strings may hold ) or ]')}`;
  if (operationsFirst) attributes.push(operations, '', dependencies);
  else attributes.push(dependencies, '', operations);

  const usesFunction = plan.operations.some((operation) => operation.op === 'RunPython' && operation.withFunction);
  const lines = [
    `# Generated by generate-django-project.ts for ${app}`,
    '',
    'from django.conf import settings',
    'from django.db import migrations, models',
    ...(importedBase ? ['from django.db.migrations import Migration'] : []),
    'import django.db.models.deletion',
    '',
    ...(usesFunction
      ? [
          '',
          'def forwards(apps, schema_editor):',
          `    """Nothing to do; this text mentions class Migration(migrations.Migration): [ ( # on purpose."""`,
          `    marker = ${q}dependencies = [(${q} + ${q}x${q}`,
          '    return marker',
          '',
        ]
      : []),
    '',
    `class Migration(${importedBase ? 'Migration' : 'migrations.Migration'}):`,
    ...(docstring ? [`    """A docstring with brackets [ ( { and a # that is not a comment."""`, ''] : []),
    attributes.join('\n'),
    '',
  ];
  const text = lines.join('\n');
  return crlf ? text.replaceAll('\n', '\r\n') : text;
}

function renderOperation(operation: Operation, quote: (code: string) => string, q: string, trailing: boolean): string {
  const t = trailing ? ',' : '';
  switch (operation.op) {
    case 'CreateModel': {
      const fields = operation.fields.map(([name, field]) => `                (${q}${name}${q}, ${quote(field.migration)})`);
      return [
        'migrations.CreateModel(',
        `            name=${q}${operation.model}${q},`,
        '            fields=[',
        fields.join(',\n') + t,
        `            ]${t}`,
        '        )',
      ].join('\n');
    }
    case 'AddField':
    case 'AlterField':
      return [
        `migrations.${operation.op}(`,
        `            model_name=${q}${operation.model.toLowerCase()}${q},`,
        `            name=${q}${operation.name}${q},`,
        `            field=${quote(operation.field.migration)}${t}`,
        '        )',
      ].join('\n');
    case 'RemoveField':
      return `migrations.RemoveField(model_name=${q}${operation.model.toLowerCase()}${q}, name=${q}${operation.name}${q})`;
    case 'RunPython':
      return operation.withFunction
        ? 'migrations.RunPython(forwards, migrations.RunPython.noop)'
        : 'migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)';
  }
}

function settingsPy(apps: string[]): string {
  return `"""Generated Django project for migration-guard's tests (${apps.length} apps)."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = 'generated-not-secret'
DEBUG = True
ALLOWED_HOSTS = ['*']

INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
${apps.map((app) => `    '${app}',`).join('\n')}
]

MIDDLEWARE = []
ROOT_URLCONF = 'bigproj.urls'

# MigrationLoader(None) never connects; sqlite keeps the project usable without a server.
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': str(BASE_DIR / 'db.sqlite3'),
    }
}

USE_TZ = True
TIME_ZONE = 'UTC'
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
`;
}

const MANAGE_PY = `#!/usr/bin/env python3
import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', '${SETTINGS_MODULE}')
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
`;

// Synchronous on purpose: for thousands of small files, promise-based writes spend most of their
// time in thread-pool round trips and are several times slower.
function writeAll(root: string, files: Map<string, string>): void {
  const dirs = new Set<string>();
  for (const file of files.keys()) dirs.add(path.dirname(path.join(root, file)));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) writeFileSync(path.join(root, file), text);
}
