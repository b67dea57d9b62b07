// The one place that starts the project's Python: a helper script of src/django/python/ (django-env.ts names
// them) or manage.py, with the project's interpreter, never rejecting on an exit code. runPython uses Node
// builtins only, so the hooks load it without execa; startPython (manage.py runs that stream their output, can be
// cancelled or must report their pid) loads execa when called.
import { spawn } from 'node:child_process';
import type { Options, Result } from 'execa';
import { resolveExecutable } from './python-interpreter.js';

export interface PythonRunOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface PythonRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  output: string;
  timedOut: boolean;
  /** The interpreter could not be started (its error code, e.g. ENOENT, or message). */
  spawnError?: string;
}

/** Runs `python args…` with stdin closed and collects its output; resolves whatever the exit code. */
export function runPython(python: string, args: string[], options: PythonRunOptions): Promise<PythonRun> {
  return new Promise((resolve) => {
    const child = spawn(python, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const all: Buffer[] = [];
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : null;
    child.stdout.on('data', (chunk: Buffer) => (out.push(chunk), all.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (err.push(chunk), all.push(chunk)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode: -1, stdout: '', stderr: error.message, output: '', timedOut: false, spawnError: error.code ?? error.message });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      resolve({ exitCode: code ?? -1, stdout: text(out), stderr: text(err), output: text(all), timedOut });
    });
  });
}

/** Starts `python args…` through execa (loaded on first use); the caller's options decide output and rejection. */
export async function startPython(python: string, args: string[], options: Options, onSpawn?: (pid: number) => void): Promise<Result> {
  const { execa } = await import('execa');
  const child = execa(python, args, options);
  if (child.pid !== undefined) onSpawn?.(child.pid);
  return await child;
}

export type PythonProbe =
  | { ok: true; executable: string; djangoVersion: string }
  /** `detail`: the start error's code, or the last line Python wrote (ModuleNotFoundError: …). */
  | { ok: false; reason: 'absent' | 'cannot-start' | 'no-django'; detail: string; problem: string };

/** Whether this interpreter imports Django: its own path (a virtualenv's python, not the base one) and Django's version. */
export async function probePython(python: string, env: NodeJS.ProcessEnv = process.env): Promise<PythonProbe> {
  const command = resolveExecutable(python, env);
  const run = await runPython(command, ['-c', 'import sys\nprint(sys.executable)\nimport django\nprint(django.get_version())'], { env, timeoutMs: 30_000 });
  if (run.spawnError) return { ok: false, reason: run.spawnError === 'ENOENT' ? 'absent' : 'cannot-start', detail: run.spawnError, problem: `${python} cannot be started (${run.spawnError})` };
  const [executable = '', version = ''] = run.stdout.trim().split('\n');
  if (run.exitCode !== 0) {
    const lastLine = run.stderr.trim().split('\n').pop() || (run.timedOut ? 'timed out' : `exit ${run.exitCode}`);
    return { ok: false, reason: 'no-django', detail: lastLine, problem: `${executable || command} cannot import Django (${lastLine})` };
  }
  return { ok: true, executable: executable || command, djangoVersion: version };
}
