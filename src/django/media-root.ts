// The media directory restore-from-prod writes: the config's "media" when set, else Django's MEDIA_ROOT.
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { ConfigError } from '../errors.js';
import { loadDjangoSettings } from './django-settings-cache.js';

/** The media directory (absolute), or null when neither the config nor the settings name one. */
export async function resolveMediaDir(config: ResolvedConfig, env: NodeJS.ProcessEnv, alias: string): Promise<string | null> {
  const { media } = config.raw;
  const fileLabel = config.configFile ?? '(defaults)';
  if (media.env) {
    const value = env[media.env];
    if (!value) throw new ConfigError('media.env', fileLabel, `names the variable ${media.env}, which is not set in the environment`, `export ${media.env}=/path/to/media`);
    return path.resolve(config.repoRoot, value);
  }
  if (media.path) return path.resolve(config.repoRoot, media.path);
  const settings = await loadDjangoSettings(config, alias, env);
  return settings.mediaRoot ? path.resolve(config.projectRoot, settings.mediaRoot) : null;
}
