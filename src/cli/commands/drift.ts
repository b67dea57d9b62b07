// `migration-guard drift`: does the live database's schema match what the migrations build?
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { style, errorStyle } from '../../ui/style.js';
import { resolveAgainst } from '../../drift/against.js';
import type { DriftOptions } from '../../drift/compare-live.js';
import { driftReportJson, formatDriftReport } from '../../drift/report.js';

interface DriftFlags {
  against?: string;
  ignoreNames?: boolean;
  strict?: boolean;
  json?: boolean;
  cache: boolean;
  rebuild?: boolean;
}

export function register(program: Command): void {
  program
    .command('drift')
    .description("compare the database's schema and migration records with what the migrations build")
    .option('--against <database>', 'compare with another live database instead: a name on the same server, mysql://user@host:port/name (password from MIGRATION_GUARD_AGAINST_PASSWORD), or env:VAR holding a URL')
    .option('--ignore-names', 'match indexes, foreign keys and checks by definition, not by their generated names')
    .option('--strict', "count tables that are not Django's (no migration builds them) as drift")
    .option('--json', 'print the result as JSON on stdout')
    .option('--no-cache', 'build the reference schema without reading or writing the cache')
    .option('--rebuild', 'build the reference schema again and replace the cached one')
    .addHelpText(
      'after',
      '\nExit codes: 0 no drift, 1 drift found, 2 could not compare (database unreachable, migrate failed on the scratch database, bad configuration).',
    )
    .action(async (flags: DriftFlags, command: Command) => {
      const options: DriftOptions = {
        ignoreNames: flags.ignoreNames,
        strict: flags.strict,
        useCache: flags.cache,
        rebuild: flags.rebuild,
        onPhase: flags.json ? undefined : (message) => process.stderr.write(errorStyle.dim(`drift: ${message}…\n`)),
      };
      const context = await commandContext(command);
      const live = await context.connectionSettings();
      options.alias = context.alias;
      // Loaded on demand: --against needs no Django tooling (execa, the migration parser), so it starts faster.
      const result = flags.against
        ? await (await import('../../drift/compare-live.js')).compareLiveDatabases(resolveAgainst(flags.against, live, context.env), live, options, context.config)
        : await (await import('../../drift/run-drift.js')).runDrift(context.config, context.env, live, options);
      process.stdout.write(flags.json ? `${JSON.stringify(driftReportJson(result), null, 2)}\n` : formatDriftReport(result, style));
      process.exitCode = result.exitCode;
    });
}
