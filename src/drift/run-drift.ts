// The drift check end to end: read the live schema, get the reference (cache or build), compare, judge.
// (Two live databases, for --against, are compared in compare-live.ts.)
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { withConnection } from '../db/connect.js';
import { describeConnection, type ConnectionSettings } from '../db/connection-settings.js';
import { probeDjango } from '../django/manage-py.js';
import type { ParsedMigration } from '../django/migration-types.js';
import { loadProjectMigrations, statProjectMigrationFiles } from '../django/project-migrations.js';
import { UserError } from '../errors.js';
import { compareSchemas } from './compare.js';
import { judge, normalizeOptionsFor, readLive, type DriftOptions, type DriftResult } from './compare-live.js';
import { fakedMigrationHints } from './migration-hints.js';
import { compareRecordsWithFiles } from './migration-records.js';
import { buildReference, setupSteps } from './reference.js';
import { readCachedReference, referenceCacheFile, referenceCacheKey, writeCachedReference, type ReferenceSchema } from './reference-cache.js';
import { resolveScratchServer } from './scratch-server.js';
import { normalizeSchema } from './schema/normalize.js';
import { readServerInfo } from './schema/read-schema.js';

/** Compares the configured database with what its migrations build (the reference, cached or built now). */
export async function runDrift(config: ResolvedConfig, env: NodeJS.ProcessEnv, live: ConnectionSettings, options: DriftOptions = {}): Promise<DriftResult> {
  const fileLabel = config.configFile ?? '(defaults)';
  const useCache = (options.useCache ?? true) && config.raw.drift.cache;
  // Listed and statted once: parsed for the records comparison, hashed for the cache key.
  const listing = statProjectMigrationFiles(config);
  const [liveRead, migrations, django] = await Promise.all([
    readLive(live),
    listing.then((files) => loadProjectMigrations(config, files)).then(
      (list) => ({ list, problem: null as string | null }),
      (error: Error) => ({ list: [] as ParsedMigration[], problem: `the migration files could not be read: ${error.message}` }),
    ),
    probeDjango(config),
  ]);
  if (!django.ok) {
    throw new UserError(`Cannot build the reference schema: ${django.problem}.`, {
      fix: 'Point migration-guard at the project\'s Python ("python" in the config, or MIGRATION_GUARD_PYTHON), then run: migration-guard doctor',
    });
  }

  const server = resolveScratchServer(config.raw, env, live, fileLabel);
  const serverInfo = server.sameAsLive ? liveRead.schema.server : await withConnection({ ...server.settings, database: '' }, readServerInfo, { database: null });
  const defaults = { charset: liveRead.schema.charset, collation: liveRead.schema.collation };
  const setup = setupSteps(config);
  const key = await referenceCacheKey({
    repoRoot: config.repoRoot,
    migrationFiles: await listing,
    djangoVersion: django.version,
    settingsModule: config.settingsModule,
    server: serverInfo,
    defaults,
    setup,
  });
  const cacheFile = referenceCacheFile(config.repoRoot, key);

  let reference: ReferenceSchema | null = useCache && !options.rebuild ? readCachedReference(cacheFile, key) : null;
  let source: 'cache' | 'built' = 'cache';
  if (reference) {
    options.onPhase?.(`reference schema from cache (${path.relative(config.repoRoot, cacheFile)})`);
  } else {
    source = 'built';
    reference = await buildReference({ config, env, liveDatabase: live.database, alias: options.alias ?? 'default', server, serverInfo, defaults, djangoVersion: django.version, onPhase: options.onPhase });
    if (useCache) await writeCachedReference(cacheFile, key, reference);
  }

  const normalizeOptions = normalizeOptionsFor(config, options);
  const expectedSchema = normalizeSchema(reference.schema, normalizeOptions);
  const comparison = compareSchemas(expectedSchema, normalizeSchema(liveRead.schema, normalizeOptions));
  const records = migrations.problem
    ? null
    : compareRecordsWithFiles(liveRead.records, {
        migrations: migrations.list,
        apps: config.apps.map((app) => app.label),
        settings: { AUTH_USER_MODEL: config.authUserModel },
        referenceRecords: reference.records,
      });
  const hints = fakedMigrationHints(comparison, migrations.list, liveRead.records);
  return judge({
    expected: { kind: 'reference', source, cacheFile: useCache ? cacheFile : null, key, builtAt: reference.builtAt, djangoVersion: reference.djangoVersion },
    actual: { database: live.database, where: describeConnection(live), server: liveRead.schema.server.version },
    comparison,
    records,
    recordsProblem: migrations.problem,
    hints,
    strict: options.strict ?? false,
    ignoreNames: normalizeOptions.ignoreNames ?? false,
    tablesCompared: Object.keys(expectedSchema.tables).length,
  });
}

export type { DriftOptions, DriftResult } from './compare-live.js';
