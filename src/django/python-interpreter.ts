// Chooses the Python that runs the project's manage.py: configured, recorded at install, virtualenv, python3.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface PythonChoice {
  path: string;
  /** Where the choice came from, for doctor and error messages. */
  source: string;
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
  if (env.VIRTUAL_ENV) {
    const candidate = path.join(env.VIRTUAL_ENV, 'bin', 'python');
    if (existsSync(candidate)) return { path: candidate, source: '$VIRTUAL_ENV' };
  }
  for (const root of new Set([projectRoot, repoRoot])) {
    for (const venv of ['.venv', 'venv']) {
      const candidate = path.join(root, venv, 'bin', 'python');
      if (existsSync(candidate)) return { path: candidate, source: `${path.relative(repoRoot, candidate) || candidate}` };
    }
  }
  // Recorded by `migration-guard install`, so hooks started from GUI clients find the virtualenv.
  if (recorded && existsSync(recorded)) return { path: recorded, source: 'recorded by migration-guard install' };
  return { path: 'python3', source: 'default (python3 on PATH)' };
}
