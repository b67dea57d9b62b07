// The checks `doctor` runs on a checkout, each returning an outcome and the command that fixes a failure.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { describeConnection, explicitConnectionSettings, type ConnectionSettings } from '../db/connection-settings.js';
import { withConnection } from '../db/connect.js';
import { describeIdentity, identifyConnection, sameIdentity, type ConnectionIdentity } from '../db/connection-identity.js';
import { checkSideDatabasePrivileges } from '../db/privileges.js';
import { connectionFromSettings, DEFAULT_ALIAS } from '../db/database-target.js';
import { probeDjango } from '../django/manage-py.js';
import { identifyDjangoConnection, readDjangoSettings } from '../django/ask-django.js';
import type { DjangoSettings } from '../django/django-settings.js';
import { withInstalledApps } from '../django/installed-apps.js';
import { CONFIG_EXAMPLES } from '../config/vocabulary.js';
import { openRepository } from '../git/repository.js';
import { hooksPath as readHooksPath } from '../hooks/installation/husky.js';
import { readProjectStatus } from '../status/project-status.js';
import { UserError } from '../errors.js';
import { describeAttempts, discoverDjangoPython } from '../django/python-discovery.js';
import { EXPLICIT_PYTHON_SOURCES } from '../django/python-interpreter.js';
import { readLocalState } from '../config/local-state.js';

export type CheckState = 'ok' | 'warn' | 'fail' | 'skipped';

export interface CheckOutcome {
  name: string;
  state: CheckState;
  detail: string;
  fix?: string;
}

/** Runs every check in order; later checks are skipped when what they need failed. */
export async function runDoctorChecks(config: ResolvedConfig, env: NodeJS.ProcessEnv, alias: string = DEFAULT_ALIAS): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  outcomes.push({ name: 'configuration', state: 'ok', detail: `${config.configFile ?? 'defaults (no config file)'}; role ${config.role} (from ${config.roleSource})` });
  outcomes.push(await checkHooks(config.repoRoot));
  outcomes.push({ name: 'manage.py', state: 'ok', detail: path.relative(config.repoRoot, config.managePy) || config.managePy });
  outcomes.push({
    name: 'guarded apps',
    state: config.apps.length ? 'ok' : 'warn',
    detail: config.apps.length ? config.apps.map((app) => app.label).join(', ') : 'no app with a migrations/ package was found',
    ...(config.apps.length ? {} : { fix: 'Set "apps" in the config, e.g. "apps": ["catalog", "orders"]' }),
  });

  const django = await probeDjango(config);
  outcomes.push(django.ok ? { name: 'python and django', state: 'ok', detail: `${config.python.path} (${config.python.source}), Django ${django.version}` } : await pythonOutcome(config, env, django.problem));
  let settings: DjangoSettings | null = null;
  if (django.ok) {
    try {
      // Asked afresh, never from the cache: doctor is where a stale answer would hide a problem.
      settings = await readDjangoSettings(config, alias, env);
      const engine = settings.databases[alias]?.engine ?? `no DATABASES["${alias}"]`;
      outcomes.push({ name: 'settings', state: 'ok', detail: `${settings.settingsModule ?? '(from manage.py)'} loads: ${settings.apps.length} installed apps, DATABASES["${alias}"] ${engine}, MEDIA_ROOT ${settings.mediaRoot || '(not set)'}` });
    } catch (error) {
      outcomes.push({ name: 'settings', state: 'fail', detail: (error as Error).message, fix: (error as UserError).fix });
    }
  } else {
    outcomes.push({ name: 'settings', state: 'skipped', detail: 'needs Python with Django' });
  }

  let connection: ConnectionSettings;
  try {
    const explicit = explicitConnectionSettings(config.raw, env, config.configFile ?? '(defaults)');
    if (explicit) connection = explicit;
    else if (settings) connection = connectionFromSettings(settings, env);
    else throw new UserError('Where the database is comes from the Django settings, which could not be read (see above).', { fix: 'Fix the checks above, or state it in the config: ' + CONFIG_EXAMPLES.database });
  } catch (error) {
    outcomes.push({ name: 'database', state: 'fail', detail: (error as Error).message, fix: (error as UserError).fix });
    outcomes.push({ name: 'same database as Django', state: 'skipped', detail: 'needs the database' });
    outcomes.push({ name: 'migrations', state: 'skipped', detail: 'needs the database' });
    return outcomes;
  }
  let ours: ConnectionIdentity;
  try {
    ours = await withConnection(connection, identifyConnection);
    outcomes.push({ name: 'database', state: 'ok', detail: `connected to ${describeConnection(connection)}${describeOrigins(connection)}` });
  } catch (error) {
    outcomes.push({ name: 'database', state: 'fail', detail: `${(error as Error).message}${describeOrigins(connection)}`, fix: (error as UserError).fix });
    outcomes.push({ name: 'same database as Django', state: 'skipped', detail: 'needs the database' });
    outcomes.push({ name: 'migrations', state: 'skipped', detail: 'needs the database' });
    return outcomes;
  }
  outcomes.push(settings ? await sameDatabaseAsDjango(config, env, alias, ours) : { name: 'same database as Django', state: 'skipped', detail: 'needs the Django settings' });
  outcomes.push(await sideDatabasePrivilegesOutcome(connection));
  try {
    const status = await readProjectStatus(settings ? await withInstalledApps(config, env, alias) : config, connection);
    outcomes.push(migrationsOutcome(status.verdict, status.totals, config.role));
  } catch (error) {
    outcomes.push({ name: 'migrations', state: 'fail', detail: (error as Error).message, fix: (error as UserError).fix });
  }
  return outcomes;
}

/** Proves that migration-guard and Django reach the same server, database and account. */
async function sameDatabaseAsDjango(config: ResolvedConfig, env: NodeJS.ProcessEnv, alias: string, ours: ConnectionIdentity): Promise<CheckOutcome> {
  const name = 'same database as Django';
  let theirs: ConnectionIdentity;
  try {
    theirs = await identifyDjangoConnection(config, alias, env);
  } catch (error) {
    return { name, state: 'fail', detail: `Django itself could not connect: ${(error as Error).message}`, fix: (error as UserError).fix };
  }
  if (sameIdentity(theirs, ours)) return { name, state: 'ok', detail: `both reach ${describeIdentity(ours)}` };
  return {
    name,
    state: 'fail',
    detail: `migration-guard reaches ${describeIdentity(ours)}, but Django reaches ${describeIdentity(theirs)}`,
    fix: 'Remove "database" from the config so migration-guard reads Django\'s DATABASES, or make it name the same database.',
  };
}

/** restore-from-prod and drift work in `<database>__…` databases: does this account have what they need there? */
async function sideDatabasePrivilegesOutcome(connection: ConnectionSettings): Promise<CheckOutcome> {
  const name = 'privileges for restore and drift';
  try {
    const privileges = await withConnection(connection, (open) => checkSideDatabasePrivileges(open, connection.database));
    if (!privileges.missing.length) return { name, state: 'ok', detail: `${privileges.account} may create and fill \`${connection.database}__…\` databases (staging copies, scratch databases)` };
    return {
      name,
      state: 'warn',
      detail: `${privileges.account} lacks ${privileges.missing.join(', ')} on \`${connection.database}__…\` databases: restore-from-prod and drift cannot work there`,
      fix: `as an administrator: ${privileges.grant}`,
    };
  } catch (error) {
    return { name, state: 'warn', detail: `could not read the account's privileges: ${(error as Error).message}` };
  }
}

/** "(host from DATABASES, password from option file …)": where each value came from, never a value of the password. */
function describeOrigins(connection: ConnectionSettings): string {
  const origins = connection.origins;
  if (!origins) return '';
  const parts = Object.entries(origins).map(([key, origin]) => `${key} from ${origin}`);
  return parts.length ? `\n    (${parts.join('; ')})` : '';
}

// The chosen interpreter has no Django: what else was tried (as the hooks try it), and the fix.
async function pythonOutcome(config: ResolvedConfig, env: NodeJS.ProcessEnv, problem: string): Promise<CheckOutcome> {
  const discovery = await discoverDjangoPython({
    recorded: readLocalState(config.repoRoot).python,
    repoRoot: config.repoRoot,
    projectRoot: config.projectRoot,
    env,
    known: [{ path: config.python.path, source: config.python.source, outcome: 'no Django' }],
  });
  const tried = `tried: ${describeAttempts(discovery.tried).join('; ')}`;
  const found = discovery.found ? discovery.found.executable ?? discovery.found.path : null;
  if (found && !EXPLICIT_PYTHON_SOURCES.includes(config.python.source)) {
    return { name: 'python and django', state: 'warn', detail: `${problem}; the hooks fall back to ${found} (${discovery.found!.source}, ${discovery.found!.outcome}). ${tried}`, fix: `npx migration-guard install --python ${found}` };
  }
  if (found) {
    // An interpreter named on purpose is never replaced: point the setting at the one that works.
    return { name: 'python and django', state: 'fail', detail: `${problem} (named by ${config.python.source}, so the hooks use no other); ${found} has ${discovery.found!.outcome}. ${tried}`, fix: `set ${config.python.source === 'MIGRATION_GUARD_PYTHON' ? 'MIGRATION_GUARD_PYTHON' : '"python" in the config'} to ${found}` };
  }
  return { name: 'python and django', state: 'fail', detail: `${problem}. ${tried}`, fix: 'npx migration-guard install --python /path/to/your/venv/bin/python   (or: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt)' };
}

function migrationsOutcome(verdict: string, totals: { applied: number; pending: number; appliedMissingOnDisk: number }, role: string): CheckOutcome {
  const migrate = role === 'development' ? 'python manage.py migrate' : 'migration-guard deploy';
  if (verdict === 'in-sync') return { name: 'migrations', state: 'ok', detail: `all ${totals.applied} applied` };
  if (verdict === 'pending') return { name: 'migrations', state: 'warn', detail: `${totals.pending} not applied yet`, fix: migrate };
  return { name: 'migrations', state: 'fail', detail: `${totals.appliedMissingOnDisk} applied in the database but missing in the code (database ahead)`, fix: 'migration-guard status   (it names them and how to roll them back)' };
}

async function checkHooks(repoRoot: string): Promise<CheckOutcome> {
  // Where `install` writes them: the git root's .husky/ (the config may sit in a subdirectory), or
  // <dir>/.husky beside a package.json in a subdirectory (husky's documented sub-directory set-up).
  const root = await openRepository(repoRoot).then((repository) => repository.root, () => repoRoot);
  const hooksPath = readHooksPath(root) ?? '';
  const candidates = [...new Set([...(hooksPath.endsWith('/_') ? [hooksPath.slice(0, -2)] : []), '.husky', ...subdirectoryHuskyDirs(root)])];
  const huskyRel = candidates.find((dir) => {
    const preCommit = path.join(root, dir, 'pre-commit');
    return existsSync(preCommit) && readFileSync(preCommit, 'utf8').includes('migration-guard');
  });
  if (!huskyRel) {
    return { name: 'git hooks', state: 'fail', detail: '.husky/pre-commit does not call migration-guard', fix: 'npx migration-guard install' };
  }
  if (hooksPath !== `${huskyRel}/_`) {
    return { name: 'git hooks', state: 'fail', detail: hooksPath ? `core.hooksPath is "${hooksPath}", not ${huskyRel}/_` : 'core.hooksPath is not set: git does not run the hooks in this clone', fix: `npm install${huskyRel === '.husky' ? '' : ` (in ${path.dirname(huskyRel)}/)`}   (its "prepare" script runs husky, which sets core.hooksPath)` };
  }
  return { name: 'git hooks', state: 'ok', detail: `installed (core.hooksPath = ${huskyRel}/_)` };
}

// <dir>/.husky for each first-level directory holding a package.json (frontend/, web/, …).
function subdirectoryHuskyDirs(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules' && existsSync(path.join(root, entry.name, 'package.json')))
      .map((entry) => `${entry.name}/.husky`);
  } catch {
    return [];
  }
}
