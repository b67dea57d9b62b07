// What every Python child that runs the project's Django gets: the environment, and migration-guard's
// helper script with its exit codes. No process is spawned here (status loads this without execa).
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config/load-config.js';

/** The Python helper that runs manage.py with migration-guard's entry instead of Django's command line. */
export const DJANGO_HELPER = fileURLToPath(new URL('../../src/django/python/migration_guard_django.py', import.meta.url));

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
