// Checks for commits about to be shared (pre-push) or under review (`check --range`): Django's verdict
// on the tip, no shipped migration edited or deleted, no conflict with the branch they merge into.
import { listCommitChanges, type FileChange } from '../git/file-changes.js';
import { findPublishedPaths, listRemoteTrackingRefs } from '../git/remote-refs.js';
import { existingObjects, type TreeEntry } from '../git/tree-entries.js';
import { runGit } from '../git/run-git.js';
import { MigrationGraph } from '../django/migration-graph.js';
import type { ParsedMigration } from '../django/migration-types.js';
import { buildProjectGraph } from '../django/project-migrations.js';
import { affectsDjangoVerdict, appsWithMigrationChanges, migrationOf, migrationPathOf } from '../checks/project-paths.js';
import { findPublishedMigrationChanges, modifiedOrDeletedMigrations } from '../checks/published-migrations.js';
import { mergeConflictProblems, migrationGraphProblems, migrationIds } from '../checks/migration-graph-problems.js';
import { djangoVerdictProblems } from '../checks/django-verdict.js';
import { mysqlMigrationWarnings } from '../checks/mysql-warnings.js';
import { blocking, type Problem } from '../checks/problem.js';
import type { MigrationSqlOutcome } from './migration-sql.js';
import { djangoVerdictFor, verdictEnvironment, type VerdictResult } from './django-verdict.js';
import { listMigrationEntries, parseMigrationEntries } from './migrations-in-tree.js';
import type { HookContext } from './hook-context.js';
import { djangoMigrationReader } from './django-migration-fallback.js';
import { withFormerApps } from './former-apps.js';
import { publishedChangeFindings } from './published-changes.js';
import { migrationId } from '../django/migration-types.js';

export interface RangeOptions {
  /** The commit being pushed or reviewed. */
  tip: string;
  /** rev-list arguments that exclude what is already shared (['--not', '--remotes=origin'] or ['^base']). */
  exclude: string[];
  /** Where shipped migrations are: on a remote's tracking branches, or in a base revision. */
  shipped: { kind: 'remote'; remote: string } | { kind: 'rev'; rev: string };
  /** The branch the commits will be merged into (remote default branch, or the range's base), if any. */
  mergeTarget: string | null;
  /** Short label for the tip in messages ("feature → origin/feature"). */
  label: string;
  /** Run the range's new migrations on a scratch database of this alias's server (`check --range`). */
  migrationSql?: { alias: string };
}

export interface RangeAnalysis {
  problems: Problem[];
  nothingToCheck?: string;
  verdict?: VerdictResult;
  migrationSql?: MigrationSqlOutcome;
}

/** Checks the commits reachable from the tip and not excluded. */
export async function analyzeRange(context: HookContext, options: RangeOptions): Promise<RangeAnalysis> {
  const { repository, project, config } = context;
  const commits = await listCommitChanges(repository, options.tip, options.exclude);
  if (commits.length === 0) return { problems: [], nothingToCheck: `${options.label}: no new commits` };
  const changes = commits.flatMap((commit) => commit.changes);
  const pathOf = migrationPathOf(project);
  const tipSource = { kind: 'commit' as const, rev: options.tip };
  // Every guarded app's migration entries at the tip, listed once for both uses below (when either needs them).
  let tipListing: Promise<TreeEntry[]> | undefined;
  const tipEntries = () => (tipListing ??= listMigrationEntries(repository, project, tipSource, project.apps));
  // Conflicts with the target branch are checked even when the new commits touch no Python: the
  // branch may carry a migration pushed earlier, before the target got one of its own.
  const mergeConflicts = options.mergeTarget ? await conflictsWithTarget(context, options.tip, tipEntries, options.mergeTarget, pathOf, `at ${options.label}`) : [];
  if (!changes.some((change) => affectsDjangoVerdict(change.path, project))) {
    // Deleting an app (or its migrations/ package) wholesale touches no guarded app of the tip.
    const shipped = await shippedChanges(context, changes, options);
    const problems = [...mergeConflicts, ...shipped];
    return { problems, nothingToCheck: problems.length ? undefined : `${options.label}: no commit touches Python in a guarded app or the settings` };
  }
  const changedApps = appsWithMigrationChanges(changes, project);
  const [verdict, shipped, tipMigrations] = await Promise.all([
    djangoVerdictFor(context, tipSource),
    shippedChanges(context, changes, options),
    (changedApps.length ? tipEntries() : Promise.resolve([])).then((entries) => parseMigrationEntries(repository, project, entries, djangoMigrationReader(context))),
  ]);

  const problems: Problem[] = [];
  const where = `at ${options.label}`;
  problems.push(
    ...djangoVerdictProblems(verdict.verdict, {
      where,
      changedApps: changedApps.map((app) => app.label),
      untrackedByApp: new Map(),
      failClosed: config.raw.hooks.failClosed,
    ...verdictEnvironment(verdict, context),
      checkedWithoutDjango: 'edits to shipped migrations, conflicting leaves, duplicate numbers and conflicts with the target branch',
    }),
  );
  problems.push(...shipped);

  const readable = new Set(changedApps.map((app) => app.label).filter((label) => !tipMigrations.unreadableApps.has(label)));
  problems.push(...tipMigrations.unreadable);
  const tipGraph = buildProjectGraph(config, tipMigrations.migrations);
  problems.push(...migrationGraphProblems(tipGraph, { apps: readable, pathOf, where }));
  // A conflict already visible in the tip alone is reported once, as such.
  problems.push(...mergeConflicts.filter((problem) => !problem.files.every((file) => problems.some((known) => known.code === 'conflicting-leaves' && known.files.includes(file)))));

  if (config.raw.hooks.mysqlWarnings) {
    const added = new Set(changes.filter((change) => change.status === 'A').map((change) => change.path));
    const newMigrations = tipMigrations.migrations.filter((migration) => added.has(migration.file));
    problems.push(...mysqlMigrationWarnings(newMigrations, { pathOf: (migration) => migration.file, block: config.raw.hooks.mysqlWarningsBlock }));
  }
  let migrationSql: MigrationSqlOutcome | undefined;
  const touched = new Set(changes.filter((change) => change.status === 'A' || change.status === 'M').map((change) => change.path));
  const rangeMigrations = tipMigrations.migrations.filter((migration) => touched.has(migration.file));
  if (options.migrationSql && rangeMigrations.length) {
    if (blocking(problems).length) migrationSql = { checked: false, reason: 'blocking problems first' };
    else {
      const { migrationSqlFor } = await import('./migration-sql.js');
      migrationSql = await migrationSqlFor(context, { source: tipSource, verdict, migrations: rangeMigrations, alias: options.migrationSql.alias });
      if (migrationSql.checked) problems.push(...migrationSql.warnings);
    }
  }
  return { problems, verdict, migrationSql };
}

// Apps where the tip and the target each have migrations the other lacks: parse just those, on
// both sides, and look for leaves a merge would leave side by side.
async function conflictsWithTarget(context: HookContext, tip: string, tipEntries: () => Promise<TreeEntry[]>, target: string, pathOf: (app: string, name: string) => string, where: string): Promise<Problem[]> {
  const { repository, project, config } = context;
  if (await isAncestor(context, target, tip)) return [];
  const [ours, theirs] = await Promise.all([
    tipEntries(),
    listMigrationEntries(repository, project, { kind: 'commit', rev: target }, project.apps),
  ]);
  const diverged = project.apps.filter((app) => {
    const mine = new Set(ours.filter((entry) => migrationOf(entry.path, project)?.app === app.label).map((entry) => entry.path));
    const others = new Set(theirs.filter((entry) => migrationOf(entry.path, project)?.app === app.label).map((entry) => entry.path));
    return [...mine].some((file) => !others.has(file)) && [...others].some((file) => !mine.has(file));
  });
  if (diverged.length === 0) return [];
  const inApps = (entry: { path: string }) => diverged.some((app) => migrationOf(entry.path, project)?.app === app.label);
  const [mine, others] = await Promise.all([
    parseMigrationEntries(repository, project, ours.filter(inApps), djangoMigrationReader(context)),
    parseMigrationEntries(repository, project, theirs.filter(inApps), djangoMigrationReader(context)),
  ]);
  const readable = new Set(diverged.map((app) => app.label).filter((label) => !mine.unreadableApps.has(label) && !others.unreadableApps.has(label)));
  const union = new MigrationGraph(unionByKey(mine.migrations, others.migrations), { apps: diverged.map((app) => app.label), settings: { AUTH_USER_MODEL: config.authUserModel } });
  return mergeConflictProblems(union, migrationIds(mine.migrations), migrationIds(others.migrations), {
    apps: readable,
    pathOf,
    where,
    theirsLabel: target.replace(/^refs\/remotes\//, '').replace(/^refs\/heads\//, ''),
  });
}

// Shipped migrations edited or deleted in the range, in the apps guarded at the tip or where they
// are shipped (an app or migrations/ package deleted wholesale included); squash-lifecycle steps pass with a note.
async function shippedChanges(context: HookContext, changes: readonly FileChange[], options: RangeOptions): Promise<Problem[]> {
  const { repository } = context;
  const shippedRevs = async () => (options.shipped.kind === 'remote' ? listRemoteTrackingRefs(repository, options.shipped.remote) : [options.shipped.rev]);
  const project = await withFormerApps(repository, context.project, changes, shippedRevs);
  const candidates = [...new Set(modifiedOrDeletedMigrations(changes, project))];
  if (candidates.length === 0) return [];
  let shipped: Map<string, string>;
  if (options.shipped.kind === 'remote') {
    shipped = await findPublishedPaths(repository, candidates, options.shipped.remote);
  } else {
    const base = options.shipped.rev;
    const found = await existingObjects(repository, candidates.map((file) => `${base}:${file}`));
    shipped = new Map(candidates.filter((file) => found.has(`${base}:${file}`)).map((file) => [file, base]));
  }
  // One problem per file, for its last change in the range.
  const lastChange = new Map<string, FileChange>();
  for (const change of changes) if (candidates.includes(change.path) && !lastChange.has(change.path)) lastChange.set(change.path, change);
  return publishedChangeFindings(repository, project, findPublishedMigrationChanges([...lastChange.values()], shipped, project), { kind: 'commit', rev: options.tip });
}

function unionByKey(ours: readonly ParsedMigration[], theirs: readonly ParsedMigration[]): ParsedMigration[] {
  const byKey = new Map<string, ParsedMigration>();
  for (const migration of theirs) byKey.set(migrationId(migration), migration);
  for (const migration of ours) byKey.set(migrationId(migration), migration);
  return [...byKey.values()];
}

async function isAncestor(context: HookContext, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit(context.repository.root, ['merge-base', '--is-ancestor', ancestor, descendant], { okExitCodes: [1, 128] });
  return result.exitCode === 0;
}
