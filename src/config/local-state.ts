// Per-checkout state that is not committed: `.migration-guard/local.json` (e.g. the Python recorded at install).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LocalState {
  /** Python interpreter recorded by `migration-guard install`. */
  python?: string;
}

export const LOCAL_STATE_DIR = '.migration-guard';

/** The state file's path for a repository root. */
export function localStatePath(repoRoot: string): string {
  return path.join(repoRoot, LOCAL_STATE_DIR, 'local.json');
}

/** Reads the local state; an absent or unreadable file is an empty state. */
export function readLocalState(repoRoot: string): LocalState {
  try {
    return JSON.parse(readFileSync(localStatePath(repoRoot), 'utf8')) as LocalState;
  } catch {
    return {};
  }
}

/** Writes the local state atomically (temp file + rename). */
export function writeLocalState(repoRoot: string, state: LocalState): void {
  const file = localStatePath(repoRoot);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
