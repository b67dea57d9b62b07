// `migration-guard backup`: a verified, gzipped dump of the configured database in the backup directory.
import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { ExitCode } from '../../exit-codes.js';
import { takeBackup } from '../../backup/take-backup.js';
import { shortGitRevision } from '../../backup/git-revision.js';
import { formatBytes } from '../../ui/format-bytes.js';
import { createDeployOutput, formatDuration } from '../../ui/deploy-output.js';
import { UserError } from '../../errors.js';

interface BackupFlags {
  backupDir?: string;
  keep?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('backup')
    .description('dump the database (--single-transaction --routines --triggers) to <backupDir>/<db>-<timestamp>-<gitrev>.sql.gz, verified and fsynced')
    .option('--backup-dir <dir>', 'where to write it (default: "deploy.backupDir")')
    .option('--keep <n>', 'keep the newest N backups of this database (default: "deploy.keep")')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit codes: 0 backup written and verified; 2 it could not be taken, written or verified (nothing is left behind).')
    .action(async (flags: BackupFlags, command: Command) => {
      const context = await commandContext(command);
      const settings = await context.connectionSettings();
      const deploy = context.config.raw.deploy;
      const keep = flags.keep === undefined ? deploy.keep : Number(flags.keep);
      if (!Number.isInteger(keep) || keep < 1) throw new UserError(`--keep must be a whole number of at least 1, not "${flags.keep}".`, { fix: 'migration-guard backup --keep 10' });
      const dir = path.resolve(context.config.repoRoot, flags.backupDir ?? deploy.backupDir);
      const output = createDeployOutput([settings.password], flags.json ? process.stderr : process.stdout);
      output.line('start', `backing up "${settings.database}" to ${dir}…`);
      const info = await takeBackup({ settings, dir, gitRevision: await shortGitRevision(context.config.repoRoot), keep, env: context.env });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ path: info.path, state: info.statePath, bytes: info.compressedBytes, sqlBytes: info.sqlBytes, exact: info.exact, removedByRetention: info.removedByRetention, durationMs: info.durationMs }, null, 2)}\n`);
      } else {
        output.line('ok', `${info.path} (${formatBytes(info.compressedBytes)}, ${formatBytes(info.sqlBytes)} of SQL; verified: gzip intact, dump complete; fsynced) in ${formatDuration(info.durationMs)}`);
        if (!info.exact) output.line('warn', `the database changed while the dump ran (${info.changedDuringDump.slice(0, 3).join('; ')}); the dump is a consistent snapshot, but a restore can only be checked for schema`);
        if (info.removedByRetention.length) output.detail(`retention (keep ${keep}): removed ${info.removedByRetention.map((file) => path.basename(file)).join(', ')}`);
        output.detail(`restore it with: migration-guard restore-backup ${info.path}`);
      }
      process.exitCode = ExitCode.ok;
    });
}
