// What every command starts from: the global options and the loaded configuration.
import type { Command } from 'commander';
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from '../config/load-config.js';
import { resolveConnectionSettings, type ConnectionSettings } from '../db/connection-settings.js';

export interface GlobalOptions {
  config?: string;
  cwd?: string;
}

export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config: ResolvedConfig;
  /** The configured database's connection settings (throws a ConfigError when not configured). */
  connectionSettings(): ConnectionSettings;
}

/** Loads the configuration for a command from its global options (--config, --cwd). */
export async function commandContext(command: Command, options: Pick<LoadConfigOptions, 'rememberValidation'> = {}): Promise<CommandContext> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const cwd = globals.cwd ?? process.cwd();
  const env = process.env;
  const config = await loadConfig({ cwd, env, configPath: globals.config, ...options });
  return {
    cwd,
    env,
    config,
    connectionSettings: () => resolveConnectionSettings(config.raw, env, config.configFile ?? '(defaults)'),
  };
}
