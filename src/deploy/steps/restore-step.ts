// The deploy's failure path: restore the backup taken before migrating and check it reproduces the state before the deploy.
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { withConnection } from '../../db/connect.js';
import { restoreBackup, type RestoreResult } from '../../backup/restore-backup.js';
import { compareDatabaseStates, readDatabaseState, type DatabaseState } from '../../backup/database-state.js';
import type { DeployOutput } from '../../ui/deploy-output.js';
import { identityOf } from '../../locks/process-identity.js';
import type { StepRunner } from './step-runner.js';

/** The restore ran but the database does not match the state recorded with the backup. */
export class RestoreMismatchError extends Error {
  readonly differences: string[];
  constructor(backup: string, differences: string[]) {
    super(`the database after restoring ${backup} does not match the state before the deploy: ${differences.slice(0, 5).join('; ')}${differences.length > 5 ? ` and ${differences.length - 5} more` : ''}`);
    this.name = 'RestoreMismatchError';
    this.differences = differences;
  }
}

const VERIFIED_AS: Record<RestoreResult['verification'], string> = {
  exact: 'tables, SHOW CREATE TABLE, CHECKSUM TABLE, routines, triggers and django_migrations equal the state before the deploy',
  'schema-and-migrations': 'tables, definitions and django_migrations equal the state before the deploy (data was changing during the backup, so checksums could not be compared)',
  'tables-in-dump': 'every table in the dump exists (no state record was saved with this backup)',
};

/** Restores `backup` as journal step "restore"; throws when loading fails or the result differs. With the state
 * before the deploy, first records what the failed deploy changed (for the journal and the operator). */
export async function restoreAsStep(runner: StepRunner, label: string, settings: ConnectionSettings, backup: string, options: { env?: NodeJS.ProcessEnv; stateBefore?: DatabaseState; output?: DeployOutput } = {}): Promise<RestoreResult> {
  const { env } = options;
  return runner.run('restore', label, async (step) => {
    step.note({ backup }, true);
    if (options.stateBefore) {
      try {
        const now = await withConnection(settings, (connection) => readDatabaseState(connection, settings.database));
        const changed = compareDatabaseStates(options.stateBefore, now);
        step.note({ changedByDeploy: changed }, true);
        if (changed.length) options.output?.detail(`left behind by the failed deploy: ${changed.join('; ')}`);
      } catch {
        // only informative: the restore goes ahead regardless
      }
    }
    const result = await restoreBackup(settings, backup, { env, onSpawn: (pid) => step.note({ clientPid: pid, clientStartTicks: pid ? identityOf(pid).startTicks : null }, true) });
    step.note({ verification: result.verification, differences: result.differences, tables: result.tables });
    if (result.differences.length) throw new RestoreMismatchError(backup, result.differences);
    step.summary = `restored and verified: ${VERIFIED_AS[result.verification]}`;
    return result;
  });
}
