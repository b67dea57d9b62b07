// What the project's Django itself uses: DATABASES[alias] as the MySQL backend hands it to MySQLdb,
// MEDIA_ROOT and the installed apps' migration directories — asked of the project's own manage.py.
import { execa } from 'execa';
import type { ResolvedConfig } from '../config/load-config.js';
import { UserError } from '../errors.js';
import type { ConnectionIdentity } from '../db/connection-identity.js';
import { DJANGO_HELPER, HELPER_EXIT, djangoEnv } from './manage-py.js';

const RESULT_MARKER = 'MIGRATION_GUARD_RESULT ';

/** An installed app and where its migrations are (null: the app has no migrations package). */
export interface InstalledApp {
  label: string;
  name: string;
  path: string;
  migrationsDir: string | null;
}

/** The keyword arguments Django's MySQL backend passes to MySQLdb.connect() (without `conv`). */
export interface MySQLdbParams {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  passwd?: string;
  database?: string;
  db?: string;
  unix_socket?: string;
  read_default_file?: string;
  read_default_group?: string;
  charset?: string;
  ssl?: Record<string, string>;
  [option: string]: unknown;
}

export interface DjangoSettings {
  alias: string;
  djangoVersion: string;
  settingsModule: string | null;
  /** Every alias's engine; `params` only for the alias asked about, and only for a MySQL engine. */
  databases: Record<string, { engine: string; params: MySQLdbParams | null }>;
  mediaRoot: string;
  authUserModel: string;
  apps: InstalledApp[];
  /** Environment variables the settings read while loading, with their values as the process started (null: unset). */
  environmentRead: Record<string, string | null>;
  /** The settings iterated over the whole environment (then every variable counts). */
  environmentIterated: boolean;
  /** manage.py, the settings' own modules and the files they opened while loading. */
  files: string[];
}

/** Asks the project's Django for its settings (one Python run); a settings module that fails is a UserError. */
export async function readDjangoSettings(config: ResolvedConfig, alias: string, env: NodeJS.ProcessEnv): Promise<DjangoSettings> {
  return { alias, ...((await runDjangoHelper(config, 'discover', alias, env)) as unknown as Omit<DjangoSettings, 'alias'>) };
}

/** Connects the way Django does (one Python run) and asks the server who and where that connection is. */
export async function identifyDjangoConnection(config: ResolvedConfig, alias: string, env: NodeJS.ProcessEnv): Promise<ConnectionIdentity> {
  return (await runDjangoHelper(config, 'identify', alias, env)) as unknown as ConnectionIdentity;
}

async function runDjangoHelper(config: ResolvedConfig, mode: 'discover' | 'identify', alias: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  let result;
  try {
    result = await execa(config.python.path, [DJANGO_HELPER, config.managePy, mode, alias], {
      cwd: config.projectRoot,
      env: djangoEnv(config, {}, env),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
  } catch (error) {
    throw pythonMissing(config, (error as Error).message, error);
  }
  if ((result as { code?: string }).code === 'ENOENT') throw pythonMissing(config, `${config.python.path} does not exist`);
  const answer = parseHelperResult(String(result.stdout ?? ''));
  if (answer && 'error' in answer) {
    const { type, message, module } = answer.error as { type: string; message: string; module: string | null };
    const what = mode === 'discover' ? `The Django settings${module ? ` module "${module}"` : ''} could not be loaded` : `Django could not connect to DATABASES["${alias}"]`;
    throw new UserError(`${what}: ${type}: ${message}`, {
      fix: `Fix the settings (or set the environment variables they read), then check with: ${config.python.path} ${config.managePy} check`,
    });
  }
  if (!answer || result.exitCode !== 0) {
    const lastLine = String(result.stderr ?? '').trim().split('\n').pop() || `exit code ${result.exitCode}`;
    if (result.exitCode === HELPER_EXIT.notAManagePy) {
      throw new UserError(`${config.managePy} does not run Django's command line (execute_from_command_line), so its settings cannot be read.`, { fix: 'Set "managePy" in migration-guard.config.json to the project\'s real manage.py.' });
    }
    if (/No module named '?django'?/.test(String(result.stderr))) throw pythonMissing(config, `${config.python.path} cannot import Django`);
    throw new UserError(`Could not read the Django settings through ${config.managePy}: ${lastLine}`, { fix: `Check that this works: ${config.python.path} ${config.managePy} check` });
  }
  return answer;
}

function parseHelperResult(stdout: string): Record<string, unknown> | null {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (!line) return null;
  try {
    return JSON.parse(line.slice(RESULT_MARKER.length)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function pythonMissing(config: ResolvedConfig, problem: string, cause?: unknown): UserError {
  return new UserError(`Cannot ask Django for its settings: ${problem} (Python chosen from ${config.python.source}).`, {
    fix: 'Activate the project\'s virtualenv, or record its interpreter: npx migration-guard install --python .venv/bin/python   (or set "python" in the config)',
    cause,
  });
}

/** The settings' MySQL connection arguments for their alias; a non-MySQL engine is a UserError naming it. */
export function mysqlParams(settings: DjangoSettings): MySQLdbParams {
  const database = settings.databases[settings.alias];
  if (!database) {
    throw new UserError(`The settings module "${settings.settingsModule}" has no DATABASES["${settings.alias}"] (it has: ${Object.keys(settings.databases).join(', ') || 'none'}).`, {
      fix: `Use one of those with --database ALIAS.`,
    });
  }
  if (!database.params) {
    throw new UserError(`DATABASES["${settings.alias}"] in "${settings.settingsModule}" uses the engine ${database.engine || '(none)'}; migration-guard works with MySQL and MariaDB only (django.db.backends.mysql).`, {
      fix: `Point --database at a MySQL alias, or set "database" in migration-guard.config.json.`,
    });
  }
  return database.params;
}
