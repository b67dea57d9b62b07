// The post-migrate checks: every migration in the plan is recorded as applied, and the models need no new migration.
import type { ResolvedConfig } from '../../config/load-config.js';
import type { Connection } from '../../db/connect.js';
import { readAppliedMigrations } from '../../db/django-migrations.js';
import { runMakemigrationsCheck } from '../../django/makemigrations-check.js';
import { redactSecrets } from '../../ui/redact-secrets.js';
import type { PlanNode } from '../../django/migration-probe.js';
import { buildProjectGraph, loadProjectMigrations } from '../../django/project-migrations.js';
import { squashState } from '../../django/migration-graph.js';
import { migrationId } from '../../django/migration-types.js';

/** The `app.name` of every migration django_migrations records as applied. */
export async function readAppliedIds(connection: Connection): Promise<Set<string>> {
  return new Set((await readAppliedMigrations(connection)).map(migrationId));
}

/** Plan entries django_migrations does not record as applied (a squashed one counts when all it replaces are). */
export function findUnappliedMigrations(applied: ReadonlySet<string>, plan: PlanNode[]): string[] {
  const squashApplied = (node: PlanNode) => node.replaces.length > 0 && squashState(applied, node.replaces.map(([app, name]) => migrationId({ app, name }))) === 'all';
  return plan.filter((node) => !applied.has(migrationId(node)) && !squashApplied(node)).map(migrationId);
}

export interface ModelCheck {
  /** ok: no changes; changes: a model change has no migration (exit 1, or 3 when it would need input); error: the command itself failed. */
  status: 'ok' | 'changes' | 'error';
  exitCode: number | undefined;
  output: string;
}

/** `manage.py makemigrations --check --dry-run --noinput` (the reading the hooks use too): a model change without a committed migration fails it. */
export async function checkModelsHaveMigrations(config: ResolvedConfig, options: { env?: NodeJS.ProcessEnv; secrets?: string[] } = {}): Promise<ModelCheck> {
  const run = await runMakemigrationsCheck({ config, python: config.python.path, treeDir: config.repoRoot, repoRoot: config.repoRoot, appLabels: [], env: options.env });
  const output = redactSecrets(run.output.trim(), options.secrets ?? []);
  const exitCode = run.verdict.kind === 'could-not-run' && run.verdict.cause === 'no-python' ? undefined : run.exitCode;
  switch (run.verdict.kind) {
    case 'in-sync':
      return { status: 'ok', exitCode, output };
    case 'out-of-sync':
    case 'needs-default':
    case 'conflicts':
      return { status: 'changes', exitCode, output };
    default:
      // Python or the settings failed, or the project's code raised: the tool failed, not the check.
      return { status: 'error', exitCode, output: output || (run.verdict.kind === 'could-not-run' ? run.verdict.reason : '') };
  }
}

/** The guarded apps' migration files (read without Python, migration-graph.ts) still pending against django_migrations. */
export async function pendingByMigrationFiles(config: ResolvedConfig, applied: ReadonlySet<string>): Promise<{ pending: string[] } | { unavailable: string }> {
  try {
    const graph = buildProjectGraph(config, await loadProjectMigrations(config), applied);
    return { pending: graph.pendingPlan().map(migrationId) };
  } catch (error) {
    // A file this parser cannot read is its limitation, not the deploy's failure: Django's own plan decides.
    return { unavailable: (error as Error).message };
  }
}

export interface VerifyResult {
  /** One line per problem; empty when the deploy is verified. */
  problems: string[];
  unapplied: string[];
  /** Why the cross-check against the migration files could not run, if it could not. */
  fileCheckUnavailable: string | null;
  modelCheck: ModelCheck;
}

/** Step 8: every migration is applied (by Django's plan, and by the migration files read directly) and
 * `makemigrations --check` finds nothing. */
export async function verifyDeployment(config: ResolvedConfig, connection: Connection, plan: PlanNode[], options: { env?: NodeJS.ProcessEnv; secrets?: string[] } = {}): Promise<VerifyResult> {
  // One read of django_migrations serves both checks.
  const applied = await readAppliedIds(connection);
  const unapplied = findUnappliedMigrations(applied, plan);
  const byFiles = await pendingByMigrationFiles(config, applied);
  if ('pending' in byFiles) for (const id of byFiles.pending) if (!unapplied.includes(id)) unapplied.push(id);
  const modelCheck = await checkModelsHaveMigrations(config, options);
  const problems: string[] = [];
  if (unapplied.length) problems.push(`not applied after migrate: ${unapplied.join(', ')}`);
  if (modelCheck.status === 'changes') {
    problems.push(`makemigrations --check found model changes that have no migration (exit ${modelCheck.exitCode}): the code's migrations were not all committed`);
  } else if (modelCheck.status === 'error') {
    problems.push(`makemigrations --check could not run (exit ${modelCheck.exitCode ?? '?'}): a tool error, not a verdict`);
  }
  return { problems, unapplied, fileCheckUnavailable: 'unavailable' in byFiles ? byFiles.unavailable : null, modelCheck };
}
