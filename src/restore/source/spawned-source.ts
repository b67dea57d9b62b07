// A source whose bytes are a child process's stdout (ssh); the exit status decides whether they are whole.
import { spawn } from 'node:child_process';
import { UserError } from '../../errors.js';
import type { OpenedSource } from './types.js';

/** The source's process was killed by `cancel()`: a consequence of another failure (or an interrupt), never the cause. */
export class SourceStoppedError extends UserError {
  constructor(command: string) {
    super(`${command} was stopped.`);
    this.name = 'SourceStoppedError';
  }
}

export interface SpawnedOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last part of the child's stderr. */
  stderr: string;
}

/** Starts `command` with its stdout as the stream; `explain` turns a failed exit into a UserError. */
export function spawnSource(command: string, args: string[], explain: (outcome: SpawnedOutcome) => UserError | null): OpenedSource {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-16_384);
  });
  let cancelled = false;
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(cannotStart(command, error)));
    child.once('close', (code, signal) => {
      if (cancelled) return reject(new SourceStoppedError(command));
      const problem = explain({ code, signal, stderr });
      if (problem) reject(problem);
      else resolve();
    });
  });
  finished.catch(() => {}); // callers await it after the stream; never an unhandled rejection
  return {
    stream: child.stdout,
    finished,
    cancel() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGTERM');
    },
  };
}

/** Runs a short command to completion, returning its stdout, exit code and stderr. */
export function runCaptured(command: string, args: string[]): Promise<SpawnedOutcome & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-16_384)));
    child.once('error', (error) => reject(cannotStart(command, error)));
    child.once('close', (code, signal) => resolve({ code, signal, stderr, stdout }));
  });
}

function cannotStart(command: string, error: Error): UserError {
  return new UserError(`Could not start ${command}: ${error.message}`, { fix: `Install ${command} or put it on PATH (ssh: apt-get install openssh-client).`, cause: error });
}

/** The last meaningful line of a child's stderr, for messages. */
export function lastLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
