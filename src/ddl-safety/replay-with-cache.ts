// The scratch replay with the applied set's schema remembered: on a hit the schema is loaded into the scratch
// database and Django only applies (and classifies) the pending migrations; on a miss Django replays the applied
// migrations too and the schema it built is remembered. An entry that cannot be trusted, or does not load, or
// that Django does not recognise as the applied set, is forgotten and the replay runs from an empty database.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { withConnection } from '../db/connect.js';
import { statProjectMigrationFiles } from '../django/project-migrations.js';
import { appliedSchemaCacheFile, appliedSchemaCacheKey, forgetAppliedSchema, readAppliedSchema, writeAppliedSchema, type CacheRejection, type ScratchServerFacts } from './applied-schema-cache.js';
import { PYTHON_HELPERS } from '../django/django-env.js';
import { replayAndClassify, type DdlReplayInput, type DdlReplayResult } from './ddl-replay.js';
import { emptyScratchDatabase, loadAppliedSchema, readScratchServerFacts } from './load-applied-schema.js';

/** What became of the cache in this run, for the report (`file` relative to the checkout). */
export type AppliedSchemaCacheUse =
  | { status: 'loaded'; file: string }
  | { status: 'built'; file: string; replaced: CacheRejection | 'did not load' | 'not the applied set' | null }
  | { status: 'not cached'; reason: string }
  /** Loaded, but a pending migration failed on it (maybe for want of a data migration's rows): replayed from zero. */
  | { status: 'bypassed'; file: string; reason: string };

export interface CachedReplayInput extends Omit<DdlReplayInput, 'schema'> {
  /** The live database's defaults, with which the scratch database was created. */
  defaults: { charset: string; collation: string };
  /** Django's version (the probe's); without it nothing is cached. */
  djangoVersion: string | undefined;
}

/** replayAndClassify, through the applied-schema cache when "drift.cache" allows it. */
export async function replayWithCache(input: CachedReplayInput): Promise<{ replay: DdlReplayResult; cache: AppliedSchemaCacheUse }> {
  const { config } = input;
  if (!config.raw.drift.cache) return { replay: await replayAndClassify(input), cache: { status: 'not cached', reason: '"drift": { "cache": false }' } };
  if (!input.djangoVersion) return { replay: await replayAndClassify(input), cache: { status: 'not cached', reason: "Django's version is unknown" } };

  const server = await withConnection(input.scratch, readScratchServerFacts);
  const key = await appliedSchemaCacheKey({
    projectRoot: config.projectRoot,
    migrationFiles: await statProjectMigrationFiles(config),
    djangoVersion: input.djangoVersion,
    settingsModule: config.settingsModule,
    server,
    defaults: input.defaults,
    applied: input.applied,
    replayScript: readFileSync(PYTHON_HELPERS.ddlReplay, 'utf8'),
  });
  const file = appliedSchemaCacheFile(config.repoRoot, key);
  const shown = path.relative(config.repoRoot, file);
  const cached = readAppliedSchema(file, key, server);
  let replaced: CacheRejection | 'did not load' | 'not the applied set' | null = cached.rejected;

  if (cached.entry) {
    const entry = cached.entry;
    const loaded = await withConnection(input.scratch, (connection) => loadAppliedSchema(connection, input.scratch.database, entry.schema)).then(
      () => true,
      () => false,
    );
    if (loaded) {
      const replay = await replayAndClassify({ ...input, schema: 'loaded' });
      if (!replay.error) return { replay, cache: { status: 'loaded', file: shown } };
      if (replay.error.phase === 'pending') {
        // The cache holds no rows; a pending data migration may need those the applied ones inserted. The entry is
        // right, so it stays; this run asks Django for the whole replay, so the answer is the uncached one.
        await withConnection(input.scratch, (connection) => emptyScratchDatabase(connection, input.scratch.database));
        const full = await replayAndClassify(input);
        return { replay: full, cache: { status: 'bypassed', file: shown, reason: `${replay.error.migration ?? 'a pending migration'} failed on the cached schema (${replay.error.message.slice(0, 200)})` } };
      }
      replaced = 'not the applied set';
    } else {
      replaced = 'did not load';
    }
    await forgetAppliedSchema(file);
    await withConnection(input.scratch, (connection) => emptyScratchDatabase(connection, input.scratch.database));
  }

  const replay = await replayAndClassify({ ...input, schema: 'capture' });
  return { replay, cache: await rememberCapture(file, key, replay, server, input, replaced) };
}

async function rememberCapture(file: string, key: string, replay: DdlReplayResult, server: ScratchServerFacts, input: CachedReplayInput, replaced: CacheRejection | 'did not load' | 'not the applied set' | null): Promise<AppliedSchemaCacheUse> {
  const captured = replay.appliedSchema;
  delete replay.appliedSchema; // kept in the file, not in the report
  if (replay.error?.phase === 'replay' || !captured) return { status: 'not cached', reason: 'the replay of the applied migrations did not finish' };
  if ('uncacheable' in captured) return { status: 'not cached', reason: captured.uncacheable };
  const written = await writeAppliedSchema(file, key, { schema: captured, server, djangoVersion: input.djangoVersion!, builtAt: new Date().toISOString() }, input.secrets);
  if (written !== 'written') return { status: 'not cached', reason: written === 'holds a secret' ? 'the schema holds a secret (the password)' : `${path.dirname(file)} is not writable` };
  return { status: 'built', file: path.relative(input.config.repoRoot, file), replaced };
}
