// Two live databases compared the same way (--against), and what `drift` shares with it: reading a live
// database and the verdict. Loads no Django tooling (execa, the migration parser), so --against starts fast.
import type { ResolvedConfig } from '../config/load-config.js';
import { ExitCode } from '../exit-codes.js';
import { withConnection } from '../db/connect.js';
import { describeConnection, type ConnectionSettings } from '../db/connection-settings.js';
import { readAppliedMigrations } from '../db/django-migrations.js';
import type { MigrationKey } from '../django/migration-types.js';
import { compareSchemas, type SchemaComparison } from './compare.js';
import type { DriftHint } from './migration-hints.js';
import { compareRecordsWithDatabase, recordsDisagree, type MigrationRecordsComparison } from './migration-records.js';
import { normalizeSchema, type NormalizeOptions } from './schema/normalize.js';
import { readSchema } from './schema/read-schema.js';
import type { DatabaseSchema } from './schema/types.js';

export interface DriftOptions {
  /** Match indexes and constraints by definition, not name. */
  ignoreNames?: boolean;
  /** Count tables that are not Django's as drift. */
  strict?: boolean;
  /** Read and write the reference cache (false: --no-cache). */
  useCache?: boolean;
  /** Build the reference even when cached, and cache the new one (--rebuild). */
  rebuild?: boolean;
  /** Progress lines ("migrate into scratch database …"). */
  onPhase?: (message: string) => void;
  /** The DATABASES alias (`--database`) the reference is migrated through. */
  alias?: string;
}

/** Where the expected schema came from. */
export type ExpectedSource =
  | { kind: 'reference'; source: 'cache' | 'built'; cacheFile: string | null; key: string; builtAt: string; djangoVersion: string }
  | { kind: 'database'; database: string; where: string };

export interface DriftResult {
  expected: ExpectedSource;
  actual: { database: string; where: string; server: string };
  comparison: SchemaComparison;
  /** null when the records could not be compared (recordsProblem says why). */
  records: MigrationRecordsComparison | null;
  recordsProblem: string | null;
  hints: DriftHint[];
  strict: boolean;
  ignoreNames: boolean;
  /** Tables (and views) in the expected schema after ignore lists. */
  tablesCompared: number;
  /** Number of differences that count (schema, records, and with --strict the tables that are not Django's). */
  driftCount: number;
  exitCode: number;
}

export interface LiveRead {
  schema: DatabaseSchema;
  records: MigrationKey[];
}

/** Compares two live databases the same way (--against): `expected` is the one compared against. */
export async function compareLiveDatabases(expected: ConnectionSettings, actual: ConnectionSettings, options: DriftOptions = {}, config?: ResolvedConfig): Promise<DriftResult> {
  const [want, have] = await Promise.all([readLive(expected), readLive(actual)]);
  const normalizeOptions = config ? normalizeOptionsFor(config, options) : { ignoreNames: options.ignoreNames };
  const expectedSchema = normalizeSchema(want.schema, normalizeOptions);
  const comparison = compareSchemas(expectedSchema, normalizeSchema(have.schema, normalizeOptions));
  return judge({
    expected: { kind: 'database', database: expected.database, where: describeConnection(expected) },
    actual: { database: actual.database, where: describeConnection(actual), server: have.schema.server.version },
    comparison,
    records: compareRecordsWithDatabase(have.records, want.records),
    recordsProblem: null,
    hints: [],
    strict: options.strict ?? false,
    ignoreNames: normalizeOptions.ignoreNames ?? false,
    tablesCompared: Object.keys(expectedSchema.tables).length,
  });
}

/** The comparison's options: the config's ignore lists, and --ignore-names on top of the config's. */
export function normalizeOptionsFor(config: ResolvedConfig, options: DriftOptions): NormalizeOptions {
  const ignore = config.raw.drift.ignore;
  return {
    ignoreNames: options.ignoreNames || ignore.names,
    ignoreTables: ignore.tables,
    ignoreColumns: ignore.columns,
  };
}

/** A live database's schema and django_migrations, over one connection. */
export async function readLive(settings: ConnectionSettings): Promise<LiveRead> {
  return withConnection(settings, async (connection) => {
    const [schema, records] = await Promise.all([readSchema(connection, settings.database), readAppliedMigrations(connection)]);
    return { schema, records: records.map(({ app, name }) => ({ app, name })) };
  });
}

/** Counts what counts as drift and picks the exit code. */
export function judge(result: Omit<DriftResult, 'driftCount' | 'exitCode'>): DriftResult {
  const schemaCount = result.comparison.database.length + result.comparison.tables.reduce((sum, table) => sum + table.differences.length, 0);
  const recordsCount = result.records && recordsDisagree(result.records) ? result.records.notApplied.length + result.records.appliedUnknown.length : 0;
  const strictCount = result.strict ? result.comparison.unexpected.length : 0;
  const driftCount = schemaCount + recordsCount + strictCount;
  return { ...result, driftCount, exitCode: driftCount > 0 ? ExitCode.findings : ExitCode.ok };
}
