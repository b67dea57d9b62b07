// Chooses the Python that runs the project's manage.py: configured, recorded at install, virtualenv, python3.
// Node builtins only: the hook fast path's context cache checks the same virtualenv candidates.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface PythonChoice {
  path: string;
  /** Where the choice came from, for doctor and error messages. */
  source: string;
}

/**
 * The virtualenv interpreters choosePython takes, in its order, when one exists: $VIRTUAL_ENV's,
 * then .venv/ and venv/ in the project's and the repository's root.
 */
export function virtualenvPythons(options: { repoRoot: string; projectRoot: string; env: NodeJS.ProcessEnv }): PythonChoice[] {
  const { repoRoot, projectRoot, env } = options;
  const candidates: PythonChoice[] = [];
  if (env.VIRTUAL_ENV) candidates.push({ path: path.join(env.VIRTUAL_ENV, 'bin', 'python'), source: '$VIRTUAL_ENV' });
  for (const root of new Set([projectRoot, repoRoot])) {
    for (const venv of ['.venv', 'venv']) {
      const candidate = path.join(root, venv, 'bin', 'python');
      candidates.push({ path: candidate, source: `${path.relative(repoRoot, candidate) || candidate}` });
    }
  }
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
  const { configured, recorded, repoRoot, projectRoot, env } = options;
  if (env.MIGRATION_GUARD_PYTHON) return { path: env.MIGRATION_GUARD_PYTHON, source: 'MIGRATION_GUARD_PYTHON' };
  if (configured) {
    const resolved = configured.includes('/') ? path.resolve(repoRoot, configured) : configured;
    return { path: resolved, source: 'config "python"' };
  }
  const virtualenv = virtualenvPythons({ repoRoot, projectRoot, env }).find((candidate) => existsSync(candidate.path));
  if (virtualenv) return virtualenv;
  // Recorded by `migration-guard install`, so hooks started from GUI clients find the virtualenv.
  if (recorded && existsSync(recorded)) return { path: recorded, source: 'recorded by migration-guard install' };
  return { path: 'python3', source: 'default (python3 on PATH)' };
}
