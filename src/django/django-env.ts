// What every Python child that runs the project's Django gets: the environment, and migration-guard's
// helper scripts with the exit codes of the main one. No process is spawned here (project-python.ts does that;
// status loads this without it).
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config/load-config.js';

/** migration-guard's Python helpers, shipped as real files (package.json "files" includes src/django/python). */
export const PYTHON_HELPERS = {
  /** Runs manage.py with `discover` / `identify` / `pinned` instead of Django's command line. */
  django: helper('migration_guard_django.py'),
  /** `makemigrations --check --dry-run --noinput`, recording what Django would write and why it failed. */
  makemigrationsCheck: helper('makemigrations_check.py'),
  /** Django's loader for one app's migration files. */
  readMigrations: helper('read_migrations.py'),
  /** Django's own plan, pending migrations and their sqlmigrate SQL (run through `manage.py shell`). */
  migrationProbe: helper('migration_probe.py'),
  /** The replay that classifies DDL on a scratch database (run through `manage.py shell`, pinned). */
  ddlReplay: helper('ddl_replay.py'),
} as const;

function helper(file: string): string {
  return fileURLToPath(new URL(`../../src/django/python/${file}`, import.meta.url));
}

/** The Python helper that runs manage.py with migration-guard's entry instead of Django's command line. */
export const DJANGO_HELPER = PYTHON_HELPERS.django;

/** Exit codes of the helper (see its docstring). */
export const HELPER_EXIT = { wrongDatabase: 86, settingsFailed: 87, notAManagePy: 88 } as const;

/** The environment a Django child gets: ours (or `base`), the settings module when configured, unbuffered output. */
export function djangoEnv(config: ResolvedConfig, extra: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    ...(config.settingsModule ? { DJANGO_SETTINGS_MODULE: config.settingsModule } : {}),
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}
