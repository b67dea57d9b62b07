// Runs the project's manage.py with the project's Python, against the database its settings name or
// pinned to another one (a scratch database), never by hoping that rewritten variables reach the settings.
// The process itself is started by project-python.ts.
import type { Options, Result } from 'execa';
import { UserError } from '../errors.js';
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { DJANGO_HELPER, djangoEnv } from './django-env.js';
import { probePython, startPython } from './project-python.js';

export { HELPER_EXIT } from './django-env.js';

export interface ManagePyOptions {
  /** Extra environment (e.g. a scratch database name in the project's own variables). */
  env?: NodeJS.ProcessEnv;
  /** Stream the child's output to ours (migrate's progress), instead of capturing it. */
  live?: boolean;
  /** Run against a different checkout (e.g. a snapshot of the staged tree). */
  projectRoot?: string;
  managePy?: string;
  timeoutMs?: number;
  /** Aborting it terminates the child (e.g. on Ctrl-C, before a scratch database is dropped). */
  cancelSignal?: AbortSignal;
  /** Called with the child's pid as soon as it has started (deploy journals it, to detect an orphaned migrate). */
  onSpawn?: (pid: number) => void;
  /**
   * Run against this database instead of the settings' own: DATABASES[alias] is replaced inside the Python
   * process before Django sets up, and every connection Django opens for the alias is checked to be on
   * `database.database` before anything runs on it (the child exits with HELPER_EXIT.wrongDatabase otherwise).
   */
  pinned?: { alias: string; database: ConnectionSettings };
}

// --fake marks migrations applied without changing the schema: the database then lies about itself.
const FORBIDDEN_FLAGS = ['--fake', '--fake-initial'];

/** Runs `python manage.py <args>`; never rejects on a non-zero exit (callers interpret exit codes). */
export async function runManagePy(config: ResolvedConfig, args: string[], options: ManagePyOptions = {}): Promise<Result> {
  const forbidden = args.find((arg) => FORBIDDEN_FLAGS.includes(arg.split('=')[0]!));
  if (forbidden) {
    throw new UserError(`migration-guard never runs migrate with ${forbidden}: it records migrations as applied without changing the schema, so the database and django_migrations stop agreeing.`, {
      fix: 'Run the migration for real (after a backup: migration-guard backup), or fix the schema first and let migrate apply it.',
    });
  }
  const pinnedEnv = options.pinned ? { MIGRATION_GUARD_PINNED_DATABASE: JSON.stringify(pinnedDatabase(options.pinned.database)) } : {};
  const execaOptions: Options = {
    cwd: options.projectRoot ?? config.projectRoot,
    env: djangoEnv(config, { ...options.env, ...pinnedEnv }),
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.cancelSignal,
    stdin: 'ignore',
    ...(options.live ? { stdout: 'inherit', stderr: 'inherit' } : { all: true }),
  };
  try {
    const managePy = options.managePy ?? config.managePy;
    const argv = options.pinned ? [DJANGO_HELPER, managePy, 'pinned', options.pinned.alias, ...args] : [managePy, ...args];
    return await startPython(config.python.path, argv, execaOptions, options.onSpawn);
  } catch (error) {
    throw new UserError(`Could not start Python (${config.python.path}, chosen from ${config.python.source}): ${(error as Error).message}`, {
      fix: 'Create the virtualenv (python3 -m venv .venv && .venv/bin/pip install -r requirements.txt) or set "python" in the config.',
      cause: error,
    });
  }
}

/**
 * DATABASES[alias] for a database migration-guard chose: the socket as HOST (Django passes a HOST that
 * starts with "/" as the Unix socket), TLS files as OPTIONS['ssl']. Travels in the child's environment.
 */
function pinnedDatabase(database: ConnectionSettings): Record<string, unknown> {
  return {
    NAME: database.database,
    USER: database.user,
    PASSWORD: database.password,
    HOST: database.socket ?? database.host,
    PORT: database.socket ? '' : String(database.port),
    OPTIONS: database.ssl ? { ssl: database.ssl } : {},
  };
}

/** Django's version under the project's Python, or an explanation of why Python/Django cannot run. */
export async function probeDjango(config: ResolvedConfig): Promise<{ ok: true; version: string } | { ok: false; problem: string }> {
  const probe = await probePython(config.python.path, djangoEnv(config));
  if (probe.ok) return { ok: true, version: probe.djangoVersion };
  if (probe.reason === 'absent') return { ok: false, problem: `${config.python.path} does not exist` };
  if (probe.reason === 'no-django') return { ok: false, problem: `${config.python.path} cannot import Django (${probe.detail})` };
  return { ok: false, problem: `${config.python.path} failed: ${probe.detail}` };
}
