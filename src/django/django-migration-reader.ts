// Reads an app's migrations through Django's own loader (src/django/python/read_migrations.py) when
// the static parser cannot: one Python run for the app, cached by the files' content, interpreter
// and settings. The files may come from git (the staged tree, a pushed commit): they are written to
// a temporary package that MIGRATION_MODULES points the app at, the rest of the project unchanged.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';
import type { MigrationDependency, MigrationKey, MigrationOperation, ParsedMigration } from './migration-types.js';
import { PYTHON_HELPERS } from './django-env.js';
import { runPython } from './project-python.js';

const CACHE_VERSION = 1;

export interface DjangoReadOptions {
  /** The interpreter that imports Django. */
  python: string;
  /** The directory holding manage.py (first on sys.path). */
  projectDir: string;
  /** Environment for Python: DJANGO_SETTINGS_MODULE and whatever the settings read. */
  env: NodeJS.ProcessEnv;
  app: string;
  /** Every migration file of the app: module name, repository path (for ParsedMigration.file) and source. */
  files: Array<{ name: string; path: string; source: string }>;
  /** Where answers are remembered (e.g. .migration-guard/cache). */
  cacheDir: string;
}

/** Django's reading, or its error (with the file and line it names, when one of the app's files). */
export type DjangoReadResult = { migrations: ParsedMigration[] } | { error: string; file?: string; line?: number };

interface HelperMigration {
  name: string;
  dependencies: MigrationDependency[];
  replaces: MigrationKey[];
  run_before: MigrationKey[];
  initial: boolean | null;
  operations: MigrationOperation[];
}

/** The app's migrations as Django's loader reads them, or why it could not. */
export async function readMigrationsWithDjango(options: DjangoReadOptions): Promise<DjangoReadResult> {
  const key = createHash('sha256')
    .update(JSON.stringify([CACHE_VERSION, options.python, options.env.DJANGO_SETTINGS_MODULE ?? '', options.app, options.files.map((file) => [file.name, createHash('sha256').update(file.source).digest('hex')])]))
    .digest('hex');
  const cacheFile = path.join(options.cacheDir, 'django-read', `${key}.json`);
  const cached = readJsonFile<{ migrations: HelperMigration[] }>(cacheFile);
  const answer = cached ?? (await runHelper(options));
  if ('error' in answer) return answer;
  if (!cached) rememberJsonFile(cacheFile, answer);
  const pathOf = new Map(options.files.map((file) => [file.name, file.path]));
  return {
    migrations: answer.migrations
      .filter((migration) => pathOf.has(migration.name))
      .map((migration) => ({
        app: options.app,
        name: migration.name,
        file: pathOf.get(migration.name)!,
        dependencies: migration.dependencies,
        replaces: migration.replaces,
        runBefore: migration.run_before,
        initial: migration.initial,
        operations: migration.operations,
      })),
  };
}

async function runHelper(options: DjangoReadOptions): Promise<{ migrations: HelperMigration[] } | { error: string; file?: string; line?: number }> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mg-read-'));
  try {
    const packageDir = path.join(scratch, `migration_guard_read_${options.app.replace(/\W/g, '_')}`);
    await mkdir(packageDir);
    await writeFile(path.join(packageDir, '__init__.py'), '');
    for (const file of options.files) await writeFile(path.join(packageDir, `${file.name}.py`), file.source);
    const { exitCode: code, stdout, stderr } = await runPython(options.python, [PYTHON_HELPERS.readMigrations, '--project', options.projectDir, '--app', options.app, '--package', packageDir], { env: options.env });
    const parsed = parseHelperOutput(stdout);
    if (code === 0 && parsed?.migrations) return { migrations: parsed.migrations };
    if (parsed?.error) {
      const { type, message, file, line } = parsed.error;
      const ours = file && path.dirname(file) === packageDir ? options.files.find((candidate) => `${candidate.name}.py` === path.basename(file)) : undefined;
      const where = ours ? ` (${ours.path}${line ? `, line ${line}` : ''})` : file ? ` (${file}${line ? `, line ${line}` : ''})` : '';
      return { error: `Django could not load ${options.app}'s migrations: ${type}: ${message}${where}`, ...(ours ? { file: ours.path, ...(line ? { line } : {}) } : {}) };
    }
    return { error: `Django could not load ${options.app}'s migrations (exit ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}` };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface HelperOutput {
  migrations?: HelperMigration[];
  error?: { type: string; message: string; file: string | null; line: number | null };
}

function parseHelperOutput(stdout: string): HelperOutput | null {
  try {
    return JSON.parse(stdout) as HelperOutput;
  } catch {
    return null;
  }
}
