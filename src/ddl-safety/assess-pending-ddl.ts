// What the pending migrations would do to the live tables' locks: a scratch database on the scratch server
// (drift's: the live server unless "drift.scratchServer"), the migrations replayed and classified there by the
// server itself, the live tables' sizes (read only), and a measured copy rate for the estimates. The schema the
// applied migrations build comes from the cache when it can (replay-with-cache.ts). The scratch database is
// always dropped (also on Ctrl-C).
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { withConnection } from '../db/connect.js';
import { createScratchDatabase, scratchDatabaseName } from '../drift/scratch-database.js';
import { resolveScratchServer } from '../drift/scratch-server.js';
import type { MigrationProbe } from '../django/migration-probe.js';
import { assessStatements, blockingOverLimit, type BlockingDdlRefusal, type StatementAssessment } from '../checks/blocking-ddl.js';
import type { DdlReplayResult } from './ddl-replay.js';
import { replayWithCache, type AppliedSchemaCacheUse } from './replay-with-cache.js';
import { measureCopyRate } from './copy-rate.js';
import type { CopyRate } from '../checks/ddl-classification.js';
import { readTableSizes } from './table-sizes.js';

/** Below this many rows a blocking statement is reported without a time estimate (no copy rate is measured). */
export const MEASURE_FROM_ROWS = 10_000;

export interface LockSafetyReport {
  replay: DdlReplayResult;
  /** Whether the applied set's schema was loaded from the cache, replayed and remembered, or not cached (why). */
  cache: AppliedSchemaCacheUse;
  assessed: StatementAssessment[];
  /** Measured only when a blocking statement meets a table with rows. */
  rate: CopyRate | null;
  /** Blocking statements over "deploy.maxBlockingCopyRows". */
  overLimit: BlockingDdlRefusal[];
  /** Every existing table the pending DDL touches (for the metadata-lock checks). */
  tables: string[];
  scratchDatabase: string;
  scratchServer: string;
  ms: number;
}

export interface AssessInput {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  settings: ConnectionSettings;
  alias: string;
  probe: MigrationProbe;
  secrets: string[];
  /** Told the scratch database's name before it is created (deploy journals it, so a kill -9 at any moment leaves a name to drop). */
  onScratchNamed?: (name: string) => void;
}

/** The database's default character set and collation: the scratch database gets the same, so the server answers alike. */
export async function databaseDefaults(settings: ConnectionSettings): Promise<{ charset: string; collation: string }> {
  return withConnection(settings, async (connection) => {
    const [rows] = await connection.query('SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [settings.database]);
    const row = (rows as Array<{ charset: string; collation: string }>)[0];
    return { charset: row?.charset ?? 'utf8mb4', collation: row?.collation ?? 'utf8mb4_general_ci' };
  });
}

/** Classifies the probe's pending migrations on a scratch database and sizes what they touch on the live one. */
export async function assessPendingDdl(input: AssessInput): Promise<LockSafetyReport> {
  const { config, settings } = input;
  const started = Date.now();
  const fileLabel = config.configFile ?? '(defaults)';
  const server = resolveScratchServer(config.raw, input.env, settings, fileLabel);
  const defaults = await databaseDefaults(settings);
  const name = scratchDatabaseName(config.raw.drift.scratchDatabase, settings.database);
  // Deploy handles Ctrl-C itself (restore, service start): a signal stops the Django child, and finally drops.
  input.onScratchNamed?.(name);
  const scratch = await createScratchDatabase(server.settings, name, defaults, server.label, { onSignal: 'abort' });
  try {
    const { replay, cache } = await replayWithCache({
      config,
      defaults,
      djangoVersion: input.probe.django,
      env: input.env,
      alias: input.alias,
      scratch: scratch.settings,
      applied: input.probe.plan.filter((node) => node.applied).map((node) => [node.app, node.name]),
      pending: input.probe.pending.map((item) => [item.app, item.name]),
      secrets: input.secrets,
      cancelSignal: scratch.signal,
      timeoutMs: config.raw.drift.migrateTimeoutSeconds * 1000,
    });
    const touched = [...new Set(replay.migrations.flatMap((migration) => migration.statements.map((statement) => statement.table)).filter((table): table is string => Boolean(table)))];
    const sizes = await withConnection(settings, (connection) => readTableSizes(connection, settings.database, touched));
    const unsized = assessStatements(replay.migrations, sizes, null);
    // Measuring costs a second or two: only worth it when a blocking statement meets a table of some size.
    const rate = unsized.some((item) => item.blocksWrites && item.size && item.size.rows >= MEASURE_FROM_ROWS) ? await withConnection(scratch.settings, (connection) => measureCopyRate(connection)) : null;
    const assessed = rate ? assessStatements(replay.migrations, sizes, rate) : unsized;
    return {
      replay,
      cache,
      assessed,
      rate,
      overLimit: blockingOverLimit(assessed, config.raw.deploy.maxBlockingCopyRows),
      tables: touched.filter((table) => sizes.has(table)),
      scratchDatabase: name,
      scratchServer: server.label,
      ms: Date.now() - started,
    };
  } finally {
    await scratch.drop();
  }
}
