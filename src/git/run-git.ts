// Runs git without loading execa: hooks start on every commit, so this file imports only node builtins
// (and the tiny errors module). The environment git children get is git-sync.ts's.
import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';
import { childEnv } from './git-sync.js';

export interface GitRunOptions {
  /** Text written to git's stdin (then closed). */
  input?: string;
  /** Extra environment for this call (e.g. GIT_INDEX_FILE for a private index). */
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers, not failures (e.g. 1 for `git diff --quiet`). */
  okExitCodes?: number[];
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A git command that failed: names the command and git's own message (printed like any user-facing error). */
export class GitError extends UserError {
  readonly args: string[];
  /** git's own exit code. */
  readonly gitExitCode: number;
  readonly stderr: string;

  constructor(args: string[], exitCode: number, stderr: string) {
    super(`git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || '(no message)'}`, {
      fix: exitCode === 128 && /not a git repository/i.test(stderr) ? 'run it inside the Django project\'s git repository' : undefined,
    });
    this.name = 'GitError';
    this.args = args;
    this.gitExitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Runs `git <args>` in `cwd`; rejects with GitError unless the exit code is 0 or listed as ok. */
export async function runGit(cwd: string, args: string[], options: GitRunOptions = {}): Promise<GitOutput> {
  const result = await runGitBytes(cwd, args, options);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** runGit with stdout as bytes, for output that is sliced by byte counts (`git cat-file --batch`). */
export function runGitBytes(cwd: string, args: string[], options: GitRunOptions = {}): Promise<Omit<GitOutput, 'stdout'> & { stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new GitError(args, -1, `cannot start git: ${error.message}`)));
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), exitCode: code ?? -1 };
      if (result.exitCode === 0 || options.okExitCodes?.includes(result.exitCode)) resolve(result);
      else reject(new GitError(args, result.exitCode, result.stderr));
    });
    child.stdin.on('error', () => {}); // git may exit before reading all input
    child.stdin.end(options.input ?? '');
  });
}

/** Runs git and returns its stdout. */
export async function git(cwd: string, args: string[], options: GitRunOptions = {}): Promise<string> {
  return (await runGit(cwd, args, options)).stdout;
}
