// The apps `status` reports on, as `showmigrations` does: every installed app with migrations (Django's
// contrib apps and third-party packages too), from the settings; or exactly the config's "apps".
import type { ResolvedConfig } from '../config/load-config.js';
import { loadDjangoSettings } from './django-settings-cache.js';

/** `config` with `apps` = the installed apps that have migrations (unless the config names its apps). */
export async function withInstalledApps(config: ResolvedConfig, env: NodeJS.ProcessEnv, alias: string): Promise<ResolvedConfig> {
  if (config.raw.apps) return config;
  const settings = await loadDjangoSettings(config, alias, env);
  const apps = settings.apps
    .flatMap((app) => (app.migrationsDir ? [{ label: app.label, dir: app.path, migrationsDir: app.migrationsDir }] : []))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)); // showmigrations' order
  return { ...config, apps, authUserModel: config.raw.authUserModel ?? settings.authUserModel };
}
