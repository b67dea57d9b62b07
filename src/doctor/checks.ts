// The checks `doctor` runs on a checkout, each returning an outcome and the command that fixes a failure.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { resolveConnectionSettings, describeConnection } from '../db/connection-settings.js';
import { probeDjango, probeSettings } from '../django/manage-py.js';
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
export async function runDoctorChecks(config: ResolvedConfig, env: NodeJS.ProcessEnv): Promise<CheckOutcome[]> {
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
  outcomes.push(django.ok ? { name: 'python and django', state: 'ok', detail: `${config.python.path} (${config.python.source}), Django ${django.version}` } : pythonOutcome(config, env, django.problem));
  if (django.ok) {
    const settings = await probeSettings(config);
    outcomes.push(
      settings.ok
        ? { name: 'settings', state: 'ok', detail: `${config.settingsModule ?? '(from manage.py)'} loads, ${settings.installedApps} installed apps` }
        : { name: 'settings', state: 'fail', detail: `${config.settingsModule ?? 'settings'} does not load: ${settings.problem}`, fix: 'Set "settingsModule" in the config, and the environment variables the settings read (see the error).' },
    );
  } else {
    outcomes.push({ name: 'settings', state: 'skipped', detail: 'needs Python with Django' });
  }

  let connection;
  try {
    connection = resolveConnectionSettings(config.raw, env, config.configFile ?? '(defaults)');
  } catch (error) {
    outcomes.push({ name: 'database', state: 'fail', detail: (error as Error).message, fix: (error as UserError).fix });
    outcomes.push({ name: 'migrations', state: 'skipped', detail: 'needs the database' });
    return outcomes;
  }
  try {
    const status = await readProjectStatus(config, connection);
    outcomes.push({ name: 'database', state: 'ok', detail: `connected to ${describeConnection(connection)}` });
    outcomes.push(migrationsOutcome(status.verdict, status.totals, config.role));
  } catch (error) {
    outcomes.push({ name: 'database', state: 'fail', detail: (error as Error).message, fix: (error as UserError).fix });
    outcomes.push({ name: 'migrations', state: 'skipped', detail: 'needs the database' });
  }
  return outcomes;
}

// The chosen interpreter has no Django: what else was tried (as the hooks try it), and the fix.
function pythonOutcome(config: ResolvedConfig, env: NodeJS.ProcessEnv, problem: string): CheckOutcome {
  const discovery = discoverDjangoPython({
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
