// Finds, validates and resolves the configuration into absolute paths and concrete choices.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, UserError } from '../errors.js';
import type { RawConfig } from './schema.js';
import { CONFIG_EXAMPLES, ROLES, type Role } from './vocabulary.js';
import { validateConfigData } from './validated-config-cache.js';
import { readLocalState } from './local-state.js';
import { choosePython, type PythonChoice } from '../django/python-interpreter.js';
import {
  discoverApps,
  findManagePy,
  readAuthUserModel,
  readSettingsModuleFromManagePy,
  settingsFile,
  type GuardedApp,
} from '../django/project-layout.js';

export const CONFIG_FILE_NAME = 'migration-guard.config.json';

export interface ResolvedConfig {
  /** The file the configuration came from, or null when running on defaults. */
  configFile: string | null;
  /** Directory of the config file (normally the git repository root). */
  repoRoot: string;
  projectRoot: string;
  managePy: string;
  python: PythonChoice;
  settingsModule: string | null;
  settingsFile: string | null;
  authUserModel: string;
  apps: GuardedApp[];
  role: Role;
  /** Where `role` came from: MIGRATION_GUARD_ROLE or the config. */
  roleSource: string;
  raw: RawConfig;
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Explicit config file (the --config flag). */
  configPath?: string;
  /**
   * Remember the validated configuration in the checkout's cache directory (and use what was
   * remembered), for commands that keep caches there anyway and must start fast (status). Commands
   * that promise to change nothing, such as deploy --plan, leave it off.
   */
  rememberValidation?: boolean;
}

interface FoundConfig {
  file: string;
  data: unknown;
}

/** Walks up from `start` to the first migration-guard.config.json or package.json with a migrationGuard key. */
export function findConfigFile(start: string): FoundConfig | null {
  let dir = path.resolve(start);
  for (;;) {
    const dedicated = path.join(dir, CONFIG_FILE_NAME);
    if (existsSync(dedicated)) return { file: dedicated, data: readJson(dedicated) };
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      const data = readJson(pkg) as { migrationGuard?: unknown };
      if (data && typeof data === 'object' && 'migrationGuard' in data) return { file: pkg, data: data.migrationGuard };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Loads and resolves the configuration; every problem is a ConfigError naming key, file and example. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const found = options.configPath
    ? { file: path.resolve(cwd, options.configPath), data: readJson(path.resolve(cwd, options.configPath)) }
    : findConfigFile(cwd);

  let repoRoot: string;
  let data: unknown;
  if (found) {
    repoRoot = path.dirname(found.file);
    data = found.data ?? {};
  } else if (findManagePy(cwd)) {
    repoRoot = cwd;
    data = {};
  } else {
    throw new UserError(`No Django project here: no manage.py in ${cwd} (or one level below), and no migration-guard configuration in it or any parent directory.`, {
      fix: `Run it from the Django project (where manage.py is): migration-guard -C path/to/project <command>   (or say where it is: { "managePy": "src/manage.py" } in ${CONFIG_FILE_NAME} at the repository root)`,
    });
  }
  const configFile = found?.file ?? null;
  const fileLabel = configFile ?? '(defaults)';
  const raw = await validateConfigData(data, fileLabel, options.rememberValidation ? repoRoot : null);

  const projectRoot = raw.projectRoot ? path.resolve(repoRoot, raw.projectRoot) : repoRoot;
  if (!existsSync(projectRoot)) {
    throw new ConfigError('projectRoot', fileLabel, `points to ${projectRoot}, which does not exist`, CONFIG_EXAMPLES.projectRoot!);
  }
  const managePy = raw.managePy ? path.resolve(repoRoot, raw.managePy) : findManagePy(projectRoot);
  if (!managePy || !existsSync(managePy)) {
    throw new ConfigError('managePy', fileLabel, managePy ? `points to ${managePy}, which does not exist` : 'is not set and no manage.py was found', CONFIG_EXAMPLES.managePy!);
  }
  const djangoRoot = path.dirname(managePy);
  const settingsModule = raw.settingsModule ?? env.DJANGO_SETTINGS_MODULE ?? readSettingsModuleFromManagePy(managePy);
  const settingsPath = settingsModule ? settingsFile(djangoRoot, settingsModule) : null;
  const authUserModel = raw.authUserModel ?? (settingsPath ? readAuthUserModel(settingsPath) : null) ?? 'auth.User';

  const { role, roleSource } = resolveRole(raw.role, env, fileLabel);
  return {
    configFile,
    repoRoot,
    projectRoot: djangoRoot,
    managePy,
    python: choosePython({ configured: raw.python, recorded: readLocalState(repoRoot).python, repoRoot, projectRoot: djangoRoot, env }),
    settingsModule,
    settingsFile: settingsPath,
    authUserModel,
    apps: resolveApps(raw.apps, djangoRoot, fileLabel),
    role,
    roleSource,
    raw,
  };
}

function resolveRole(configured: Role, env: NodeJS.ProcessEnv, fileLabel: string): { role: Role; roleSource: string } {
  const override = env.MIGRATION_GUARD_ROLE;
  if (override === undefined || override === '') return { role: configured, roleSource: `config (${fileLabel})` };
  if (!(ROLES as readonly string[]).includes(override)) {
    throw new ConfigError('MIGRATION_GUARD_ROLE', 'the environment', `is "${override}", not one of ${ROLES.join(', ')}`, 'MIGRATION_GUARD_ROLE=staging');
  }
  return { role: override as Role, roleSource: 'MIGRATION_GUARD_ROLE' };
}

function resolveApps(configured: string[] | undefined, projectRoot: string, fileLabel: string): GuardedApp[] {
  const discovered = discoverApps(projectRoot);
  if (!configured) return discovered;
  return configured.map((entry) => {
    if (entry.includes('/')) {
      const dir = path.resolve(projectRoot, entry);
      if (!existsSync(path.join(dir, 'migrations', '__init__.py'))) {
        throw new ConfigError('apps', fileLabel, `names ${entry}, which has no migrations/__init__.py`, CONFIG_EXAMPLES.apps!);
      }
      return { label: path.basename(dir), dir, migrationsDir: path.join(dir, 'migrations') };
    }
    const app = discovered.find((candidate) => candidate.label === entry);
    if (!app) {
      const known = discovered.map((a) => a.label).join(', ') || 'none found';
      throw new ConfigError('apps', fileLabel, `names "${entry}", which is not an app with a migrations/ package under ${projectRoot} (found: ${known})`, CONFIG_EXAMPLES.apps!);
    }
    return app;
  });
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read ${file}: ${(error as Error).message}`, { fix: `Check the path given to --config.` });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${(error as Error).message}`, { fix: `Fix the JSON syntax in ${file} (e.g. check with: node -e "JSON.parse(require('fs').readFileSync('${file}','utf8'))").` });
  }
}
