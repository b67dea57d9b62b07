// For `check` and pre-commit: the SQL Django emits for the migrations being committed, asked of the developer's
// own server. A scratch database there is migrated to just before them (what they depend on, nothing of the
// developer's database), then they run with every DDL statement classified by the server (ddl_replay.py); the
// statements that block writes, and NOT NULL columns added without a default, become warnings that never block.
// Anything that stops the check (no database reachable, Django failing, no right to create the scratch database)
// makes it "not checked" with the reason, never a failure. The scratch database is always dropped (also on Ctrl-C).
import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../config/load-config.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { isNoServerError, withConnection } from '../db/connect.js';
import { resolveConnectionSettings } from '../db/database-target.js';
import { createScratchDatabase, scratchDatabaseName } from '../drift/scratch-database.js';
import { resolveScratchServer } from '../drift/scratch-server.js';
import { assessStatements } from '../checks/blocking-ddl.js';
import { notNullWithoutDefaultWarnings } from '../checks/mysql-warnings.js';
import type { Problem } from '../checks/problem.js';
import { databaseDefaults } from './assess-pending-ddl.js';
import type { ClassifiedMigration } from '../checks/ddl-classification.js';
import { replayAndClassify } from './ddl-replay.js';
import { readTableSizes } from './table-sizes.js';
import { describeStatement } from './report-lines.js';
import { migrationId } from '../django/migration-types.js';

export interface CommittedMigration {
  app: string;
  name: string;
  /** Repository-relative path, for the problems' `files`. */
  file: string;
}

export interface MigrationSqlInput {
  /** Its `python` is the interpreter that imports Django (the one the verdict used). */
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  alias: string;
  /** The checkout Django runs in (a snapshot of the staged tree or of a commit). */
  tree: { projectRoot: string; managePy: string };
  migrations: CommittedMigration[];
  /** The NOT NULL warning too (hooks.mysqlWarnings), blocking with hooks.mysqlWarningsBlock. */
  notNull: { enabled: boolean; block: boolean };
  /**
   * Remember a clean outcome in `file` under `key` (what the tree and interpreter are), together with the server
   * and database it was checked on; the same tree checked on the same target again is answered from there.
   */
  remember?: { file: string; key: string };
  /** The replay's time limit. */
  timeoutMs: number;
}

/** What was learnt from the migrations' SQL, or why it could not be had. */
export type MigrationSqlOutcome =
  | {
      checked: true;
      /** VERSION() of the server that classified the statements. */
      server: string;
      warnings: Problem[];
      /** A migration that failed on the scratch database: nothing after it was classified. */
      failed: { migration: string | null; message: string } | null;
      ms: number;
      /** Answered from an earlier run on the same files and the same database. */
      remembered?: boolean;
    }
  /** `timedOut`: the replay ran past its time limit (worth saying even where "not checked" is otherwise quiet). */
  | { checked: false; reason: string; timedOut?: boolean };

/** Replays up to the migrations, classifies their statements and returns the warnings, or why it was not checked. */
export async function checkMigrationSql(input: MigrationSqlInput): Promise<MigrationSqlOutcome> {
  const started = Date.now();
  let settings: ConnectionSettings;
  try {
    settings = await resolveConnectionSettings(input.config, input.env, input.alias);
  } catch (error) {
    return { checked: false, reason: `no database settings (${firstLine(error)})` };
  }
  try {
    await withConnection(settings, (connection) => connection.query('SELECT 1'));
  } catch (error) {
    const where = settings.socket ?? `${settings.host}:${settings.port}`;
    return { checked: false, reason: isNoServerError(error) ? `no database reachable at ${where}` : `the database refused the connection: ${firstLine(error)}` };
  }
  let server;
  try {
    server = resolveScratchServer(input.config.raw, input.env, settings, input.config.configFile ?? '(defaults)');
  } catch (error) {
    return { checked: false, reason: `no scratch server (${firstLine(error)})` };
  }
  const rememberedKey = input.remember ? rememberKey(input, settings, server.label) : null;
  const known = rememberedKey ? readJsonFile<Record<string, MigrationSqlOutcome>>(input.remember!.file)?.[rememberedKey] : undefined;
  if (known?.checked) return { ...known, remembered: true, ms: Date.now() - started };
  let scratch;
  try {
    const defaults = await databaseDefaults(settings);
    scratch = await createScratchDatabase(server.settings, scratchDatabaseName(input.config.raw.drift.scratchDatabase, settings.database), defaults, server.label);
  } catch (error) {
    return { checked: false, reason: `the scratch database could not be created: ${firstLine(error)}` };
  }
  try {
    const replayStarted = Date.now();
    const replay = await replayAndClassify({
      config: input.config,
      env: input.env,
      alias: input.alias,
      scratch: scratch.settings,
      applied: [],
      pending: input.migrations.map((migration) => [migration.app, migration.name]),
      beforeTargets: true,
      tree: input.tree,
      secrets: [settings.password, server.settings.password],
      cancelSignal: scratch.signal,
      timeoutMs: input.timeoutMs,
    }).catch((error: unknown) => error as Error);
    if (replay instanceof Error && Date.now() - replayStarted >= input.timeoutMs) {
      return { checked: false, timedOut: true, reason: `stopped after ${input.timeoutMs / 1000} s: the staged migrations depend on many others, and replaying them takes longer (raise "hooks.lockSafetyTimeoutSeconds", or turn it off with "lockSafetyWarnings": false)` };
    }
    if (replay instanceof Error) return { checked: false, reason: `Django could not run the migrations on a scratch database: ${firstLine(replay)}` };
    if (replay.error?.phase === 'replay') return { checked: false, reason: `Django could not migrate a scratch database to just before them: ${replay.error.message}` };
    const fileOf = new Map(input.migrations.map((migration) => [migrationId(migration), migration.file]));
    const ours = replay.migrations.filter((migration) => fileOf.has(migrationId(migration)));
    const warnings = await blockingWarnings(ours, settings, replay.server ?? 'your server', fileOf);
    if (input.notNull.enabled) warnings.push(...notNullWithoutDefaultWarnings(ours, { pathOf: (migration) => fileOf.get(migration) ?? '', block: input.notNull.block }));
    const outcome: MigrationSqlOutcome = { checked: true, server: replay.server ?? 'unknown server', warnings, failed: replay.error ? { migration: replay.error.migration ?? null, message: replay.error.message } : null, ms: Date.now() - started };
    if (rememberedKey && !outcome.failed) remember(input.remember!.file, rememberedKey, outcome);
    return outcome;
  } finally {
    await scratch.drop().catch(() => {});
  }
}

// One warning per statement the server says blocks writes (a copy, or an in-place rebuild without LOCK=NONE),
// sized from the developer's own tables (read only).
async function blockingWarnings(migrations: ClassifiedMigration[], settings: ConnectionSettings, server: string, fileOf: ReadonlyMap<string, string>): Promise<Problem[]> {
  const tables = [...new Set(migrations.flatMap((migration) => migration.statements.map((statement) => statement.table)).filter((table): table is string => Boolean(table)))];
  const sizes = await withConnection(settings, (connection) => readTableSizes(connection, settings.database, tables)).catch(() => new Map());
  return assessStatements(migrations, sizes, null)
    .filter((item) => item.blocksWrites)
    .map((item): Problem => {
      const file = fileOf.get(item.migration);
      return {
        code: 'mysql-blocking-alter',
        severity: 'warn',
        title: `${item.migration} ${item.statement.kind === 'copy' ? 'copies' : 'rebuilds'} \`${item.statement.table}\` with writes blocked (as ${server} says)`,
        files: file ? [file] : [],
        details: [describeStatement(item)],
        why: 'On a large production table, writes wait for the whole copy; deploy refuses it over "deploy.maxBlockingCopyRows".',
        fix: 'Split the migration so this statement runs alone, or use an online schema-change tool with migrations.SeparateDatabaseAndState; deploy --allow-blocking accepts it.',
      };
    });
}

const REMEMBERED_ENTRIES = 20;

// What an outcome depends on beyond the caller's key: which server and database answered, the options.
function rememberKey(input: MigrationSqlInput, settings: ConnectionSettings, scratchServer: string): string {
  const target = [settings.socket ?? '', settings.host ?? '', settings.port ?? '', settings.database, settings.user, scratchServer];
  return createHash('sha256').update(JSON.stringify([input.remember!.key, target, input.alias, input.notNull, input.migrations])).digest('hex');
}

// The last few outcomes, in one small file (replaced atomically).
function remember(file: string, key: string, outcome: MigrationSqlOutcome): void {
  const entries = Object.entries(readJsonFile<Record<string, MigrationSqlOutcome>>(file) ?? {}).filter(([known]) => known !== key);
  rememberJsonFile(file, Object.fromEntries([...entries.slice(-(REMEMBERED_ENTRIES - 1)), [key, outcome]]));
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}
