// `migration-guard restore-from-prod` (also the `restore-from-prod` bin): clone production's database
// dump and media tarball into this developer's own database and media directory, safely.
import { InvalidArgumentError, type Command } from 'commander';
import { commandContext } from '../context.js';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { withConnection } from '../../db/connect.js';
import { createProgress } from '../../ui/progress.js';
import { style } from '../../ui/style.js';
import { formatBytes } from '../../ui/format-bytes.js';
import { migrationStanding, standingAsJson, type MigrationStanding } from '../../restore/migration-report.js';
import { PhaseProgress } from '../../restore/phase-progress.js';
import { runRestore, type RestoreIO, type RestoreSummary } from '../../restore/run-restore.js';
import { runCleanup, runUndo, type UndoSummary } from '../../restore/run-undo.js';

interface RestoreCommandOptions {
  dbSource?: string;
  mediaSource?: string;
  /** false with --no-database; an alias string with --database ALIAS. */
  database?: string | boolean;
  media: boolean;
  yes?: boolean;
  allowRemoteTarget?: boolean;
  migrate?: boolean;
  parallel?: number;
  undo?: boolean;
  cleanup?: boolean;
  quiet?: boolean;
  json?: boolean;
}

const EXIT_CODES = `
Exit codes: 0 restored (or undone, or cleaned up); 1 the restore failed and your database and media are
as they were (truncated or corrupt dump, SQL error, unsafe tarball, …), or migrate failed afterwards;
2 refused or cannot run (configuration, production role, remote target, no confirmation, source missing);
4 a failed swap could not be rolled back (run --cleanup after fixing the cause); 130 interrupted.`;

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 16) throw new InvalidArgumentError('must be a whole number from 1 to 16');
  return number;
}

export function register(program: Command): void {
  program
    .command('restore-from-prod')
    .description("replace your database and media directory with production's latest dump and media tarball, atomically (your current copy is kept for --undo)")
    .option('--db-source <source>', 'database dump: a path, http(s)://…, ssh://user@host[:port]/path/dump.sql.gz or ssh-dump://user@host[:port]/database (default: restore.database.source)')
    .option('--media-source <source>', 'media tarball: a path, http(s)://… or ssh://user@host[:port]/path/media.tar.gz (default: restore.media.source)')
    .option('--no-media', 'leave the media directory as it is')
    .option('--database <alias>', 'the DATABASES alias to restore into (default: "default")')
    .option('--no-database', 'leave the database as it is (media only)')
    .option('-y, --yes', 'do not ask for the database name (for scripts)')
    .option('--allow-remote-target', 'allow a target database server that is not this machine')
    .option('--migrate', 'run pending migrations on the restored copy without asking')
    .option('--no-migrate', 'do not offer to run pending migrations')
    .option('--parallel <connections>', 'load the dump over this many connections (default: restore.database.parallel, 1)', positiveInteger)
    .option('--undo', 'swap the copy kept by the last restore back in (run again to redo)')
    .option('--cleanup', 'only settle an interrupted restore (roll it back) and remove its leftovers')
    .option('-q, --quiet', 'no progress output')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText('after', EXIT_CODES)
    .action(async (options: RestoreCommandOptions, command: Command) => {
      const context = await commandContext(command);
      const settings = await context.connectionSettings();
      const say = options.json || options.quiet ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
      const io: RestoreIO = {
        config: context.config,
        env: context.env,
        cwd: context.cwd,
        settings,
        mediaDir: () => context.mediaDir(),
        alias: context.alias,
        progress: new PhaseProgress(createProgress({ quiet: options.quiet }), !options.quiet && process.stderr.isTTY ? process.stderr : null),
        say,
      };
      if (options.undo && options.cleanup) throw new UserError('--undo and --cleanup cannot be combined.', { fix: 'Run them one after the other: restore-from-prod --cleanup, then restore-from-prod --undo', exitCode: ExitCode.cannotRun });
      if (options.cleanup) {
        const summary = await runCleanup(io);
        if (options.json) printJson({ ok: true, ...summary });
        return;
      }
      if (options.undo) {
        const summary = await runUndo(io, { yes: Boolean(options.yes), allowRemoteTarget: Boolean(options.allowRemoteTarget), database: options.database !== false, media: options.media });
        const standing = await readStanding(io);
        reportUndo(summary, say);
        const migrated = await offerMigrate(io, standing, options, say);
        if (options.json) printJson({ ok: true, ...summary, phases: io.progress.phases, migrations: standing && standingAsJson(standing), migrate: migrated });
        if (migrated.ran && !migrated.ok) process.exitCode = ExitCode.findings;
        return;
      }
      const summary = await runRestore(io, {
        dbSource: options.dbSource,
        mediaSource: options.mediaSource,
        database: options.database !== false,
        media: options.media,
        parallel: options.parallel,
        yes: Boolean(options.yes),
        allowRemoteTarget: Boolean(options.allowRemoteTarget),
      });
      reportRestore(summary, say);
      const standing = summary.database ? await readStanding(io) : undefined;
      const migrated = await offerMigrate(io, standing, options, say);
      if (options.json) printJson({ ok: true, ...summary, phases: io.progress.phases, migrations: standing && standingAsJson(standing), migrate: migrated });
      if (migrated.ran && !migrated.ok) process.exitCode = ExitCode.findings;
    });
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function readStanding(io: RestoreIO): Promise<MigrationStanding> {
  return withConnection(io.settings, (connection) => migrationStanding(io.config, connection));
}

function reportRestore(summary: RestoreSummary, say: (line: string) => void): void {
  const { database, media } = summary;
  if (database) {
    say(`${style.green('Restored')} database "${database.target}" from ${database.source}: ${database.tables} tables, about ${database.approximateRows} rows, ${formatBytes(database.sqlBytes)} of SQL (${database.seconds} s).`);
    if (database.sanitized.length > 0) say(`  Sanitized: ${database.sanitized.map((outcome) => `${outcome.rule} ${outcome.rows} rows`).join(', ')}.`);
  }
  if (media) say(`${style.green('Restored')} media ${media.target} from ${media.source}: ${media.files} files, ${formatBytes(media.bytes)} (${media.seconds} s).`);
  const kept = [database ? `database "${database.kept}"` : '', media?.kept ?? ''].filter(Boolean);
  if (kept.length > 0) say(`Your previous copy is kept as ${kept.join(' and ')} until the next restore: restore-from-prod --undo swaps it back.`);
}

function reportUndo(summary: UndoSummary, say: (line: string) => void): void {
  if (summary.database) say(`${style.green('Undone:')} database "${summary.database.target}" has the kept copy back (${summary.database.tables} tables); the restored one is now "${summary.database.kept}".`);
  if (summary.media) say(`${style.green('Undone:')} media ${summary.media.target} has the kept copy back; the restored one is now ${summary.media.kept}.`);
  say('Run restore-from-prod --undo again to swap them once more.');
}

interface MigrateOutcome {
  pending: number;
  ran: boolean;
  ok: boolean;
  exitCode?: number;
}

async function offerMigrate(io: RestoreIO, standing: MigrationStanding | undefined, options: RestoreCommandOptions, say: (line: string) => void): Promise<MigrateOutcome> {
  if (!standing) return { pending: 0, ran: false, ok: true };
  if (standing.problem) say(`${style.yellow('Migrations:')} could not read this checkout's migrations (${standing.problem}); run: migration-guard status`);
  if (standing.appliedMissingOnDisk.length > 0) {
    say(`${style.yellow('Migrations:')} production has applied ${standing.appliedMissingOnDisk.length} migration(s) this checkout does not have: ${standing.appliedMissingOnDisk.join(', ')}. Pull the latest code.`);
  }
  const database = `database "${io.settings.database}"`;
  if (standing.pending.length === 0) {
    if (!standing.problem) say(`Migrations: ${database} is up to date with your code.`);
    return { pending: 0, ran: false, ok: true };
  }
  const count = standing.pending.length === 1 ? '1 migration of your code is' : `${standing.pending.length} migrations of your code are`;
  say(`${style.yellow('Migrations:')} ${count} not applied to ${database} yet:`);
  for (const id of standing.pending) say(`  ${id}`);
  let run = options.migrate;
  if (run === undefined && !options.yes && !options.json) run = (await (await import('../../ui/prompts.js')).askYesNo(`Run ${standing.pending.length === 1 ? 'it' : 'them'} now (manage.py migrate)?`, false)) ?? undefined;
  if (!run) {
    say(`Run them with: python manage.py migrate   (or restore-from-prod --migrate next time)`);
    return { pending: standing.pending.length, ran: false, ok: true };
  }
  const { runManagePy } = await import('../../django/manage-py.js');
  const result = await runManagePy(io.config, ['migrate', '--noinput', '--database', io.alias], { live: !options.json });
  const ok = result.exitCode === 0;
  if (ok) say(`${style.green('Migrated:')} ${standing.pending.length === 1 ? '1 migration' : `${standing.pending.length} migrations`} applied to ${database}.`);
  else {
    process.stderr.write(`${style.red('migrate failed')} (exit ${result.exitCode}) on ${database}. The restored copy stays in place; restore-from-prod --undo brings your previous copy back.\n`);
    if (options.json && typeof result.all === 'string') process.stderr.write(`${result.all.slice(-4000)}\n`);
  }
  return { pending: standing.pending.length, ran: true, ok, exitCode: result.exitCode ?? undefined };
}
