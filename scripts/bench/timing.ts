// Timing helpers shared by the benchmark scripts: repeated runs, median.

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

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
