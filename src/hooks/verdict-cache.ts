// Django's verdicts by a hash of what they depend on: every Python file of the tree (path and blob),
// the interpreter and its Django, and the settings/apps chosen. The staged state and a commit with
// the same files hash alike, so pre-push reuses what pre-commit learnt.
import { createHash } from 'node:crypto';
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { TreeEntry } from '../git/tree-entries.js';
import { readJsonFile, writeJsonFileAtomically } from '../fs/json-file.js';
import type { DjangoVerdict } from '../django/django-verdict-types.js';
import type { PythonIdentity } from './python-identity.js';

// Bump when the runner's flags or output change meaning, so old verdicts are not reused.
const RUNNER_VERSION = 'makemigrations --check --dry-run --noinput; v1';
const KEEP_ENTRIES = 200;

export interface VerdictKeyInputs {
  entries: readonly TreeEntry[];
  identity: PythonIdentity;
  settingsModule: string | null;
  appLabels: readonly string[];
  managePy: string;
  /** Extra untracked files copied into the snapshot (config hooks.snapshotFiles), with their content hashes. */
  extraFiles: readonly string[];
}

/** The cache key: a SHA-256 over everything Django's verdict depends on. */
export function verdictKey(inputs: VerdictKeyInputs): string {
  const hash = createHash('sha256');
  hash.update(`${RUNNER_VERSION}\n`);
  hash.update(`${inputs.identity.python}\n${inputs.identity.binary.realpath}\n${inputs.identity.django.file}\n${inputs.identity.django.version}\n`);
  hash.update(`${inputs.identity.django.mtimeMs}\n${inputs.identity.django.size}\n`);
  hash.update(`${inputs.settingsModule ?? ''}\n${inputs.appLabels.join(',')}\n${inputs.managePy}\n`);
  for (const extra of inputs.extraFiles) hash.update(`extra ${extra}\n`);
  for (const entry of inputs.entries) {
    if (entry.path.endsWith('.py')) hash.update(`${entry.mode} ${entry.object} ${entry.path}\0`);
  }
  return hash.digest('hex');
}

function cacheDir(stateDir: string): string {
  return path.join(stateDir, 'verdicts');
}

/** A cached verdict, or null. */
export async function readCachedVerdict(stateDir: string, key: string): Promise<DjangoVerdict | null> {
  return readJsonFile<DjangoVerdict>(path.join(cacheDir(stateDir), `${key}.json`));
}

/** Stores a verdict (atomically) and keeps the cache to its most recent entries. */
export async function writeCachedVerdict(stateDir: string, key: string, verdict: DjangoVerdict): Promise<void> {
  const dir = cacheDir(stateDir);
  writeJsonFileAtomically(path.join(dir, `${key}.json`), verdict);
  await pruneCache(dir);
}

async function pruneCache(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  if (names.length <= KEEP_ENTRIES) return;
  const withTimes = await Promise.all(names.map(async (name) => ({ name, mtimeMs: (await stat(path.join(dir, name)).catch(() => ({ mtimeMs: 0 }))).mtimeMs })));
  withTimes.sort((a, b) => a.mtimeMs - b.mtimeMs);
  await Promise.all(withTimes.slice(0, names.length - KEEP_ENTRIES).map((entry) => unlink(path.join(dir, entry.name)).catch(() => {})));
}
