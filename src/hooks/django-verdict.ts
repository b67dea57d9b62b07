// Django's verdict on the staged state or on a commit: from the cache when the same Python files
// were judged before with the same interpreter, else by running Django once on a snapshot. When the
// chosen interpreter has no Django (and was not named explicitly), the others a teammate's machine
// may have are tried before giving up; a tree without its settings module is not asked at all.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/run-git.js';
import { listIndexEntries, listTreeEntries } from '../git/tree-entries.js';
import { checkoutTreeSnapshot, stagedTreeId, stateDir } from '../git/tree-snapshot.js';
import { isCacheableVerdict } from '../checks/django-verdict.js';
import type { DjangoVerdict } from '../django/django-verdict-types.js';
import { currentPythonIdentity, recordPythonIdentity } from './python-identity.js';
import { EXPLICIT_PYTHON_SOURCES, resolveExecutable } from '../django/python-interpreter.js';
import { readLocalState } from '../config/local-state.js';
import { readCachedVerdict, verdictKey, writeCachedVerdict, type VerdictKeyInputs } from './verdict-cache.js';
import type { HookContext } from './hook-context.js';

export type TreeSource = { kind: 'index' } | { kind: 'commit'; rev: string };

export interface VerdictResult {
  verdict: DjangoVerdict;
  cached: boolean;
  /** Time spent in Django (0 on a cache hit). */
  djangoMs: number;
  /** The interpreter asked and, when it had no Django, every other one tried. */
  python: { path: string; source: string; tried?: string[] };
}

/** The interpreter and settings a verdict's problems name (djangoVerdictProblems' options). */
export function verdictEnvironment(result: VerdictResult, context: HookContext): { python: VerdictResult['python']; settingsModule: string | null } {
  return { python: result.python, settingsModule: context.config.settingsModule };
}

/** Django's verdict on a tree, cached by the Python files' blob ids, interpreter and settings. */
export async function djangoVerdictFor(context: HookContext, source: TreeSource): Promise<VerdictResult> {
  const { config, repository } = context;
  const state = stateDir(repository);
  const entries = source.kind === 'index' ? await listIndexEntries(repository) : await listTreeEntries(repository, source.rev);
  let chosen: VerdictResult['python'] = { path: config.python.path, source: config.python.source };
  if (lacksSettings(context, entries)) return { verdict: { kind: 'no-settings', settingsModule: config.settingsModule }, cached: false, djangoMs: 0, python: chosen };
  let python = resolveExecutable(config.python.path);
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
    if (cached) return { verdict: cached, cached: true, djangoMs: 0, python: chosen };
  }

  return withTreeSnapshot(context, await treeIdOf(context, source), extraFiles, async (snapshotDir) => {
    const { runDjangoVerdict } = await import('./django-verdict-runner.js');
    let run = await runDjangoVerdict({ config, python, snapshotDir, repoRoot: repository.root, appLabels });
    const noDjango = run.verdict.kind === 'could-not-run' && (run.verdict.cause === 'no-python' || run.verdict.cause === 'no-django');
    if (noDjango && !EXPLICIT_PYTHON_SOURCES.includes(config.python.source)) {
      const { discoverDjangoPython, describeAttempts } = await import('../django/python-discovery.js');
      const discovery = await discoverDjangoPython({
        recorded: readLocalState(config.repoRoot).python,
        repoRoot: config.repoRoot,
        projectRoot: config.projectRoot,
        env: process.env,
        known: [{ ...chosen, outcome: run.verdict.kind === 'could-not-run' && run.verdict.cause === 'no-python' ? 'cannot start' : 'no Django' }],
      });
      chosen = { ...chosen, tried: describeAttempts(discovery.tried) };
      if (discovery.found) {
        python = resolveExecutable(discovery.found.executable ?? discovery.found.path);
        chosen = { path: python, source: discovery.found.source, tried: chosen.tried };
        run = await runDjangoVerdict({ config, python, snapshotDir, repoRoot: repository.root, appLabels });
      }
    }
    if (run.django && isCacheableVerdict(run.verdict)) {
      const recorded = await recordPythonIdentity(state, python, run.django.file, run.django.version);
      if (recorded) await writeCachedVerdict(state, verdictKey(keyInputs(recorded)), run.verdict);
    }
    return { verdict: run.verdict, cached: false, djangoMs: run.durationMs, python: chosen };
  });
}

/** The id of the tree a source stands for: the staged state written as a tree, or a commit's tree. */
export async function treeIdOf(context: HookContext, source: TreeSource): Promise<string> {
  const { repository } = context;
  return source.kind === 'index' ? stagedTreeId(repository) : (await git(repository.root, ['rev-parse', `${source.rev}^{tree}`])).trim();
}

/**
 * Runs `work` on a checkout of the tree (`treeIdOf`: the staged state or a commit) outside the working tree, with the
 * untracked files the settings need (hooks.snapshotFiles) copied in; the snapshot is given back afterwards.
 */
export async function withTreeSnapshot<T>(context: HookContext, tree: string, extraFiles: ReadonlyArray<{ path: string }> | null, work: (snapshotDir: string) => Promise<T>): Promise<T> {
  const { repository } = context;
  const snapshot = await checkoutTreeSnapshot(repository, tree);
  try {
    for (const file of extraFiles ?? (await extraFileDigests(context))) {
      await mkdir(path.dirname(path.join(snapshot.dir, file.path)), { recursive: true });
      await copyFile(path.join(repository.root, file.path), path.join(snapshot.dir, file.path));
    }
    return await work(snapshot.dir);
  } finally {
    await snapshot.release();
  }
}

// Whether the tree is not a Django project yet: no settings module is known at all, or the project's
// own package that should hold it (`mysite/` for mysite.settings) is there without it. Settings
// that live outside the repository (an installed package) are Django's to find.
function lacksSettings(context: HookContext, entries: ReadonlyArray<{ path: string }>): boolean {
  const module = context.config.settingsModule;
  if (!module) return true;
  const base = path.posix.join(context.project.projectDir, ...module.split('.'));
  if (entries.some((entry) => entry.path === `${base}.py` || entry.path.startsWith(`${base}/`))) return false;
  const ownPackage = path.posix.join(context.project.projectDir, module.split('.')[0]!);
  return entries.some((entry) => entry.path.startsWith(`${ownPackage}/`));
}

// Untracked files the settings need (hooks.snapshotFiles, e.g. ".env"), with a digest for the key.
export async function extraFileDigests(context: HookContext): Promise<Array<{ path: string; digest: string }>> {
  const result: Array<{ path: string; digest: string }> = [];
  for (const file of context.config.raw.hooks.snapshotFiles) {
    const relative = path.relative(context.repository.root, path.resolve(context.config.repoRoot, file)).split(path.sep).join('/');
    const content = await readFile(path.join(context.repository.root, relative)).catch(() => null);
    if (content) result.push({ path: relative, digest: createHash('sha256').update(content).digest('hex') });
  }
  return result;
}
