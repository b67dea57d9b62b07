// Small formatting helpers for restore messages (sizes: src/ui/format-bytes.ts).

/** Seconds since `started` (performance.now() milliseconds), one decimal. */
export function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}
