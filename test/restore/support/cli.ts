// Running restore-from-prod in tests: to completion, or until it reaches a pause point (to kill it there).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { CLI, runCli } from '../../helpers/fixture-project.js';
import type { Developer } from './fixtures.js';

/** Runs `restore-from-prod <args>` for the developer, to completion. */
export function restoreCli(developer: Developer, args: string[], env: Record<string, string> = {}) {
  return runCli(['restore-from-prod', ...args], { cwd: developer.repo.dir, env: { ...developer.env, ...env } });
}

export interface PausedRun {
  child: ResultPromise;
  /** Lets the paused run go on. */
  resume(): Promise<void>;
  /** kill -9, then waits for the process to be gone. */
  killHard(): Promise<void>;
}

/** Starts a restore that stops at `point` (see src/restore/fault-points.ts) and resolves once it is there. */
export async function runUntilPaused(developer: Developer, point: string, args: string[], env: Record<string, string> = {}): Promise<PausedRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mg-pause-'));
  const child = execa(process.execPath, [CLI, 'restore-from-prod', ...args], {
    cwd: developer.repo.dir,
    env: { NO_COLOR: '1', ...developer.env, ...env, MIGRATION_GUARD_TEST_PAUSE_AT: point, MIGRATION_GUARD_TEST_PAUSE_DIR: dir },
    reject: false,
    stdin: 'ignore',
  });
  void child.finally(() => rm(dir, { recursive: true, force: true }));
  const deadline = Date.now() + 60_000;
  while (!existsSync(path.join(dir, `${point}.paused`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const result = await child;
      throw new Error(`the restore never reached "${point}" (exit ${result.exitCode}): ${result.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    child,
    resume: () => writeFile(path.join(dir, `${point}.resume`), ''),
    async killHard() {
      child.kill('SIGKILL');
      await child;
    },
  };
}
