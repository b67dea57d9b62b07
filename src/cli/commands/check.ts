// `migration-guard check`: the hooks' rules for CI and scripts (--staged, --range A..B, --tree REV).
import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { blocking, type Problem } from '../../checks/problem.js';
import { loadHookContext } from '../../hooks/hook-context.js';
import { analyzeStaged } from '../../hooks/staged-analysis.js';
import { analyzeRange } from '../../hooks/range-analysis.js';
import { analyzeTree } from '../../hooks/tree-analysis.js';
import { renderProblems } from '../../hooks/report.js';
import { verdictSummary } from '../../hooks/verdict-summary.js';
import type { VerdictResult } from '../../hooks/django-verdict.js';
import { resolveCommit } from '../../git/repository.js';
import { style } from '../../ui/style.js';
import { DEFAULT_ALIAS } from '../../db/database-target.js';
import { describeMigrationSql } from '../../hooks/migration-sql-summary.js';
import type { MigrationSqlOutcome } from '../../hooks/migration-sql.js';

// The lock-safety part of --json: checked where and when, or why not (the warnings are among the problems).
function lockSafetyJson(outcome: MigrationSqlOutcome): Record<string, unknown> {
  if (!outcome.checked) return { checked: false, reason: outcome.reason };
  return { checked: true, server: outcome.server, ms: outcome.ms, ...(outcome.remembered ? { remembered: true } : {}), ...(outcome.failed ? { failed: outcome.failed } : {}) };
}

interface CheckOptions {
  staged?: boolean;
  range?: string;
  tree?: string;
  json?: boolean;
  failClosed?: boolean;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check models against migrations (Django\'s verdict), untracked/edited/conflicting migrations, MySQL risks')
    .option('--staged', 'the staged state, as the pre-commit hook does')
    .option('--range <A..B>', 'the commits in A..B, as the pre-push hook does (migrations in A count as shipped)')
    .option('--tree <rev>', 'one commit\'s tree (default: --tree HEAD)')
    .option('--fail-closed', 'fail (exit 2) when Python/Django cannot run, instead of warning (config: hooks.failClosed)')
    .option('--json', 'print a JSON object for machines')
    .addHelpText(
      'after',
      '\nExit codes: 0 no blocking problem (warnings may be printed), 1 blocking problems found,\n' +
        '2 cannot run (bad configuration or revision; Python/Django unavailable with --fail-closed).\n' +
        'Example for CI: migration-guard check --range origin/main..HEAD --fail-closed',
    )
    .action(async (options: CheckOptions, command: Command) => {
      const modes = [options.staged, options.range, options.tree].filter((mode) => mode !== undefined && mode !== false).length;
      if (modes > 1) throw new UserError('Give only one of --staged, --range, --tree.', { fix: 'migration-guard check --range origin/main..HEAD' });
      const globals = command.optsWithGlobals<GlobalOptions>();
      const context = await loadHookContext(globals.cwd ?? process.cwd(), globals.config);
      if (options.failClosed) context.config.raw.hooks = { ...context.config.raw.hooks, failClosed: true };

      let mode: string;
      let problems: Problem[];
      let verdict: VerdictResult | undefined;
      let nothingToCheck: string | undefined;
      let migrationSql: MigrationSqlOutcome | undefined;
      const alias = typeof globals.database === 'string' ? globals.database : DEFAULT_ALIAS;
      if (options.staged) {
        mode = 'staged';
        ({ problems, verdict, nothingToCheck, migrationSql } = await analyzeStaged(context, { mysqlWarnings: true, migrationSql: { alias } }));
      } else if (options.range) {
        mode = `range ${options.range}`;
        const match = /^(.+?)\.\.(?!\.)(.+)$/.exec(options.range);
        if (!match) throw new UserError(`--range takes A..B (two dots), not "${options.range}".`, { fix: 'migration-guard check --range origin/main..HEAD' });
        const [, base, tip] = match as unknown as [string, string, string];
        const baseCommit = await resolveCommit(context.repository, base);
        const tipCommit = await resolveCommit(context.repository, tip);
        if (!baseCommit || !tipCommit) throw new UserError(`"${!baseCommit ? base : tip}" does not name a commit.`, { fix: 'git fetch   (in CI, fetch enough history: actions/checkout with fetch-depth: 0)' });
        ({ problems, verdict, nothingToCheck, migrationSql } = await analyzeRange(context, {
          tip: tipCommit,
          exclude: [`^${baseCommit}`],
          shipped: { kind: 'rev', rev: baseCommit },
          mergeTarget: baseCommit,
          label: tip,
          migrationSql: { alias },
        }));
      } else {
        const rev = options.tree ?? 'HEAD';
        mode = `tree ${rev}`;
        ({ problems, verdict } = await analyzeTree(context, rev));
      }

      const blockers = blocking(problems);
      const onlyCouldNotRun = blockers.length > 0 && blockers.every((problem) => problem.code === 'django-could-not-run');
      process.exitCode = blockers.length === 0 ? ExitCode.ok : onlyCouldNotRun ? ExitCode.cannotRun : ExitCode.findings;

      if (options.json) {
        const report = {
          ok: blockers.length === 0,
          mode,
          ...(nothingToCheck ? { nothingToCheck } : {}),
          ...(verdict ? { django: { verdict: verdict.verdict, cached: verdict.cached, djangoMs: verdict.djangoMs } } : {}),
          ...(migrationSql ? { lockSafety: lockSafetyJson(migrationSql) } : {}),
          problems,
        };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = renderProblems(problems, { action: 'check' });
      if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
      if (migrationSql) process.stdout.write(`migration-guard check: ${describeMigrationSql(migrationSql)}.\n`);
      if (blockers.length === 0) {
        const how = nothingToCheck ? `nothing to check: ${nothingToCheck}` : verdictSummary(verdict, 'untracked and published migrations, conflicting leaves, duplicate numbers and dependencies');
        process.stdout.write(`${style.green('migration-guard check:')} ${how}.\n`);
      }
    });
}
