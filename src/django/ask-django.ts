// Asks the project's own manage.py (through migration-guard's helper script) what its settings say and
// where Django's own connection lands: one Python run each.
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionIdentity } from '../db/connection-identity.js';
import { UserError } from '../errors.js';
import { DJANGO_HELPER, HELPER_EXIT, djangoEnv } from './django-env.js';
import type { DjangoSettings } from './django-settings.js';
import { runPython } from './project-python.js';

const RESULT_MARKER = 'MIGRATION_GUARD_RESULT ';

/** Asks the project's Django for its settings (one Python run); a settings module that fails is a UserError. */
export async function readDjangoSettings(config: ResolvedConfig, alias: string, env: NodeJS.ProcessEnv): Promise<DjangoSettings> {
  return { alias, ...((await runDjangoHelper(config, 'discover', alias, env)) as unknown as Omit<DjangoSettings, 'alias'>) };
}

/** Connects the way Django does (one Python run) and asks the server who and where that connection is. */
export async function identifyDjangoConnection(config: ResolvedConfig, alias: string, env: NodeJS.ProcessEnv): Promise<ConnectionIdentity> {
  return (await runDjangoHelper(config, 'identify', alias, env)) as unknown as ConnectionIdentity;
}

async function runDjangoHelper(config: ResolvedConfig, mode: 'discover' | 'identify', alias: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const result = await runPython(config.python.path, [DJANGO_HELPER, config.managePy, mode, alias], { cwd: config.projectRoot, env: djangoEnv(config, {}, env), timeoutMs: 120_000 });
  if (result.spawnError === 'ENOENT') throw pythonMissing(config, `${config.python.path} does not exist`);
  if (result.spawnError) throw pythonMissing(config, result.stderr);
  const answer = parseHelperResult(result.stdout);
  if (answer && 'error' in answer) {
    const { type, message, module } = answer.error as { type: string; message: string; module: string | null };
    const what = mode === 'discover' ? `The Django settings${module ? ` module "${module}"` : ''} could not be loaded` : `Django could not connect to DATABASES["${alias}"]`;
    throw new UserError(`${what}: ${type}: ${message}`, {
      fix: `Fix the settings (or set the environment variables they read), then check with: ${config.python.path} ${config.managePy} check`,
    });
  }
  if (!answer || result.exitCode !== 0) {
    const lastLine = result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`;
    if (result.exitCode === HELPER_EXIT.notAManagePy) {
      throw new UserError(`${config.managePy} does not run Django's command line (execute_from_command_line), so its settings cannot be read.`, { fix: 'Set "managePy" in migration-guard.config.json to the project\'s real manage.py.' });
    }
    if (/No module named '?django'?/.test(result.stderr)) throw pythonMissing(config, `${config.python.path} cannot import Django`);
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
