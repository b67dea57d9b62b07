// Everything pre-commit (and `check --staged`) checks about the staged state, as a list of problems.
import type { FileChange } from '../git/file-changes.js';
import { listStagedChanges, listUntrackedFiles } from '../git/file-changes.js';
import { mergeHeads } from '../git/merge-state.js';
import { findPublishedPaths, listRemoteTrackingRefs } from '../git/remote-refs.js';
import { resolveCommit } from '../git/repository.js';
import { listIndexEntries, listTreeEntries } from '../git/tree-entries.js';
import { MigrationGraph } from '../django/migration-graph.js';
import { affectsDjangoVerdict, appOf, appsWithMigrationChanges, migrationPathOf, type AppPaths } from '../checks/project-paths.js';
import { findUntrackedMigrations, untrackedMigrationProblem } from '../checks/untracked-migrations.js';
import { findPublishedMigrationChanges, modifiedOrDeletedMigrations } from '../checks/published-migrations.js';
import { migrationGraphProblems } from '../checks/migration-graph-problems.js';
import { djangoVerdictProblems } from '../checks/django-verdict.js';
import { mysqlMigrationWarnings } from '../checks/mysql-warnings.js';
import { blocking, type Problem } from '../checks/problem.js';
import type { ParsedMigration } from '../django/migration-types.js';
import { djangoVerdictFor, verdictEnvironment, type VerdictResult } from './django-verdict.js';
import { loadTreeMigrations, type TreeMigrations } from './migrations-in-tree.js';
import type { HookContext } from './hook-context.js';
import { djangoMigrationReader } from './django-migration-fallback.js';
import { withFormerApps } from './former-apps.js';
import { publishedChangeFindings } from './published-changes.js';
import type { MigrationSqlOutcome } from './migration-sql.js';

export interface StagedAnalysis {
  problems: Problem[];
  /** Set when there was nothing to check, saying why. */
  nothingToCheck?: string;
  verdict?: VerdictResult;
  /** Migrations staged as new files, parsed (for linear history and the MySQL warnings). */
  newMigrations: ParsedMigration[];
  /** The staged migration graph of the apps with staged migration changes (and the guarded apps they depend on). */
  stagedGraph: MigrationGraph | null;
  changedMigrationApps: AppPaths[];
  /** The checks made without Django, for the summary line. */
  checkedWithoutDjango: string;
  /** The staged migrations' SQL on the developer's server (when asked for and migrations are staged). */
  migrationSql?: MigrationSqlOutcome;
}

export interface StagedAnalysisOptions {
  mysqlWarnings: boolean;
  /** The staged changes, when the caller listed them already. */
  staged?: FileChange[];
  /** Run the staged migrations on a scratch database of this alias's server (lock safety, NOT NULL columns). */
  migrationSql?: { alias: string };
}

const CHECKED_WITHOUT_DJANGO = 'untracked migrations, edits to published migrations, conflicting leaves and duplicate numbers';

/** Checks the staged state: Django's verdict, untracked and published migrations, the graph. */
export async function analyzeStaged(context: HookContext, options: StagedAnalysisOptions): Promise<StagedAnalysis> {
  const { repository, project, config } = context;
  const staged = options.staged ?? (await listStagedChanges(repository));
  const relevant = staged.filter((change) => affectsDjangoVerdict(change.path, project));
  const empty: StagedAnalysis = { problems: [], newMigrations: [], stagedGraph: null, changedMigrationApps: [], checkedWithoutDjango: CHECKED_WITHOUT_DJANGO };
  // An untracked migration blocks every commit, and published migrations of apps deleted from the
  // tree are still published: both are looked at even when no guarded Python is staged.
  const untrackedFound = listUntrackedFiles(repository, project.apps.map((app) => app.migrationsDir)).then((files) => findUntrackedMigrations(files, project));
  const publishedFound = publishedChanges(context, staged);
  if (relevant.length === 0) {
    const [untracked, published] = await Promise.all([untrackedFound, publishedFound]);
    const problems = [untrackedMigrationProblem(untracked), ...published].filter((problem): problem is Problem => problem !== null);
    if (problems.length === 0) return { ...empty, nothingToCheck: 'no staged Python file is in a guarded app or the settings' };
    return { ...empty, problems };
  }

  const changedMigrationApps = appsWithMigrationChanges(staged, project);
  const [verdict, untracked, published, graph] = await Promise.all([
    djangoVerdictFor(context, { kind: 'index' }),
    untrackedFound,
    publishedFound,
    stagedGraph(context, changedMigrationApps),
  ]);

  const problems: Problem[] = [];
  const untrackedByApp = new Map<string, string[]>();
  for (const migration of untracked) untrackedByApp.set(migration.app, [...(untrackedByApp.get(migration.app) ?? []), migration.path]);
  const changedApps = [...new Set(relevant.map((change) => appOf(change.path, project)?.label).filter((label): label is string => Boolean(label)))];
  const djangoProblems = djangoVerdictProblems(verdict.verdict, {
    where: 'staged',
    changedApps,
    untrackedByApp,
    failClosed: config.raw.hooks.failClosed,
    ...verdictEnvironment(verdict, context),
    checkedWithoutDjango: CHECKED_WITHOUT_DJANGO,
  });
  // The graph names the conflicting files; Django's own conflict message would only repeat it.
  const graphFoundConflicts = graph?.problems.some((problem) => problem.code === 'conflicting-leaves') ?? false;
  problems.push(...djangoProblems.filter((problem) => !(graphFoundConflicts && problem.code === 'conflicting-leaves')));
  const untrackedProblem = untrackedMigrationProblem(untracked);
  if (untrackedProblem) problems.push(untrackedProblem);
  problems.push(...published);

  let newMigrations: ParsedMigration[] = [];
  if (graph) {
    problems.push(...graph.problems);
    const added = new Set(staged.filter((change) => change.status === 'A').map((change) => change.path));
    newMigrations = graph.loaded.migrations.filter((migration) => added.has(migration.file));
    if (options.mysqlWarnings && config.raw.hooks.mysqlWarnings) {
      problems.push(...mysqlMigrationWarnings(newMigrations, { pathOf: (migration) => migration.file, block: config.raw.hooks.mysqlWarningsBlock }));
    }
  }
  let migrationSql: MigrationSqlOutcome | undefined;
  const touched = new Set(staged.filter((change) => change.status === 'A' || change.status === 'M').map((change) => change.path));
  const stagedMigrations = graph ? graph.loaded.migrations.filter((migration) => touched.has(migration.file)) : [];
  if (options.migrationSql && stagedMigrations.length) {
    // A blocked commit is not worth a replay: the warnings are for what goes through.
    if (blocking(problems).length) migrationSql = { checked: false, reason: 'blocking problems first' };
    else {
      const { migrationSqlFor } = await import('./migration-sql.js');
      migrationSql = await migrationSqlFor(context, { source: { kind: 'index' }, verdict, migrations: stagedMigrations, alias: options.migrationSql.alias });
      if (migrationSql.checked) problems.push(...migrationSql.warnings);
    }
  }
  return { problems, verdict, newMigrations, stagedGraph: graph?.graph ?? null, changedMigrationApps, checkedWithoutDjango: CHECKED_WITHOUT_DJANGO, migrationSql };
}

// Staged edits/deletions of migrations that a remote-tracking branch has, in the apps guarded in the
// staged tree, the parent commit(s) or on the remote-tracking tips. During a merge, a change that
// only takes the other side's version is theirs, not an edit made here.
async function publishedChanges(context: HookContext, staged: readonly FileChange[]): Promise<Problem[]> {
  const { repository } = context;
  const heads = await mergeHeads(repository);
  const project = await withFormerApps(repository, context.project, staged, async () => [
    ...((await resolveCommit(repository, 'HEAD')) ? ['HEAD'] : []),
    ...heads,
    ...(await listRemoteTrackingRefs(repository)),
  ]);
  let candidates = modifiedOrDeletedMigrations(staged, project);
  if (candidates.length === 0) return [];
  if (heads.length) {
    const index = new Map((await listIndexEntries(repository, candidates)).map((entry) => [entry.path, entry.object]));
    const theirs = new Set<string>();
    for (const head of heads) {
      const present = new Set<string>();
      for (const entry of await listTreeEntries(repository, head, candidates)) {
        present.add(entry.path);
        if (index.get(entry.path) === entry.object) theirs.add(entry.path);
      }
      // Deleted on the other side and absent from the index: also theirs.
      for (const file of candidates) if (!index.has(file) && !present.has(file)) theirs.add(file);
    }
    candidates = candidates.filter((file) => !theirs.has(file));
  }
  const published = await findPublishedPaths(repository, candidates);
  return publishedChangeFindings(repository, project, findPublishedMigrationChanges(staged, published, project), { kind: 'index' });
}

// The staged migration graph of the apps whose migrations changed, plus the guarded apps they depend on.
async function stagedGraph(context: HookContext, apps: AppPaths[]): Promise<{ loaded: TreeMigrations; graph: MigrationGraph; problems: Problem[] } | null> {
  if (apps.length === 0) return null;
  const { repository, project, config } = context;
  const loaded = await loadTreeMigrations(repository, project, { kind: 'index' }, apps, djangoMigrationReader(context));
  const labels = new Set(apps.map((app) => app.label));
  const dependencyApps = new Set<string>();
  for (const migration of loaded.migrations) {
    for (const dependency of migration.dependencies) {
      if ('app' in dependency && !labels.has(dependency.app)) dependencyApps.add(dependency.app);
    }
  }
  const extraApps = project.apps.filter((app) => dependencyApps.has(app.label));
  const extra = extraApps.length ? await loadTreeMigrations(repository, project, { kind: 'index' }, extraApps, djangoMigrationReader(context)) : null;
  const all = extra ? [...loaded.migrations, ...extra.migrations] : loaded.migrations;
  const graph = new MigrationGraph(all, {
    apps: [...labels, ...extraApps.map((app) => app.label)],
    settings: { AUTH_USER_MODEL: config.authUserModel },
  });
  const checked = new Set([...labels].filter((label) => !loaded.unreadableApps.has(label)));
  return { loaded, graph, problems: [...loaded.unreadable, ...migrationGraphProblems(graph, { apps: checked, pathOf: migrationPathOf(project), where: 'staged' })] };
}
