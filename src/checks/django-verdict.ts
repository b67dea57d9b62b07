// Django's own verdict on whether models and migrations agree, and the problems it implies (pure logic).
import type { Problem, Severity } from './problem.js';
import { shellQuote } from './shell-quote.js';
import type { CouldNotRunCause, DjangoVerdict, WouldCreateMigration } from '../django/django-verdict-types.js';

/** Definitive verdicts, safe to cache (the others depend on the environment). */
export function isCacheableVerdict(verdict: DjangoVerdict): boolean {
  return verdict.kind === 'in-sync' || verdict.kind === 'out-of-sync' || verdict.kind === 'needs-default' || verdict.kind === 'conflicts';
}

export interface VerdictProblemOptions {
  /** "staged" or "at abc1234": what Django looked at. */
  where: string;
  /** Apps whose files changed, named in the makemigrations command when Django does not say which. */
  changedApps: string[];
  /** Untracked migration files per app: when Django wants a migration the user already made, say `git add`. */
  untrackedByApp: ReadonlyMap<string, string[]>;
  /** When Django cannot run: block (the default) instead of warning. */
  failClosed: boolean;
  /** What was still checked without Django, for the could-not-run message. */
  checkedWithoutDjango: string;
  /** The interpreter used and, when it had no Django, every other one tried ("source: path (outcome)"). */
  python: { path: string; source: string; tried?: string[] };
  /** The settings module Django was started with. */
  settingsModule: string | null;
}

/** The problems a verdict implies. */
export function djangoVerdictProblems(verdict: DjangoVerdict, options: VerdictProblemOptions): Problem[] {
  switch (verdict.kind) {
    case 'in-sync':
    case 'no-settings':
      return [];
    case 'out-of-sync':
      return groupByApp(verdict.migrations).map(([app, migrations]) => {
        const untracked = options.untrackedByApp.get(app) ?? [];
        return {
          code: 'models-without-migration',
          severity: 'block',
          title: options.where === 'staged' ? `${app}: the models changed but no migration for the change is staged` : `${app}: the models ${options.where} need a migration that is not there`,
          files: migrations.map((migration) => migration.path),
          details: ["Django's makemigrations would create:", ...migrations.flatMap((migration) => [`  ${migration.path}`, ...migration.operations.map((operation) => `    - ${operation}`)])],
          why: 'Without the migration, nobody else can bring their database to these models.',
          fix: untracked.length
            ? `you already have ${untracked.join(', ')}: git add ${untracked.map(shellQuote).join(' ')}   (if it is not up to date: python manage.py makemigrations ${app})`
            : `python manage.py makemigrations ${app}   then: git add ${appMigrationsDir(migrations)}`,
        } satisfies Problem;
      });
    case 'needs-default': {
      const what = verdict.field && verdict.model ? `the non-null field ${verdict.model}.${verdict.field}` : 'a non-null field';
      const apps = options.changedApps.join(' ');
      return [
        {
          code: 'non-null-field-needs-default',
          severity: 'block',
          title: `The models ${options.where === 'staged' ? '' : `${options.where} `}add ${what} without a default, and no migration for it is ${options.where === 'staged' ? 'staged' : 'there'}`,
          files: [],
          why: 'Existing rows need a value for the new column; makemigrations has to ask for one.',
          fix: `python manage.py makemigrations${apps ? ` ${apps}` : ''}   (answer its question about a default), then git add the new migration`,
        },
      ];
    }
    case 'conflicts':
      return [
        {
          code: 'conflicting-leaves',
          severity: 'block',
          title: `Django reports conflicting migrations (${options.where}): ${verdict.message}`,
          files: [],
          why: 'migrate and makemigrations stop until the branches of the migration graph are joined.',
          fix: 'python manage.py makemigrations --merge',
        },
      ];
    case 'missing-module':
      return [
        {
          code: 'staged-code-does-not-import',
          severity: 'block',
          title: `The ${options.where === 'staged' ? 'staged' : 'committed'} code imports ${verdict.module}, which is only in your working tree`,
          files: [verdict.workingTreePath],
          details: [verdict.message],
          why: 'Anyone checking out this commit gets an ImportError.',
          fix: `git add ${shellQuote(verdict.workingTreePath)}`,
        },
      ];
    case 'could-not-run': {
      const severity: Severity = options.failClosed ? 'block' : 'warn';
      const { what, fix, details } = couldNotRunAdvice(verdict.cause, options);
      return [
        {
          code: 'django-could-not-run',
          severity,
          title: `Could not ask Django whether models and migrations agree: ${verdict.reason}`,
          files: [],
          details: [
            what,
            ...details,
            `Checked without Django: ${options.checkedWithoutDjango}.`,
            // Without Django the output is manage.py's "Couldn't import Django": nothing to add.
            ...(verdict.output && verdict.cause !== 'no-django' && verdict.cause !== 'no-python' ? ['Output:', ...lastLines(verdict.output, 12).map((line) => `  ${line}`)] : []),
            ...(options.failClosed ? [] : ['Not blocking: "hooks": { "failClosed": false } is set.']),
          ],
          why: 'Only Django can tell whether the models need a migration; without its answer the change is unchecked.',
          fix,
        },
      ];
    }
  }
}

/** What is missing and the one command that fixes it, for each reason Django gave no verdict. */
export function couldNotRunAdvice(cause: CouldNotRunCause, options: Pick<VerdictProblemOptions, 'python' | 'settingsModule'>): { what: string; fix: string; details: string[] } {
  const tried = options.python.tried?.length ? ['Interpreters tried:', ...options.python.tried.map((line) => `  ${line}`)] : [];
  const settings = options.settingsModule ?? 'mysite.settings';
  switch (cause) {
    case 'no-python':
    case 'no-django':
      return {
        what: `Missing: a Python that imports Django (${options.python.path}, from ${options.python.source}, ${cause === 'no-python' ? 'cannot be started' : 'has no Django'}).`,
        details: tried,
        fix:
          options.python.source === 'MIGRATION_GUARD_PYTHON'
            ? 'export MIGRATION_GUARD_PYTHON=/path/to/your/venv/bin/python   (it names the interpreter; or unset it to let the hooks look)'
            : options.python.source === 'config "python"'
              ? 'set "python" in the config to your virtualenv\'s interpreter (e.g. ".venv/bin/python"), or remove it to let the hooks look'
              : 'npx migration-guard install --python /path/to/your/venv/bin/python   (records the interpreter that has Django; or activate the virtualenv before committing)',
      };
    case 'settings':
      return {
        what: `Missing: settings that import (${settings}), with the environment the hook runs in.`,
        details: [],
        fix: options.settingsModule
          ? `make ${settings} import without your shell's variables (list untracked files it reads in "hooks": { "snapshotFiles": [".env"] }), or export DJANGO_SETTINGS_MODULE=<the right module>`
          : `export DJANGO_SETTINGS_MODULE=${settings}   (or set "settingsModule" in migration-guard.config.json)`,
      };
    case 'project-error':
      return { what: 'The project raised an error while Django loaded it (see the output): the code or the migration graph as committed.', details: [], fix: 'python manage.py check   (shows the error; fix it and stage the fix)' };
    case 'timeout':
      return { what: 'makemigrations did not finish in time.', details: [], fix: 'python manage.py makemigrations --check --dry-run   (see where it hangs)' };
    case 'django-error':
      return { what: 'Django reported an error (see the output).', details: [], fix: 'python manage.py makemigrations --check --dry-run   (shows the error)' };
  }
}

function groupByApp(migrations: WouldCreateMigration[]): Array<[string, WouldCreateMigration[]]> {
  const groups = new Map<string, WouldCreateMigration[]>();
  for (const migration of migrations) {
    const list = groups.get(migration.app);
    if (list) list.push(migration);
    else groups.set(migration.app, [migration]);
  }
  return [...groups];
}

function appMigrationsDir(migrations: WouldCreateMigration[]): string {
  const first = migrations[0]!.path;
  return shellQuote(first.slice(0, first.lastIndexOf('/') + 1));
}

function lastLines(text: string, count: number): string[] {
  return text.trimEnd().split('\n').slice(-count);
}
