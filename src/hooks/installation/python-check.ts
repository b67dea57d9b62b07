// Finds the interpreter to record for the hooks and checks that it can import Django.
import { spawnSync } from 'node:child_process';
import { resolveExecutable } from '../python-identity.js';

export type PythonProbe = { ok: true; executable: string; djangoVersion: string } | { ok: false; problem: string };

/** Asks the interpreter for its own path (a virtualenv's python, not the base one) and Django's version. */
export function probePython(python: string): PythonProbe {
  const command = resolveExecutable(python);
  const result = spawnSync(command, ['-c', 'import sys\nprint(sys.executable)\nimport django\nprint(django.get_version())'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) return { ok: false, problem: `${python} cannot be started (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})` };
  const [executable = '', version = ''] = result.stdout.trim().split('\n');
  if (result.status !== 0) {
    const lastLine = result.stderr.trim().split('\n').pop() ?? '';
    return { ok: false, problem: `${executable || command} cannot import Django (${lastLine})` };
  }
  return { ok: true, executable: executable || command, djangoVersion: version };
}
