// Small formatting helpers for restore messages.

/** 1234567 → "1.2 MB". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'size unknown';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Seconds since `started` (performance.now() milliseconds), one decimal. */
export function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}
