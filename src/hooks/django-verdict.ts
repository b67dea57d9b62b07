// Django's verdict on the staged state or on a commit: from the cache when the same Python files
// were judged before with the same interpreter, else by running Django once on a snapshot.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/run-git.js';
import { listIndexEntries, listTreeEntries } from '../git/tree-entries.js';
import { checkoutTreeSnapshot, stagedTreeId, stateDir } from '../git/tree-snapshot.js';
import { isCacheableVerdict, type DjangoVerdict } from '../checks/django-verdict.js';
import { currentPythonIdentity, recordPythonIdentity } from './python-identity.js';
import { resolveExecutable } from '../django/python-interpreter.js';
import { readCachedVerdict, verdictKey, writeCachedVerdict, type VerdictKeyInputs } from './verdict-cache.js';
import type { HookContext } from './hook-context.js';

export type TreeSource = { kind: 'index' } | { kind: 'commit'; rev: string };

export interface VerdictResult {
  verdict: DjangoVerdict;
  cached: boolean;
  /** Time spent in Django (0 on a cache hit). */
  djangoMs: number;
}

/** Django's verdict on a tree, cached by the Python files' blob ids, interpreter and settings. */
export async function djangoVerdictFor(context: HookContext, source: TreeSource): Promise<VerdictResult> {
  const { config, repository } = context;
  const state = stateDir(repository);
  const entries = source.kind === 'index' ? await listIndexEntries(repository) : await listTreeEntries(repository, source.rev);
  const python = resolveExecutable(config.python.path);
  const appLabels = config.apps.map((app) => app.label);
  const extraFiles = await extraFileDigests(context);
  const keyInputs = (identity: VerdictKeyInputs['identity']): VerdictKeyInputs => ({
    entries,
    identity,
    settingsModule: config.settingsModule,
    appLabels,
    managePy: context.project.managePy,
    extraFiles: extraFiles.map((file) => `${file.path} ${file.digest}`),
  });

  const identity = await currentPythonIdentity(state, python);
  if (identity) {
    const cached = await readCachedVerdict(state, verdictKey(keyInputs(identity)));
    if (cached) return { verdict: cached, cached: true, djangoMs: 0 };
  }

  const tree = source.kind === 'index' ? await stagedTreeId(repository) : (await git(repository.root, ['rev-parse', `${source.rev}^{tree}`])).trim();
  const snapshot = await checkoutTreeSnapshot(repository, tree);
  try {
    for (const file of extraFiles) {
      await mkdir(path.dirname(path.join(snapshot.dir, file.path)), { recursive: true });
      await copyFile(path.join(repository.root, file.path), path.join(snapshot.dir, file.path));
    }
    const { runDjangoVerdict } = await import('./django-verdict-runner.js');
    const run = await runDjangoVerdict({ config, python, snapshotDir: snapshot.dir, repoRoot: repository.root, appLabels });
    if (run.django && isCacheableVerdict(run.verdict)) {
      const recorded = await recordPythonIdentity(state, python, run.django.file, run.django.version);
      if (recorded) await writeCachedVerdict(state, verdictKey(keyInputs(recorded)), run.verdict);
    }
    return { verdict: run.verdict, cached: false, djangoMs: run.durationMs };
  } finally {
    await snapshot.release();
  }
}

// Untracked files the settings need (hooks.snapshotFiles, e.g. ".env"), with a digest for the key.
async function extraFileDigests(context: HookContext): Promise<Array<{ path: string; digest: string }>> {
  const result: Array<{ path: string; digest: string }> = [];
  for (const file of context.config.raw.hooks.snapshotFiles) {
    const relative = path.relative(context.repository.root, path.resolve(context.config.repoRoot, file)).split(path.sep).join('/');
    const content = await readFile(path.join(context.repository.root, relative)).catch(() => null);
    if (content) result.push({ path: relative, digest: createHash('sha256').update(content).digest('hex') });
  }
  return result;
}
