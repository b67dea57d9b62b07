// Asks Django itself whether models and migrations agree: `manage.py makemigrations --check --dry-run
// --noinput` on a snapshot, run through a small wrapper that (1) skips the consistency check against
// the local database, which says nothing about a commit, (2) records what Django would write and
// which field needs a default, and (3) tells a crash in the code apart from "out of sync".
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { djangoEnv } from '../django/django-env.js';
import type { DjangoVerdict, WouldCreateMigration } from '../checks/django-verdict.js';
import { relativePath } from '../checks/project-paths.js';

// Exit code of the wrapper when the project's code raised (70 = EX_SOFTWARE).
const CRASH_EXIT = 70;

const WRAPPER = String.raw`
import json, os, runpy, sys, traceback
report_path = os.environ.pop('MIGRATION_GUARD_REPORT')
report = {'changes': [], 'needs_default': None, 'django': None, 'error': None}
manage = sys.argv[1]
sys.argv = [manage] + sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(manage))
try:
    import django
    report['django'] = [django.get_version(), os.path.abspath(django.__file__)]
    from django.db.migrations.loader import MigrationLoader
    MigrationLoader.check_consistent_history = lambda self, connection: None
    from django.core.management.commands import makemigrations
    from django.db.migrations.writer import MigrationWriter
    original_write = makemigrations.Command.write_migration_files
    def write_migration_files(self, changes, *args, **kwargs):
        for app_label, migrations in changes.items():
            for migration in migrations:
                try:
                    target = MigrationWriter(migration).path
                except Exception:
                    target = None
                report['changes'].append({'app': app_label, 'name': migration.name, 'path': target,
                                          'operations': [operation.describe() for operation in migration.operations]})
        return original_write(self, changes, *args, **kwargs)
    makemigrations.Command.write_migration_files = write_migration_files
    from django.db.migrations import questioner
    for method in ('ask_not_null_addition', 'ask_auto_now_add_addition'):
        original = getattr(questioner.NonInteractiveMigrationQuestioner, method, None)
        if original is None:
            continue
        def recorder(self, field_name, model_name, _original=original):
            report['needs_default'] = {'field': field_name, 'model': model_name}
            return _original(self, field_name, model_name)
        setattr(questioner.NonInteractiveMigrationQuestioner, method, recorder)
except Exception:
    pass
code = 0
try:
    runpy.run_path(manage, run_name='__main__')
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    if not isinstance(exit.code, (int, type(None))):
        print(exit.code, file=sys.stderr)
except BaseException as error:
    traceback.print_exc()
    tb = traceback.extract_tb(error.__traceback__)
    report['error'] = {'type': type(error).__name__, 'message': str(error), 'module': getattr(error, 'name', None),
                       'file': tb[-1].filename if tb else None, 'files': [frame.filename for frame in tb]}
    code = ${CRASH_EXIT}
finally:
    with open(report_path, 'w') as handle:
        json.dump(report, handle)
sys.exit(code)
`;

interface WrapperReport {
  changes: Array<{ app: string; name: string; path: string | null; operations: string[] }>;
  needs_default: { field: string; model: string } | null;
  django: [string, string] | null;
  error: { type: string; message: string; module: string | null; file: string | null; files?: string[] } | null;
}

export interface DjangoRun {
  verdict: DjangoVerdict;
  /** Django's version and django/__init__.py as the interpreter imported them (for the cache key). */
  django: { version: string; file: string } | null;
  durationMs: number;
}

export interface DjangoRunOptions {
  config: ResolvedConfig;
  /** Absolute path of the interpreter to use. */
  python: string;
  /** Snapshot directory holding the repository's tree. */
  snapshotDir: string;
  /** Repository root the snapshot mirrors (for paths in messages and "only in the working tree" checks). */
  repoRoot: string;
  /** Guarded app labels passed to makemigrations. */
  appLabels: string[];
  timeoutMs?: number;
}

/** Runs makemigrations --check --dry-run --noinput in the snapshot and interprets the outcome. */
export async function runDjangoVerdict(options: DjangoRunOptions): Promise<DjangoRun> {
  const { config, snapshotDir, repoRoot } = options;
  const managePy = path.join(snapshotDir, relativePath(repoRoot, config.managePy));
  const projectDir = path.dirname(managePy);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mg-verdict-'));
  const reportFile = path.join(scratch, 'report.json');
  const started = Date.now();
  try {
    const env = djangoEnv(config, {
      ...unreachableDatabaseEnv(config),
      MIGRATION_GUARD_REPORT: reportFile,
      // Bytecode is cached in the reused snapshot (stale entries are removed when files change).
      PYTHONDONTWRITEBYTECODE: '',
    });
    const args = ['-c', WRAPPER, managePy, 'makemigrations', '--check', '--dry-run', '--noinput', ...options.appLabels];
    const outcome = await spawnCollect(options.python, args, { cwd: projectDir, env, timeoutMs: options.timeoutMs ?? 300_000 });
    if (outcome.spawnError) {
      return { verdict: { kind: 'could-not-run', cause: 'no-python', reason: `cannot start ${options.python}: ${outcome.spawnError}`, output: '' }, django: null, durationMs: Date.now() - started };
    }
    const report = await readFile(reportFile, 'utf8').then((text) => JSON.parse(text) as WrapperReport, () => null);
    const django = report?.django ? { version: report.django[0], file: report.django[1] } : null;
    return { verdict: interpret(outcome, report, options, projectDir), django, durationMs: Date.now() - started };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function interpret(outcome: Outcome, report: WrapperReport | null, options: DjangoRunOptions, projectDir: string): DjangoVerdict {
  const output = outcome.output;
  const djangoVersion = report?.django?.[0];
  if (outcome.timedOut) return { kind: 'could-not-run', cause: 'timeout', reason: `makemigrations did not finish within ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s`, output };
  if (!report?.django && outcome.exitCode !== 0) {
    return { kind: 'could-not-run', cause: 'no-django', reason: `${options.python} cannot import Django`, output };
  }
  switch (outcome.exitCode) {
    case 0:
      return { kind: 'in-sync', djangoVersion };
    case 3:
      return { kind: 'needs-default', model: report?.needs_default?.model, field: report?.needs_default?.field, djangoVersion };
    case 1: {
      if (report && report.changes.length > 0) {
        return { kind: 'out-of-sync', migrations: report.changes.map((change) => wouldCreate(change, options, projectDir)), djangoVersion };
      }
      const conflict = /Conflicting migrations detected[^\n]*(?:\n[^\n]*makemigrations --merge[^\n]*)?/.exec(output);
      if (conflict) return { kind: 'conflicts', message: conflict[0].replace(/\s*\n\s*/g, ' '), djangoVersion };
      return { kind: 'could-not-run', cause: 'django-error', reason: `makemigrations failed (exit 1): ${lastMeaningfulLine(output)}`, output };
    }
    case CRASH_EXIT:
      return crashVerdict(report, options, output);
    case 2:
      return { kind: 'could-not-run', cause: 'django-error', reason: `makemigrations reported an error (exit 2): ${lastMeaningfulLine(output)}`, output };
    default:
      return { kind: 'could-not-run', cause: 'django-error', reason: `makemigrations exited with ${outcome.exitCode}: ${lastMeaningfulLine(output)}`, output };
  }
}

// An import of a module that exists in the working tree but not in the snapshot: not staged/committed.
function crashVerdict(report: WrapperReport | null, options: DjangoRunOptions, output: string): DjangoVerdict {
  const error = report?.error;
  if (error && (error.type === 'ModuleNotFoundError' || error.type === 'ImportError') && error.module) {
    const relative = path.relative(options.snapshotDir, path.dirname(path.join(options.snapshotDir, relativePath(options.repoRoot, options.config.managePy))));
    const parts = error.module.split('.');
    for (const base of [relative, '']) {
      for (const candidate of [`${path.join(base, ...parts)}.py`, path.join(base, ...parts, '__init__.py')]) {
        if (existsSync(path.join(options.repoRoot, candidate)) && !existsSync(path.join(options.snapshotDir, candidate))) {
          return { kind: 'missing-module', module: error.module, workingTreePath: candidate.split(path.sep).join('/'), message: `${error.type}: ${error.message}` };
        }
      }
    }
  }
  if (error && settingsFailed(error, options)) {
    return { kind: 'could-not-run', cause: 'settings', reason: `the settings ${options.config.settingsModule ?? ''} do not import: ${error.type}: ${error.message}`.replace('  ', ' '), output };
  }
  return { kind: 'could-not-run', cause: 'project-error', reason: error ? `the project raised ${error.type}: ${error.message}` : 'Python crashed', output };
}

// The settings module itself is missing, raised, or Django says it is improperly configured.
function settingsFailed(error: NonNullable<WrapperReport['error']>, options: DjangoRunOptions): boolean {
  const module = options.config.settingsModule;
  if (error.type === 'ImproperlyConfigured') return true;
  if (module && error.module && (module === error.module || module.startsWith(`${error.module}.`))) return true;
  // Raised while the settings module ran (a frame of the traceback is in it).
  const settingsFile = options.config.settingsFile;
  if (!settingsFile) return false;
  const inSnapshot = path.join(options.snapshotDir, relativePath(options.repoRoot, settingsFile));
  const settingsDir = path.basename(settingsFile) === '__init__.py' ? path.dirname(inSnapshot) : null;
  return (error.files ?? []).some((file) => file === inSnapshot || (settingsDir !== null && file.startsWith(`${settingsDir}${path.sep}`)));
}

function wouldCreate(change: WrapperReport['changes'][number], options: DjangoRunOptions, projectDir: string): WouldCreateMigration {
  const absolute = change.path ?? path.join(projectDir, change.app, 'migrations', `${change.name}.py`);
  const inSnapshot = relativePath(options.snapshotDir, absolute);
  return { app: change.app, path: inSnapshot.startsWith('..') ? absolute : inSnapshot, operations: change.operations };
}

function lastMeaningfulLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}

/**
 * Environment pointing the project's database settings at an address where nothing listens, so
 * nothing in the run can read or change the developer's database (connections fail at once).
 */
export function unreachableDatabaseEnv(config: ResolvedConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { MYSQL_UNIX_PORT: '/nonexistent/migration-guard.sock' };
  const mapping = config.raw.database.env;
  if (mapping) {
    env[mapping.name] = 'migration_guard_no_database';
    if (mapping.host) env[mapping.host] = '127.0.0.1';
    if (mapping.port) env[mapping.port] = '9';
    if (mapping.user) env[mapping.user] = 'migration_guard';
    if (mapping.password) env[mapping.password] = '';
    if (mapping.socket) env[mapping.socket] = '/nonexistent/migration-guard.sock';
  }
  env[config.raw.database.urlEnv ?? 'DATABASE_URL'] = 'mysql://migration_guard@127.0.0.1:9/migration_guard_no_database';
  return env;
}

interface Outcome {
  exitCode: number;
  output: string;
  timedOut: boolean;
  spawnError?: string;
}

function spawnCollect(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: -1, output: '', timedOut: false, spawnError: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, output: Buffer.concat(chunks).toString('utf8'), timedOut });
    });
  });
}
