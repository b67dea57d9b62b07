// `check --tree REV`: Django's verdict on one commit and its whole migration graph.
import { buildProjectGraph } from '../django/project-migrations.js';
import { resolveCommit } from '../git/repository.js';
import { djangoVerdictProblems } from '../checks/django-verdict.js';
import { migrationGraphProblems } from '../checks/migration-graph-problems.js';
import { migrationPathOf } from '../checks/project-paths.js';
import type { Problem } from '../checks/problem.js';
import { UserError } from '../errors.js';
import { djangoVerdictFor, verdictEnvironment, type VerdictResult } from './django-verdict.js';
import { loadTreeMigrations } from './migrations-in-tree.js';
import type { HookContext } from './hook-context.js';
import { djangoMigrationReader } from './django-migration-fallback.js';

/** Checks the tree of `rev`: models against migrations (Django), conflicts, numbers, dependencies. */
export async function analyzeTree(context: HookContext, rev: string): Promise<{ problems: Problem[]; verdict: VerdictResult }> {
  const { repository, project, config } = context;
  const commit = await resolveCommit(repository, rev);
  if (!commit) throw new UserError(`"${rev}" does not name a commit in ${repository.root}.`, { fix: 'git log --oneline   (pick a commit or branch name)' });
  const source = { kind: 'commit' as const, rev: commit };
  const [verdict, loaded] = await Promise.all([djangoVerdictFor(context, source), loadTreeMigrations(repository, project, source, project.apps, djangoMigrationReader(context))]);
  const where = `at ${rev}`;
  const graph = buildProjectGraph(config, loaded.migrations);
  const readable = new Set(project.apps.map((app) => app.label).filter((label) => !loaded.unreadableApps.has(label)));
  const graphProblems = [...loaded.unreadable, ...migrationGraphProblems(graph, { apps: readable, pathOf: migrationPathOf(project), where })];
  const graphConflicts = graphProblems.some((problem) => problem.code === 'conflicting-leaves');
  const djangoProblems = djangoVerdictProblems(verdict.verdict, {
    where,
    changedApps: project.apps.map((app) => app.label),
    untrackedByApp: new Map(),
    failClosed: config.raw.hooks.failClosed,
    ...verdictEnvironment(verdict, context),
    checkedWithoutDjango: 'conflicting leaves, duplicate numbers and missing dependencies',
  }).filter((problem) => !(graphConflicts && problem.code === 'conflicting-leaves'));
  return { problems: [...djangoProblems, ...graphProblems], verdict };
}
