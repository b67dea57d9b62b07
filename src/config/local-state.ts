// Per-checkout state that is not committed: `.migration-guard/local.json` (e.g. the Python recorded at install).
import path from 'node:path';
import { readJsonFile, writeJsonFileAtomically } from '../fs/json-file.js';

export interface LocalState {
  /** Python interpreter recorded by `migration-guard install`. */
  python?: string;
}

export const LOCAL_STATE_DIR = '.migration-guard';

/** The checkout's cache directory (parsed migrations, status layout, validated config, drift reference): `.migration-guard/cache`. */
export function projectCacheDir(config: { repoRoot: string }): string {
  return path.join(config.repoRoot, LOCAL_STATE_DIR, 'cache');
}

/** The state file's path for a repository root. */
export function localStatePath(repoRoot: string): string {
  return path.join(repoRoot, LOCAL_STATE_DIR, 'local.json');
}

/** Reads the local state; an absent or unreadable file is an empty state. */
export function readLocalState(repoRoot: string): LocalState {
  return readJsonFile<LocalState>(localStatePath(repoRoot)) ?? {};
}

/** Writes the local state atomically (temp file + rename). */
export function writeLocalState(repoRoot: string, state: LocalState): void {
  writeJsonFileAtomically(localStatePath(repoRoot), state, { pretty: true });
}
