// Chooses the Python that runs the project's manage.py: configured, virtualenv, manage.py's shebang,
// recorded at install, python3. Node builtins only: the hook fast path's context cache checks the
// same candidates (the slower Poetry/Pipenv look-ups live in python-discovery.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface PythonChoice {
  path: string;
  /** Where the choice came from, for doctor and error messages. */
  source: string;
}

/** Sources that name an interpreter on purpose: when it cannot import Django, nothing else is tried. */
export const EXPLICIT_PYTHON_SOURCES = ['MIGRATION_GUARD_PYTHON', 'config "python"'];

/**
 * The virtualenv interpreters choosePython takes, in its order, when one exists: $VIRTUAL_ENV's,
 * uv's $UV_PROJECT_ENVIRONMENT, then .venv/ and venv/ in the project's and the repository's root
 * (uv and `python -m venv` make .venv; Poetry does too with virtualenvs.in-project).
 */
export function virtualenvPythons(options: { repoRoot: string; projectRoot: string; env: NodeJS.ProcessEnv }): PythonChoice[] {
  const { repoRoot, projectRoot, env } = options;
  const candidates: PythonChoice[] = [];
  if (env.VIRTUAL_ENV) candidates.push({ path: path.join(env.VIRTUAL_ENV, 'bin', 'python'), source: '$VIRTUAL_ENV' });
  if (env.UV_PROJECT_ENVIRONMENT) candidates.push({ path: path.join(path.resolve(projectRoot, env.UV_PROJECT_ENVIRONMENT), 'bin', 'python'), source: '$UV_PROJECT_ENVIRONMENT (uv)' });
  for (const root of new Set([projectRoot, repoRoot])) {
    for (const venv of ['.venv', 'venv']) {
      const candidate = path.join(root, venv, 'bin', 'python');
      candidates.push({ path: candidate, source: `${path.relative(repoRoot, candidate) || candidate}` });
    }
  }
  return candidates;
}

/**
 * The interpreter manage.py's shebang names by path (`#!/home/me/.venvs/shop/bin/python`), or null;
 * `#!/usr/bin/env python3` names none (it is whatever python3 is on PATH).
 */
export function shebangPython(projectRoot: string): PythonChoice | null {
  let firstLine: string;
  try {
    firstLine = readFileSync(path.join(projectRoot, 'manage.py'), 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return null;
  }
  const match = /^#!\s*(\S+)/.exec(firstLine);
  if (!match || !path.isAbsolute(match[1]!) || !/python[\d.]*$/.test(path.basename(match[1]!))) return null;
  return { path: match[1]!, source: "manage.py's shebang" };
}

/** Every interpreter choosePython considers (after an explicit one), in its order, existing or not. */
export function pythonCandidates(options: { recorded?: string; repoRoot: string; projectRoot: string; env: NodeJS.ProcessEnv }): PythonChoice[] {
  const candidates = virtualenvPythons(options);
  const shebang = shebangPython(options.projectRoot);
  if (shebang) candidates.push(shebang);
  // Recorded by `migration-guard install`, so hooks started from GUI clients find the virtualenv.
  if (options.recorded) candidates.push({ path: options.recorded, source: 'recorded by migration-guard install' });
  return candidates;
}

/** The project's Python interpreter, by the documented order of preference. */
export function choosePython(options: {
  configured?: string;
  recorded?: string;
  repoRoot: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
}): PythonChoice {
  const { configured, repoRoot, env } = options;
  if (env.MIGRATION_GUARD_PYTHON) return { path: env.MIGRATION_GUARD_PYTHON, source: 'MIGRATION_GUARD_PYTHON' };
  if (configured) {
    const resolved = configured.includes('/') ? path.resolve(repoRoot, configured) : configured;
    return { path: resolved, source: 'config "python"' };
  }
  const found = pythonCandidates(options).find((candidate) => existsSync(candidate.path));
  if (found) return found;
  return { path: 'python3', source: 'default (python3 on PATH)' };
}

/** Absolute path of an executable named without a slash, looked up on PATH; as given otherwise. */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string {
  if (command.includes('/')) return path.resolve(command);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return command;
}
