// The one reading of `manage.py makemigrations --check --dry-run --noinput` (the hooks' verdict on a snapshot,
// deploy's verify on the checkout): run through src/django/python/makemigrations_check.py, which skips the
// consistency check against the database, records what Django would write and which field needs a default, and
// tells a crash of the project's code apart from "out of sync".
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import type { DjangoVerdict, WouldCreateMigration } from './django-verdict-types.js';
import { relativePath } from '../fs/relative-path.js';
import { PYTHON_HELPERS, djangoEnv } from './django-env.js';
import { runPython, type PythonRun } from './project-python.js';

// Exit code of the helper when the project's code raised (70 = EX_SOFTWARE).
const CRASH_EXIT = 70;

interface CheckReport {
  changes: Array<{ app: string; name: string; path: string | null; operations: string[] }>;
  needs_default: { field: string; model: string } | null;
  django: [string, string] | null;
  error: { type: string; message: string; module: string | null; file: string | null; files?: string[] } | null;
}

export interface MakemigrationsCheck {
  verdict: DjangoVerdict;
  /** Django's version and django/__init__.py as the interpreter imported them (for cache keys). */
  django: { version: string; file: string } | null;
  /** The process's exit code and output (stdout and stderr interleaved). */
  exitCode: number;
  output: string;
  durationMs: number;
}

export interface MakemigrationsCheckOptions {
  config: ResolvedConfig;
  /** Absolute path of the interpreter to use. */
  python: string;
  /** The directory holding the project's tree: a snapshot, or the repository itself. */
  treeDir: string;
  /** Repository root the tree mirrors (for paths in messages and "only in the working tree" checks). */
  repoRoot: string;
  /** App labels passed to makemigrations (all apps when empty). */
  appLabels: string[];
  /** Environment on top of djangoEnv(config). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs makemigrations --check --dry-run --noinput in the tree and interprets the outcome. */
export async function runMakemigrationsCheck(options: MakemigrationsCheckOptions): Promise<MakemigrationsCheck> {
  const { config, treeDir, repoRoot } = options;
  const managePy = path.join(treeDir, relativePath(repoRoot, config.managePy));
  const projectDir = path.dirname(managePy);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mg-verdict-'));
  const reportFile = path.join(scratch, 'report.json');
  const started = Date.now();
  try {
    const env = djangoEnv(config, { ...options.env, MIGRATION_GUARD_REPORT: reportFile });
    const args = [PYTHON_HELPERS.makemigrationsCheck, managePy, 'makemigrations', '--check', '--dry-run', '--noinput', ...options.appLabels];
    const outcome = await runPython(options.python, args, { cwd: projectDir, env, timeoutMs: options.timeoutMs ?? 300_000 });
    if (outcome.spawnError) {
      return { verdict: { kind: 'could-not-run', cause: 'no-python', reason: `cannot start ${options.python}: ${outcome.stderr}`, output: '' }, django: null, exitCode: outcome.exitCode, output: '', durationMs: Date.now() - started };
    }
    const report = await readFile(reportFile, 'utf8').then((text) => JSON.parse(text) as CheckReport, () => null);
    const django = report?.django ? { version: report.django[0], file: report.django[1] } : null;
    return { verdict: interpret(outcome, report, options, projectDir), django, exitCode: outcome.exitCode, output: outcome.output, durationMs: Date.now() - started };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function interpret(outcome: PythonRun, report: CheckReport | null, options: MakemigrationsCheckOptions, projectDir: string): DjangoVerdict {
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
function crashVerdict(report: CheckReport | null, options: MakemigrationsCheckOptions, output: string): DjangoVerdict {
  const error = report?.error;
  if (error && (error.type === 'ModuleNotFoundError' || error.type === 'ImportError') && error.module) {
    const relative = path.relative(options.treeDir, path.dirname(path.join(options.treeDir, relativePath(options.repoRoot, options.config.managePy))));
    const parts = error.module.split('.');
    for (const base of [relative, '']) {
      for (const candidate of [`${path.join(base, ...parts)}.py`, path.join(base, ...parts, '__init__.py')]) {
        if (existsSync(path.join(options.repoRoot, candidate)) && !existsSync(path.join(options.treeDir, candidate))) {
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
function settingsFailed(error: NonNullable<CheckReport['error']>, options: MakemigrationsCheckOptions): boolean {
  const module = options.config.settingsModule;
  if (error.type === 'ImproperlyConfigured') return true;
  if (module && error.module && (module === error.module || module.startsWith(`${error.module}.`))) return true;
  // Raised while the settings module ran (a frame of the traceback is in it).
  const settingsFile = options.config.settingsFile;
  if (!settingsFile) return false;
  const inSnapshot = path.join(options.treeDir, relativePath(options.repoRoot, settingsFile));
  const settingsDir = path.basename(settingsFile) === '__init__.py' ? path.dirname(inSnapshot) : null;
  return (error.files ?? []).some((file) => file === inSnapshot || (settingsDir !== null && file.startsWith(`${settingsDir}${path.sep}`)));
}

function wouldCreate(change: CheckReport['changes'][number], options: MakemigrationsCheckOptions, projectDir: string): WouldCreateMigration {
  const absolute = change.path ?? path.join(projectDir, change.app, 'migrations', `${change.name}.py`);
  const inSnapshot = relativePath(options.treeDir, absolute);
  return { app: change.app, path: inSnapshot.startsWith('..') ? absolute : inSnapshot, operations: change.operations };
}

function lastMeaningfulLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}

