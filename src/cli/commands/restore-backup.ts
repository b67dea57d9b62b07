// `migration-guard restore-backup FILE`: replace the database with a backup, after typing its name and saving what it replaces.
import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { shortGitRevision } from '../../backup/git-revision.js';
import { replaceDatabaseWithBackup } from '../../backup/replace-database.js';
import { createDeployOutput } from '../../ui/deploy-output.js';

interface RestoreFlags {
  yes?: boolean;
  backupDir?: string;
}

export function register(program: Command): void {
  program
    .command('restore-backup')
    .description('replace the configured database with a backup (.sql.gz), after backing up what it replaces; verifies the result')
    .argument('<file>', 'the backup to restore (e.g. from "deploy.backupDir")')
    .option('--yes', 'do not ask for the database name (required without a terminal)')
    .option('--backup-dir <dir>', 'where the backup of the current content goes (default: "deploy.backupDir")')
    .addHelpText('after', '\nExit codes: 0 restored and verified; 1 restored but it differs from the state saved with the backup, or loading failed and the previous content was put back; 2 refused (no confirmation, unusable file, lock held); 4 loading failed and putting the previous content back failed too.')
    .action(async (file: string, flags: RestoreFlags, command: Command) => {
      const context = await commandContext(command);
      const settings = await context.connectionSettings();
      const deploy = context.config.raw.deploy;
      process.exitCode = await replaceDatabaseWithBackup({
        settings,
        file: path.resolve(context.cwd, file),
        backupDir: path.resolve(context.config.repoRoot, flags.backupDir ?? deploy.backupDir),
        gitRevision: await shortGitRevision(context.config.repoRoot),
        yes: Boolean(flags.yes),
        lockTimeout: deploy.lockTimeout,
        env: context.env,
        output: createDeployOutput([settings.password]),
      });
    });
}
