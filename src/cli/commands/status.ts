// `migration-guard status`: applied / pending / applied-but-missing per app, without booting Django.
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { ExitCode } from '../../exit-codes.js';
import { withInstalledApps } from '../../django/installed-apps.js';
import { readProjectStatus } from '../../status/project-status.js';
import { renderStatus } from '../../ui/status-report.js';
import type { StatusVerdict } from '../../checks/migration-status.js';

const VERDICT_EXIT: Record<StatusVerdict, number> = {
  'in-sync': ExitCode.ok,
  pending: ExitCode.findings,
  'database-ahead': ExitCode.databaseAhead,
};

interface StatusOptions {
  json?: boolean;
  list?: boolean;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('show which migrations are applied, pending, or applied but missing on disk (like showmigrations, without booting Django)')
    .option('--json', 'print a JSON object for machines')
    .option('-l, --list', 'list every migration, not only the ones that need attention')
    .addHelpText('after', '\nExit codes: 0 in sync, 1 pending migrations, 3 database ahead of the code, 2 cannot run (configuration, database unreachable).')
    .action(async (options: StatusOptions, command: Command) => {
      const context = await commandContext(command, { rememberValidation: true });
      // Every installed app, as showmigrations: Django's contrib apps and third-party packages too.
      const [config, settings] = await Promise.all([withInstalledApps(context.config, context.env, context.alias), context.connectionSettings()]);
      const status = await readProjectStatus(config, settings);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ database: { name: settings.database, host: settings.host, port: settings.port, socket: settings.socket ?? null, user: settings.user }, ...status }, null, 2)}\n`);
      } else {
        process.stdout.write(`${renderStatus(status, { list: options.list, database: settings.database }).join('\n')}\n`);
      }
      process.exitCode = VERDICT_EXIT[status.verdict];
    });
}
