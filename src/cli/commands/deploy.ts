// `migration-guard deploy`: backup, migrate, verify, restore on failure — the production update procedure.
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { runDeploy } from '../../deploy/run-deploy.js';

interface DeployFlags {
  plan?: boolean;
  pull: boolean;
  leaveStopped?: boolean;
  backupDir?: string;
  allowBlocking?: boolean;
  killBlockers?: boolean;
}

export function register(program: Command): void {
  program
    .command('deploy')
    .description('update a staging/production checkout: preflight, stop, git pull --ff-only, back up, migrate, verify, restore on failure, start')
    .argument('[migrate-args...]', 'extra options for manage.py migrate, after -- (e.g. -- --verbosity 2); --fake is refused')
    .option('--plan', 'print every check and the steps a deploy would run; change nothing')
    .option('--no-pull', 'deploy what is checked out (skip git pull --ff-only)')
    .option('--leave-stopped', 'do not run serviceStart / maintenanceOff at the end')
    .option('--backup-dir <dir>', 'where backups, journals and the lock go (default: "deploy.backupDir")')
    .option('--allow-blocking', 'deploy even if a migration copies a table larger than "deploy.maxBlockingCopyRows" (writes wait meanwhile)')
    .option('--kill-blockers', 'when migrate waits for a metadata lock longer than "deploy.lockWaitSeconds", kill the sessions holding it instead of stopping migrate')
    .addHelpText(
      'after',
      '\nExit codes: 0 deployed (or nothing to migrate); 1 migrate/verify failed and the database was restored (or nothing had been migrated), or the service did not start; 2 refused or stopped before migrating (nothing changed); 4 the restore failed: needs a human now; 130 interrupted (restored if needed).\nJournal: <backupDir>/deploy-<id>.journal.jsonl, one JSON line per step.',
    )
    .action(async (migrateArgs: string[], flags: DeployFlags, command: Command) => {
      const context = await commandContext(command);
      process.exitCode = await runDeploy({
        config: context.config,
        env: context.env,
        settings: await context.connectionSettings(),
        alias: context.alias,
        options: { plan: Boolean(flags.plan), pull: flags.pull, leaveStopped: Boolean(flags.leaveStopped), backupDir: flags.backupDir, migrateArgs, allowBlocking: Boolean(flags.allowBlocking), killBlockers: Boolean(flags.killBlockers) },
      });
    });
}
