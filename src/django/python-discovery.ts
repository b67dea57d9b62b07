// Looks for a Python that imports Django the way a teammate's machine has one, when the chosen
// interpreter cannot: every candidate choosePython knows, Poetry's and Pipenv's environments (when
// those tools and their project files are present) and python3 on PATH. Each is started once; the
// list of what was tried is what doctor and a blocked hook show.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pythonCandidates, resolveExecutable, type PythonChoice } from './python-interpreter.js';
import { probePython } from './project-python.js';

export interface PythonAttempt extends PythonChoice {
  /** 'absent', 'cannot start', 'no Django', or 'Django 3.2.25'. */
  outcome: string;
  /** The interpreter's own sys.executable when it imports Django. */
  executable?: string;
}

export interface DiscoveryOptions {
  recorded?: string;
  repoRoot: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  /** Interpreters already known not to work (not started again; listed with their outcome). */
  known?: PythonAttempt[];
}

export interface Discovery {
  found: PythonAttempt | null;
  tried: PythonAttempt[];
}

/** Tries every candidate in order until one imports Django. */
export async function discoverDjangoPython(options: DiscoveryOptions): Promise<Discovery> {
  const tried: PythonAttempt[] = [...(options.known ?? [])];
  const seen = new Set(tried.map((attempt) => attempt.path));
  const candidates = [...pythonCandidates(options), ...toolEnvironments(options), { path: 'python3', source: 'python3 on PATH' }];
  for (const candidate of candidates) {
    if (seen.has(candidate.path)) continue;
    seen.add(candidate.path);
    const command = resolveExecutable(candidate.path, options.env);
    if (!existsSync(command)) {
      tried.push({ ...candidate, outcome: 'absent' });
      continue;
    }
    const probe = await probePython(command);
    if (probe.ok) {
      const attempt = { ...candidate, outcome: `Django ${probe.djangoVersion}`, executable: probe.executable };
      tried.push(attempt);
      return { found: attempt, tried };
    }
    tried.push({ ...candidate, outcome: probe.reason === 'no-django' ? 'no Django' : 'cannot start' });
  }
  return { found: null, tried };
}

/** One line per attempt, for messages: ".venv/bin/python (absent)". */
export function describeAttempts(tried: readonly PythonAttempt[]): string[] {
  return tried.map((attempt) => `${attempt.source}: ${attempt.path === attempt.source ? '' : `${attempt.path} `}(${attempt.outcome})`);
}

// Poetry's and Pipenv's environments live outside the project by default; their tools say where.
function toolEnvironments(options: DiscoveryOptions): PythonChoice[] {
  const roots = [...new Set([options.projectRoot, options.repoRoot])];
  const result: PythonChoice[] = [];
  const usesPoetry = roots.find((root) => readText(path.join(root, 'pyproject.toml'))?.includes('[tool.poetry'));
  if (usesPoetry) {
    const env = toolOutput('poetry', ['env', 'info', '-p'], usesPoetry, options.env);
    result.push({ path: env ? path.join(env, 'bin', 'python') : 'poetry env info -p', source: env ? 'Poetry environment' : 'Poetry environment (poetry not on PATH or no environment)' });
  }
  const usesPipenv = roots.find((root) => existsSync(path.join(root, 'Pipfile')));
  if (usesPipenv) {
    const env = toolOutput('pipenv', ['--venv'], usesPipenv, options.env);
    result.push({ path: env ? path.join(env, 'bin', 'python') : 'pipenv --venv', source: env ? 'Pipenv environment' : 'Pipenv environment (pipenv not on PATH or no environment)' });
  }
  return result;
}

function toolOutput(tool: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string | null {
  const command = resolveExecutable(tool, env);
  if (!existsSync(command)) return null;
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 20_000 });
  const line = result.status === 0 ? result.stdout.trim().split('\n').pop()?.trim() : undefined;
  return line && path.isAbsolute(line) ? line : null;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
