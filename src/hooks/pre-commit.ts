// pre-commit and pre-merge-commit: block a commit whose staged models and migrations disagree.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/run-git.js';
import { listIndexEntries, readBlobs } from '../git/tree-entries.js';
import { blocking, type Problem } from '../checks/problem.js';
import { errorStyle } from '../ui/style.js';
import type { HookContext } from './hook-context.js';
import { analyzeStaged, type StagedAnalysis } from './staged-analysis.js';
import { knowsAppsOf, readContextCache } from './context-cache.js';
import { openRepository } from '../git/repository.js';
import { listStagedChanges } from '../git/file-changes.js';
import { printProblems } from './report.js';
import { verdictSummary } from './verdict-summary.js';
import { commitSummaryOfMigrationSql } from './migration-sql-summary.js';

/** Runs the staged checks; 0 lets the commit through, 1 blocks it. */
export async function runPreCommit(options: { cwd: string; configPath?: string }, hookName: string): Promise<number> {
  const repository = await openRepository(options.cwd);
  const staged = await listStagedChanges(repository);
  // The remembered configuration when still valid; the loader (and zod) only when something changed.
  const cached = options.configPath ? null : readContextCache(repository.commonDir, options.cwd);
  const context =
    cached && knowsAppsOf(cached, staged.map((change) => change.path))
      ? cached
      : await (await import('./hook-context.js')).loadHookContext(options.cwd, options.configPath);
  const analysis = await analyzeStaged(context, { mysqlWarnings: false, staged, migrationSql: { alias: 'default' } });
  if (analysis.nothingToCheck) return 0;
  const problems = [...analysis.problems];
  if (context.config.raw.linear && blocking(problems).length === 0) problems.push(...(await keepMaxMigrationFiles(context, analysis)));
  printProblems(problems, { action: hookName === 'pre-merge-commit' ? 'merge' : 'commit', bypass: 'git commit --no-verify   (HUSKY=0 skips every hook in a shell)' });
  if (blocking(problems).length) return 1;
  const sql = analysis.migrationSql ? commitSummaryOfMigrationSql(analysis.migrationSql) : '';
  process.stderr.write(`${errorStyle.dim(`migration-guard: ${verdictSummary(analysis.verdict, analysis.checkedWithoutDjango)}${sql}.`)}\n`);
  return 0;
}

// Linear history (django-linear-migrations' max_migration.txt): when a migration is staged, the
// app's max_migration.txt must name its single leaf. The one change to the index this hook makes,
// and only to a file whose working copy has no edits of its own.
async function keepMaxMigrationFiles(context: HookContext, analysis: StagedAnalysis): Promise<Problem[]> {
  const graph = analysis.stagedGraph;
  if (!graph || analysis.newMigrations.length === 0) return [];
  const { repository } = context;
  const problems: Problem[] = [];
  const appsWithNew = new Set(analysis.newMigrations.map((migration) => migration.app));
  for (const app of analysis.changedMigrationApps.filter((candidate) => appsWithNew.has(candidate.label))) {
    const leaves = graph.leaves(app.label);
    if (leaves.length !== 1) continue; // reported as a conflict already
    const expected = `${leaves[0]!.name}\n`;
    const file = `${app.migrationsDir}/max_migration.txt`;
    const [entry] = await listIndexEntries(repository, [file]);
    const staged = entry ? (await readBlobs(repository, [entry.object])).get(entry.object) ?? null : null;
    if (staged === expected) continue;
    const absolute = path.join(repository.root, file);
    const working = await readFile(absolute, 'utf8').catch(() => null);
    if (working !== staged) {
      problems.push({
        code: 'linear-max-migration',
        severity: 'block',
        title: `${file} has unstaged changes, so migration-guard cannot update it to ${leaves[0]!.name}`,
        files: [file],
        fix: `echo ${leaves[0]!.name} > ${file} && git add ${file}`,
      });
      continue;
    }
    await writeFile(absolute, expected);
    await git(repository.root, ['add', '--', file]);
    process.stderr.write(`migration-guard: ${file} now names ${leaves[0]!.name} (staged).\n`);
  }
  return problems;
}
