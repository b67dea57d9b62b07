// What `install` changed in this checkout, so `uninstall` undoes exactly that (kept in .migration-guard/).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_STATE_DIR } from '../../config/local-state.js';
import { readJsonFile, writeJsonFileAtomically } from '../../fs/json-file.js';

export interface InstallRecord {
  /** The `prepare` script before install ('' = none), when install changed it. */
  previousPrepare?: string;
  gitignoreAdded?: boolean;
  /** core.hooksPath before install ran husky (null = unset). */
  previousHooksPath?: string | null;
  pythonRecorded?: boolean;
  /** The package.json's directory relative to the git root, when it is not the root (e.g. "frontend"). */
  packageRel?: string;
}

function recordFile(repoRoot: string): string {
  return path.join(repoRoot, LOCAL_STATE_DIR, 'install.json');
}

export async function readInstallRecord(repoRoot: string): Promise<InstallRecord> {
  return readJsonFile<InstallRecord>(recordFile(repoRoot)) ?? {};
}

/** Merges new facts into the record; what an earlier install recorded stays (it knows the original state). */
export async function updateInstallRecord(repoRoot: string, facts: InstallRecord): Promise<void> {
  const record = { ...facts, ...(await readInstallRecord(repoRoot)) };
  writeJsonFileAtomically(recordFile(repoRoot), record, { pretty: true });
}

export async function removeInstallRecord(repoRoot: string): Promise<void> {
  await rm(recordFile(repoRoot), { force: true });
}
