// What the benchmark scripts share: a scratch directory and a throwaway MariaDB that are removed
// whatever happens, repeated timing and one median. The scripts run through tsx (npm run bench:*),
// so the .mjs ones import this file too.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startThrowawayMariaDB, type ThrowawayMariaDB } from '../../src/sandbox/throwaway-mariadb.js';

export interface BenchSandbox {
  /** A fresh temp directory, removed at the end. */
  dir: string;
  server: ThrowawayMariaDB;
}

/** Runs `work` with a temp directory and a throwaway MariaDB server; both are gone afterwards. */
export async function withBenchSandbox<T>(name: string, work: (sandbox: BenchSandbox) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `mg-bench-${name}-`));
  let server: ThrowawayMariaDB | undefined;
  try {
    server = await startThrowawayMariaDB();
    return await work({ dir, server });
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `work` `runs` times (after one warm-up) and returns each duration in milliseconds. */
export async function timeRuns(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  await work();
  const durations: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  return durations;
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
