// The one answer to "which database, and how to reach it" for every command: what the config states
// explicitly ("database.env", "database.urlEnv"), else what Django's own settings say for the alias.
import type { ResolvedConfig } from '../config/load-config.js';
import { loadDjangoSettings } from '../django/django-settings-cache.js';
import { mysqlParams, type DjangoSettings } from '../django/django-settings.js';
import { connectionFromDjango } from './connection-from-django.js';
import { explicitConnectionSettings, type ConnectionSettings } from './connection-settings.js';

export const DEFAULT_ALIAS = 'default';

/** The live database for `alias` (Django's `--database`); explicit config wins over the settings. */
export async function resolveConnectionSettings(config: ResolvedConfig, env: NodeJS.ProcessEnv, alias: string = DEFAULT_ALIAS): Promise<ConnectionSettings> {
  const explicit = explicitConnectionSettings(config.raw, env, config.configFile ?? '(defaults)');
  if (explicit) return explicit;
  return connectionFromSettings(await loadDjangoSettings(config, alias, env), env);
}

/** The connection Django's settings lead to, by the MySQL client library's rules. */
export function connectionFromSettings(settings: DjangoSettings, env: NodeJS.ProcessEnv): ConnectionSettings {
  return connectionFromDjango(mysqlParams(settings), env, `DATABASES["${settings.alias}"] in ${settings.settingsModule ?? 'the settings'}`);
}
