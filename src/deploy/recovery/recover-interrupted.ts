// Before a new deploy starts, an interrupted one is finished off: restore its backup when the database may be
// half-migrated (or verify when migrate had finished), move the checkout back, and record it in the old journal.
import { rm } from 'node:fs/promises';
import type { ResolvedConfig } from '../../config/load-config.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { quoteIdentifier, withConnection } from '../../db/connect.js';
import { resolveScratchServer } from '../../drift/scratch-server.js';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { companionPaths } from '../../backup/backup-files.js';
import { findUnfinishedJournal } from '../journal/journal-reader.js';
import { openJournalForAppend } from '../journal/journal-writer.js';
import { processState } from '../../locks/process-identity.js';
import { headCommit, moveCheckoutBack } from '../git/pull.js';
import { probeMigrations } from '../../django/migration-probe.js';
import { verifyDeployment } from '../django/verify-migrations.js';
import { createStepRunner } from '../steps/step-runner.js';
import { restoreAsStep } from '../steps/restore-step.js';
import type { DeployOutput } from '../../ui/deploy-output.js';
import { describeRecovery, planRecovery, type RecoveryAction } from './plan-recovery.js';

export interface RecoveryOutcome {
  /** The interrupted deploy's journal, or null when there was none. */
  journal: string | null;
  action: RecoveryAction | null;
  /** The interrupted deploy left the application stopped: the new deploy must start it, whatever happens. */
  serviceLeftStopped: boolean;
}

export interface RecoveryInput {
  config: ResolvedConfig;
  settings: ConnectionSettings;
  backupDir: string;
  env: NodeJS.ProcessEnv;
  output: DeployOutput;
  secrets: string[];
  /** The id of the deploy doing the recovery, recorded in the old journal. */
  newDeployId: string;
}

/** Finds and finishes an interrupted deploy; throws UserError (exit 2) while its children still run, exit 4 when its restore fails. */
export async function recoverInterruptedDeploy(input: RecoveryInput): Promise<RecoveryOutcome> {
  const { config, settings, output, secrets, env } = input;
  const summary = findUnfinishedJournal(input.backupDir);
  if (!summary) return { journal: null, action: null, serviceLeftStopped: false };
  const plan = planRecovery(summary);
  output.line('warn', describeRecovery(plan));
  output.detail(`journal: ${plan.journal}`);

  for (const child of plan.children) {
    const state = processState(child.identity);
    if (state !== 'gone') {
      throw new UserError(`${child.what} started by the interrupted deploy ${plan.deployId} is still running (pid ${child.identity.pid}${state === 'other-host' ? ` on ${child.identity.host}` : ''}): recovering now would race with it.`, {
        fix: `Wait for it to end (it may be applying a migration right now; see SHOW PROCESSLIST), or stop it: kill ${child.identity.pid}. Then rerun: migration-guard deploy`,
      });
    }
  }

  const journal = openJournalForAppend(plan.journal, plan.deployId, secrets, (message) => output.line('warn', message));
  const runner = createStepRunner(journal, output);
  try {
    if (plan.tempFile) {
      await rm(plan.tempFile, { force: true });
      await rm(companionPaths(plan.tempFile.replace(/\.tmp$/, '')).state, { force: true });
      output.detail(`removed the unfinished backup ${plan.tempFile}`);
    }
    if (plan.scratchDatabase) {
      // Only ever a name the lock-safety step chose (…__drift_<random>), never the deployed database. It is
      // journaled before it is created, so a kill -9 may have come before the database existed.
      const server = resolveScratchServer(config.raw, env, settings, config.configFile ?? '(defaults)');
      if (plan.scratchDatabase !== settings.database) {
        const scratch = plan.scratchDatabase;
        const dropped = await withConnection({ ...server.settings, database: scratch }, async (connection) => {
          const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [scratch]);
          if ((rows as unknown[]).length === 0) return false;
          await connection.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(scratch)}`);
          return true;
        }, { database: null });
        if (dropped) output.detail(`dropped the scratch database "${scratch}" left by the lock-safety step`);
      }
    }
    let action = plan.action;
    if (action === 'verify') {
      action = await runner.run('verify', 'recover: verify the interrupted deploy', async (step) => {
        const probe = await probeMigrations(config, { sql: false, env, secrets });
        const result = await withConnection(settings, (connection) => verifyDeployment(config, connection, probe.plan, { env, secrets }));
        step.note({ problems: result.problems });
        if (result.problems.length) {
          output.detail(result.problems.join('\n'));
          step.summary = 'failed, restoring';
          return 'restore' as const;
        }
        step.summary = 'all migrations applied, models match';
        return 'completed' as const;
      });
    }
    if (action === 'restore') {
      if (!plan.backup) {
        throw new UserError(`The interrupted deploy ${plan.deployId} started migrating but its journal names no verified backup.`, { exitCode: ExitCode.restoreFailed, fix: `Inspect ${plan.journal} and the database by hand.` });
      }
      try {
        await restoreAsStep(runner, 'recover: restore the backup of the interrupted deploy', settings, plan.backup, { env, output });
      } catch (error) {
        throw new UserError(`Restoring ${plan.backup} for the interrupted deploy ${plan.deployId} failed: ${(error as Error).message}.`, {
          exitCode: ExitCode.restoreFailed,
          fix: `The database is in an unknown state. Retry: migration-guard restore-backup ${plan.backup}  (journal: ${plan.journal})`,
          cause: error,
        });
      }
    }
    if (plan.pulled && action !== 'completed') {
      const head = await headCommit(config.repoRoot);
      if (head === plan.pulled.after) {
        await runner.run('revert-code', `recover: move the checkout back to ${plan.pulled.before.slice(0, 12)}`, async (step) => {
          await moveCheckoutBack(config.repoRoot, plan.pulled!.before);
          step.note({ to: plan.pulled!.before, from: plan.pulled!.after });
        });
      } else {
        output.line('warn', `the checkout is at ${head.slice(0, 12)}, not where the interrupted deploy left it (${plan.pulled.after.slice(0, 12)}): left as it is`);
      }
    }
    journal.append({ event: 'resolved', detail: { by: input.newDeployId, action } });
    return { journal: plan.journal, action, serviceLeftStopped: plan.serviceLeftStopped };
  } finally {
    journal.close();
  }
}
