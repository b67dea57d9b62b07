// Builds the reference schema: `manage.py migrate` into an empty scratch database, read it, drop it.
import type { ResolvedConfig } from '../config/load-config.js';
import { withConnection } from '../db/connect.js';
import { readAppliedMigrations } from '../db/django-migrations.js';
import { HELPER_EXIT, runManagePy } from '../django/manage-py.js';
import { UserError } from '../errors.js';
import { explainMigrateFailure } from './migrate-failure.js';
import type { ReferenceSchema } from './reference-cache.js';
import { createScratchDatabase, scratchDatabaseName } from './scratch-database.js';
import type { ScratchServer } from './scratch-server.js';
import { readSchema } from './schema/read-schema.js';
import type { ServerInfo } from './schema/types.js';

export interface BuildReferenceOptions {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  /** The live database's name, for the scratch database's name. */
  liveDatabase: string;
  server: ScratchServer;
  serverInfo: ServerInfo;
  /** The scratch database is created with the live database's defaults, so table defaults compare alike. */
  defaults: { charset: string; collation: string };
  djangoVersion: string;
  /** The DATABASES alias whose connection is pinned to the scratch database. */
  alias: string;
  onPhase?: (message: string) => void;
}

/** The setup steps from the config, as manage.py argument lists. */
export function setupSteps(config: ResolvedConfig): string[][] {
  return config.raw.drift.setup.map((step) => (Array.isArray(step) ? step : step.trim().split(/\s+/)));
}

/** Migrates a fresh scratch database with the project's settings and returns its schema; the database is always dropped. */
export async function buildReference(options: BuildReferenceOptions): Promise<ReferenceSchema> {
  const { config, server } = options;
  const fileLabel = config.configFile ?? '(defaults)';
  const name = scratchDatabaseName(config.raw.drift.scratchDatabase, options.liveDatabase);
  const scratch = await createScratchDatabase(server.settings, name, options.defaults, server.label);
  try {
    // Django runs with DATABASES[alias] replaced by the scratch database and checks DATABASE() on every
    // connection it opens before anything runs on it: the live database cannot be reached, whatever the settings read.
    const timeoutMs = config.raw.drift.migrateTimeoutSeconds * 1000;
    const run = (args: string[]) => runManagePy(config, args, { env: options.env, timeoutMs, cancelSignal: scratch.signal, pinned: { alias: options.alias, database: scratch.settings } });
    for (const step of setupSteps(config)) {
      options.onPhase?.(`setup: manage.py ${step.join(' ')}`);
      const result = await run(step);
      refuseWrongDatabase(result, name);
      if (result.exitCode !== 0) {
        const failure = explainMigrateFailure(String(result.all ?? ''));
        throw new UserError(
          `Could not build the reference schema: the setup step "manage.py ${step.join(' ')}" failed on the scratch database "${name}" (dropped again): ${failure.error}${describeTimeout(result)}\n${indent(failure.tail)}`,
          { fix: `Fix or remove the step in "drift": { "setup": [...] } in ${fileLabel}; to see it fail in full, run it against an empty database.` },
        );
      }
    }
    options.onPhase?.(`migrate into scratch database "${name}"`);
    const result = await run(['migrate', '--noinput', '--database', options.alias]);
    refuseWrongDatabase(result, name);
    if (result.exitCode !== 0) {
      const failure = explainMigrateFailure(String(result.all ?? ''));
      const which = failure.migration ? `migration ${failure.migration} failed` : 'migrate failed before applying any migration';
      throw new UserError(
        `Could not build the reference schema: ${which} on an empty database (scratch database "${name}", dropped again): ${failure.error}${describeTimeout(result)}\n${indent(failure.tail)}`,
        {
          fix: failure.migration
            ? `If ${failure.migration} needs another app's tables or data, declare that dependency in the migration, or run that app first: "drift": { "setup": [["migrate", "<app>"]] } in ${fileLabel}.`
            : `Check that "python manage.py migrate" works on an empty database.`,
        },
      );
    }
    options.onPhase?.(`read the reference schema`);
    const [schema, records] = await withConnection(scratch.settings, async (connection) =>
      Promise.all([readSchema(connection, name, options.serverInfo), readAppliedMigrations(connection)]),
    );
    if (records.length === 0) {
      // Never cached: an empty reference would call every live table drift.
      throw new UserError(`Could not build the reference schema: migrate ran on the scratch database "${name}" (dropped again) but recorded no migration there.`, {
        fix: 'Check that DATABASES["' + options.alias + '"] uses the MySQL engine and that the project has migrations: python manage.py showmigrations',
      });
    }
    return {
      schema,
      records: records.map(({ app, name: migration }) => ({ app, name: migration })),
      djangoVersion: options.djangoVersion,
      builtAt: new Date().toISOString(),
    };
  } finally {
    await scratch.drop();
  }
}

/** The helper refused because a connection was not on the scratch database: nothing ran on it. */
function refuseWrongDatabase(result: { exitCode?: number; all?: unknown }, name: string): void {
  if (result.exitCode !== HELPER_EXIT.wrongDatabase) return;
  const said = String(result.all ?? '').split('\n').find((line) => line.startsWith('migration-guard:')) ?? '';
  throw new UserError(`Refused to build the reference schema: Django's connection was not on the scratch database "${name}", so nothing was run. ${said}`, {
    fix: 'Check the settings\' DATABASES (a database router or OPTIONS that choose another database), then run: migration-guard doctor',
  });
}

function describeTimeout(result: { timedOut?: boolean; isCanceled?: boolean }): string {
  if (result.timedOut) return ' (timed out: raise "drift": { "migrateTimeoutSeconds": … })';
  if (result.isCanceled) return ' (interrupted)';
  return '';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
