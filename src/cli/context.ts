// What every command starts from: the global options, the loaded configuration, and the database and
// media directory Django's settings (or the explicit config) lead to.
import type { Command } from 'commander';
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { DEFAULT_ALIAS, resolveConnectionSettings } from '../db/database-target.js';
import { resolveMediaDir } from '../django/media-root.js';

export interface GlobalOptions {
  config?: string;
  cwd?: string;
  /** Django's database alias (`--database`); false where a command's `--no-database` was given. */
  database?: string | boolean;
}

export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config: ResolvedConfig;
  /** The DATABASES alias the command works on (`--database`, default "default"). */
  alias: string;
  /** The live database's connection settings (a UserError when they cannot be found). */
  connectionSettings(): Promise<ConnectionSettings>;
  /** The media directory: the config's "media", else the settings' MEDIA_ROOT; null when neither says. */
  mediaDir(): Promise<string | null>;
}

/** Loads the configuration for a command from its global options (--config, --cwd, --database). */
export async function commandContext(command: Command, options: Pick<LoadConfigOptions, 'rememberValidation'> = {}): Promise<CommandContext> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const cwd = globals.cwd ?? process.cwd();
  const env = process.env;
  const config = await loadConfig({ cwd, env, configPath: globals.config, ...options });
  const alias = typeof globals.database === 'string' ? globals.database : DEFAULT_ALIAS;
  let settings: Promise<ConnectionSettings> | undefined;
  return {
    cwd,
    env,
    config,
    alias,
    connectionSettings: () => (settings ??= resolveConnectionSettings(config, env, alias)),
    mediaDir: () => resolveMediaDir(config, env, alias),
  };
}
