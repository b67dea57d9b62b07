// JSON files that a run reads whole and replaces whole: caches and small state files.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The parsed content of `file`, or null when it is absent, unreadable or not JSON. */
export function readJsonFile<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * Replaces `file` with `value` as JSON, creating its directory: written to a temp file beside it,
 * then renamed over it, so a reader at the same moment sees the old content or the new, never half.
 */
export function writeJsonFileAtomically(file: string, value: unknown, options: { pretty?: boolean } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, options.pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value));
  renameSync(tmp, file);
}

/** writeJsonFileAtomically for caches: a read-only or full disk only costs the next run its speed. */
export function rememberJsonFile(file: string, value: unknown): void {
  try {
    writeJsonFileAtomically(file, value);
  } catch {
    // not remembered
  }
}
