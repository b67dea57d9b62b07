// The `migration-guard` command tree (commander): global options and one module per command.
import { Command } from 'commander';
import { packageVersion } from '../package-version.js';
import { registerCommands } from './commands/index.js';

/** Builds the program for `argv`; commands are registered from src/cli/commands/. */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('migration-guard')
    .description("Keeps a Django project's models, migrations and MySQL/MariaDB database in step.")
    .version(packageVersion())
    .option('--config <file>', 'configuration file (default: migration-guard.config.json or package.json "migrationGuard", searched upwards)')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .option('--database <alias>', 'the DATABASES alias in Django\'s settings to work on, as manage.py\'s --database (default: "default")')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}
