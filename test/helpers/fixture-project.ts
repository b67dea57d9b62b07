// Copies the fixture Django project into a temp git repository, as a developer's checkout would be.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_DIR = path.join(PROJECT_ROOT, 'test/fixtures/hcat');
export const CLI = path.join(PROJECT_ROOT, 'dist/cli/main.js');
export const DJANGO_PYTHON = '/usr/bin/python3';

export interface FixtureRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/** Environment for git in tests: a fixed identity, no user/system config surprises. */
export function gitEnv(): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: 'Test Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.invalid',
    GIT_COMMITTER_NAME: 'Test Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
  };
}

/** A fresh git repository holding the fixture project, with one commit on `main`. */
export async function createFixtureRepo(options: { commit?: boolean } = {}): Promise<FixtureRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mg-repo-'));
  await cp(FIXTURE_DIR, dir, {
    recursive: true,
    filter: (source) => !source.includes('__pycache__') && !source.endsWith('.pyc'),
  });
  const git = async (...args: string[]) => (await execa('git', args, { cwd: dir, env: gitEnv() })).stdout;
  await git('init', '-q', '-b', 'main');
  if (options.commit !== false) {
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Initial fixture project');
  }
  return { dir, git, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the built CLI; never rejects, so tests can assert on exit codes. */
export async function runCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string }) {
  return execa(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
  });
}

/** Runs manage.py of a checkout with Debian's Django. */
export async function manage(dir: string, args: string[], env: Record<string, string>) {
  return execa(DJANGO_PYTHON, ['manage.py', ...args], { cwd: dir, env, reject: false });
}
