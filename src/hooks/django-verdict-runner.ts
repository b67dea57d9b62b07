// The hooks' use of Django's verdict: makemigrations --check (src/django/makemigrations-check.ts) on a snapshot,
// with the project's database settings pointed where nothing listens, so the run can neither read nor change it.
import type { ResolvedConfig } from '../config/load-config.js';
import type { DjangoVerdict } from '../django/django-verdict-types.js';
import { runMakemigrationsCheck } from '../django/makemigrations-check.js';

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

/** Runs makemigrations --check --dry-run --noinput in the snapshot, away from any database. */
export async function runDjangoVerdict(options: DjangoRunOptions): Promise<DjangoRun> {
  const run = await runMakemigrationsCheck({
    config: options.config,
    python: options.python,
    treeDir: options.snapshotDir,
    repoRoot: options.repoRoot,
    appLabels: options.appLabels,
    // Bytecode is cached in the reused snapshot (stale entries are removed when files change).
    env: { ...unreachableDatabaseEnv(options.config), PYTHONDONTWRITEBYTECODE: '' },
    timeoutMs: options.timeoutMs,
  });
  return { verdict: run.verdict, django: run.django, durationMs: run.durationMs };
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
