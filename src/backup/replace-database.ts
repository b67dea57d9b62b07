// `restore-backup`: confirm, lock, back up what is about to be replaced, restore, verify; put the old content
// back if loading fails.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { describeConnection } from '../db/connection-settings.js';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';
import { askToTypeExactly } from '../ui/prompts.js';
import type { DeployOutput } from '../ui/deploy-output.js';
import { formatDuration } from '../ui/deploy-output.js';
import { deployLockPath } from '../locks/local-lock.js';
import { withLockPair } from '../locks/lock-pair.js';
import { takeBackup } from './take-backup.js';
import { restoreBackup, RestoreLoadError } from './restore-backup.js';
import { verifyBackupFile } from './verify-backup.js';
import { formatBytes } from '../ui/format-bytes.js';

export interface ReplaceDatabaseInput {
  settings: ConnectionSettings;
  file: string;
  backupDir: string;
  gitRevision: string;
  yes: boolean;
  lockTimeout: number;
  env: NodeJS.ProcessEnv;
  output: DeployOutput;
}

/** Restores `file` over the database; returns the exit code. */
export async function replaceDatabaseWithBackup(input: ReplaceDatabaseInput): Promise<number> {
  const { settings, file, output } = input;
  if (!existsSync(file)) throw new UserError(`${file} does not exist.`, { fix: `List the backups: ls -t ${input.backupDir}` });
  const check = await verifyBackupFile(file);
  if (!check.ok) throw new UserError(`${file} cannot be restored: ${check.problem}. Nothing was changed.`, { fix: `Choose another backup: ls -t ${path.dirname(file)}` });
  output.line('info', `${file}: ${formatBytes(check.compressedBytes)} (${formatBytes(check.sqlBytes)} of SQL), gzip intact, dump complete`);

  if (!input.yes) {
    const confirmed = await askToTypeExactly(`This REPLACES everything in ${describeConnection(settings)} with ${path.basename(file)}. Type the database name to confirm:`, settings.database);
    if (confirmed === null) throw new UserError('restore-backup replaces a whole database and asks for its name first, but there is no terminal to ask on. Nothing was changed.', { fix: `Run it in a terminal, or confirm on the command line: migration-guard restore-backup ${file} --yes` });
    if (!confirmed) throw new UserError(`The name typed was not "${settings.database}". Nothing was changed.`, { fix: 'Run it again and type the database name exactly.' });
  }

  try {
    await mkdir(input.backupDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UserError(`Cannot create ${input.backupDir} for the backup of the current content: ${(error as Error).message}. Nothing was changed.`, { fix: 'Make it writable, or choose another place with --backup-dir.' });
  }
  const lockRequest = { file: deployLockPath(input.backupDir), details: { command: 'migration-guard restore-backup' }, settings, waitSeconds: input.lockTimeout };
  return withLockPair(lockRequest, async () => {
    output.line('start', `backing up what is about to be replaced…`);
    const safety = await takeBackup({ settings, dir: input.backupDir, gitRevision: input.gitRevision, label: 'before-restore', env: input.env });
    output.line('ok', `current content saved: ${safety.path} (${formatBytes(safety.compressedBytes)})`);

    output.line('start', `restoring ${file}…`);
    try {
      const result = await restoreBackup(settings, file, { env: input.env, verified: check });
      if (result.differences.length) {
        output.line('failed', `restored, but the result differs from the state recorded with the backup:`);
        output.detail(result.differences.join('\n'));
        output.detail(`The previous content is in ${safety.path} (migration-guard restore-backup ${safety.path}).`);
        return ExitCode.findings;
      }
      const how = result.verification === 'exact' ? 'tables, definitions, checksums and django_migrations equal the state saved with the backup' : result.verification === 'schema-and-migrations' ? 'tables, definitions and django_migrations equal the state saved with the backup (data was changing while it was taken)' : 'every table in the dump exists (no state was saved with this backup)';
      output.line('ok', `restored and verified in ${formatDuration(result.durationMs)}: ${how}`);
      output.detail(`The previous content is in ${safety.path}.`);
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof RestoreLoadError)) throw error;
      output.line('failed', error.message);
      output.line('start', `putting the previous content back from ${safety.path}…`);
      try {
        const back = await restoreBackup(settings, safety.path, { env: input.env });
        if (back.differences.length) throw new Error(back.differences.join('; '));
        output.line('ok', 'the database is as it was before restore-backup (verified)');
        return ExitCode.findings;
      } catch (backError) {
        throw new UserError(`Restoring ${file} failed, and putting the previous content back failed too: ${(backError as Error).message}`, {
          exitCode: ExitCode.restoreFailed,
          fix: `The database is incomplete. Retry: migration-guard restore-backup ${safety.path} --yes`,
          cause: backError,
        });
      }
    }
  });
}
