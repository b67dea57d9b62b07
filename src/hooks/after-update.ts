// What post-merge/post-checkout/post-rewrite say and do once migrations changed: report, compare
// with the database, and on a terminal offer to migrate (development only).
import { loadHookContext } from './hook-context.js';
import type { FileChange } from '../git/file-changes.js';
import { currentBranch, type Repository } from '../git/repository.js';
import { noMigrationChanges, summarizeMigrationChanges } from '../checks/migration-changes.js';
import { planAfterUpdate } from '../checks/after-update.js';
import type { MigrationStatus } from '../checks/migration-status.js';
import { DEFAULT_ALIAS, resolveConnectionSettings } from '../db/database-target.js';
import { withInstalledApps } from '../django/installed-apps.js';
import { readProjectStatus } from '../status/project-status.js';
import { askYesNo } from '../ui/prompts.js';
import { runManagePy } from '../django/manage-py.js';
import { errorStyle } from '../ui/style.js';
import { migrationId } from '../django/migration-types.js';

const STATUS_TIMEOUT_MS = 8_000;

/** What a post-* hook reports on: the code moved from `from` to `to` (commits, or a tree for a squash merge). */
export interface UpdateSpan {
  from: string;
  to: string;
  /** "switching to feature-x", "the merge", "the rebase" */
  event: string;
  previousRef?: string;
  /** The branch HEAD is on (null when detached), when the hook already looked it up. */
  currentBranch?: string | null;
}

/**
 * Reports on the migrations between `from` and `to` and offers to apply what is pending;
 * `changed` is every file change between them (`git diff --name-status from to`).
 */
export async function reportAfterUpdate(options: { cwd: string; configPath?: string }, repository: Repository, span: UpdateSpan, changed: readonly FileChange[]): Promise<void> {
  const context = await loadHookContext(options.cwd, options.configPath, repository);
  const { config, project } = context;
  const changes = summarizeMigrationChanges(changed, project);
  if (noMigrationChanges(changes)) return;

  let status: MigrationStatus | null = null;
  let statusUnknownBecause: string | undefined;
  try {
    status = await withTimeout(
      Promise.all([withInstalledApps(config, process.env, DEFAULT_ALIAS), resolveConnectionSettings(config, process.env)]).then(([installed, settings]) => readProjectStatus(installed, settings)),
      STATUS_TIMEOUT_MS,
      'the database did not answer in time',
    );
  } catch (error) {
    statusUnknownBecause = (error as Error).message.replace(/\.$/, '');
  }
  const appliedIds = new Set(status?.apps.flatMap((app) => app.migrations.filter((entry) => entry.applied).map((entry) => migrationId({ app: app.app, name: entry.name }))) ?? []);
  const plan = planAfterUpdate({
    event: span.event,
    changes,
    status,
    statusUnknownBecause,
    role: config.role,
    previousRef: span.previousRef,
    currentRef: (span.currentBranch !== undefined ? span.currentBranch : await currentBranch(repository)) ?? undefined,
    changedButApplied: changes.changed.map(migrationId).filter((id) => appliedIds.has(id)),
  });
  process.stderr.write(`${plan.lines.join('\n')}\n`);
  if (plan.offerMigrate === 0) return;

  const count = `${plan.offerMigrate} migration${plan.offerMigrate === 1 ? '' : 's'}`;
  const answer = config.raw.hooks.offerMigrate ? await askYesNo(`Apply ${count} now (python manage.py migrate)?`, false) : null;
  if (answer !== true) {
    process.stderr.write(`  To apply ${plan.offerMigrate === 1 ? 'it' : 'them'}: ${plan.migrateCommand}\n`);
    return;
  }
  const result = await runManagePy(config, ['migrate'], { live: true });
  if (result.exitCode === 0) {
    process.stderr.write(`${errorStyle.green('migration-guard: migrate finished.')}\n`);
  } else {
    process.stderr.write(
      `${errorStyle.red(`migration-guard: migrate failed (exit ${result.exitCode}).`)} On MySQL a failed migration can leave its schema changes half-applied: check with migration-guard status before rerunning it.\n`,
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
      timer.unref();
    }),
  ]);
}
