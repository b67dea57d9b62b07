// Runs src/django/python/ddl_replay.py through the project's manage.py, pinned to a scratch database: the
// applied migrations replayed, then the pending ones applied with every DDL statement classified by the server.
import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { HELPER_EXIT, runManagePy } from '../django/manage-py.js';
import { PYTHON_HELPERS } from '../django/django-env.js';
import { redactSecrets } from '../ui/redact-secrets.js';
import { UserError } from '../errors.js';
import type { ClassifiedMigration } from '../checks/ddl-classification.js';

const MARKER = 'MIGRATION_GUARD_DDL ';

export interface DdlReplayResult {
  /** Migrations replayed to reach the live database's applied state. */
  replayed: number;
  migrations: ClassifiedMigration[];
  /** The replay or a pending migration failed on the scratch database: what is classified stops there. */
  error: { phase: 'replay' | 'pending'; migration?: string | null; message: string } | null;
  /** VERSION() of the scratch server. */
  server: string | null;
  /** What the scratch database would apply after the replay, and what the live database has pending. */
  planned?: string[];
  expected?: string[];
  /** The applied set's schema was loaded by the caller (from the cache) instead of replayed. */
  schemaLoaded?: boolean;
  /** With `schema: 'capture'`: the scratch database after the replay, or why it cannot be remembered. */
  appliedSchema?: CapturedSchema | { uncacheable: string };
}

/** The schema the applied migrations build, as the server shows it: no rows but django_migrations'. */
export interface CapturedSchema {
  tables: Array<{ table: string; sql: string }>;
  /** django_migrations' rows [app, name], in id order. */
  migrations: Array<[string, string]>;
  /** Tables in which the applied data migrations left rows: not remembered (the cache holds no data). */
  rowsNotKept: string[];
}

export interface DdlReplayInput {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  alias: string;
  /** The scratch database (created empty by the caller). */
  scratch: ConnectionSettings;
  /** "app.name" → applied on the live database, in plan order (ignored with `beforeTargets`). */
  applied: Array<[string, string]>;
  pending: Array<[string, string]>;
  /** Replay what the pending migrations need except themselves, then apply them (check and pre-commit). */
  beforeTargets?: boolean;
  /** Run in another checkout of the project (a snapshot of the staged tree): its directory and manage.py. */
  tree?: { projectRoot: string; managePy: string };
  secrets: string[];
  cancelSignal?: AbortSignal;
  timeoutMs: number;
  /** 'loaded': the caller loaded the applied set's schema, skip the replay; 'capture': replay and return the schema. */
  schema?: 'loaded' | 'capture';
}

/** One Django boot on the scratch database: replay, then classify every DDL statement of the pending migrations. */
export async function replayAndClassify(input: DdlReplayInput): Promise<DdlReplayResult> {
  const source = readFileSync(PYTHON_HELPERS.ddlReplay, 'utf8');
  const result = await runManagePy(input.config, ['shell', '-c', source], {
    env: {
      ...input.env,
      MIGRATION_GUARD_ALIAS: input.alias,
      MIGRATION_GUARD_APPLIED: JSON.stringify(input.applied),
      MIGRATION_GUARD_PENDING: JSON.stringify(input.pending),
      ...(input.beforeTargets ? { MIGRATION_GUARD_REPLAY: 'before-targets' } : {}),
      ...(input.schema === 'loaded' ? { MIGRATION_GUARD_SCHEMA_LOADED: '1' } : input.schema === 'capture' ? { MIGRATION_GUARD_CAPTURE_SCHEMA: '1' } : {}),
    },
    ...(input.tree ? { projectRoot: input.tree.projectRoot, managePy: input.tree.managePy } : {}),
    pinned: { alias: input.alias, database: input.scratch },
    cancelSignal: input.cancelSignal,
    timeoutMs: input.timeoutMs,
  });
  const output = redactSecrets(String(result.all ?? ''), input.secrets);
  if (result.exitCode === HELPER_EXIT.wrongDatabase) {
    throw new UserError(`Refused to classify the migrations' DDL: Django's connection was not on the scratch database "${input.scratch.database}", so nothing ran there. ${output.split('\n').find((line) => line.startsWith('migration-guard:')) ?? ''}`, {
      fix: "Check the settings' DATABASES (a database router or OPTIONS that choose another database), then run: migration-guard doctor",
    });
  }
  if (result.isCanceled) throw new Error(`interrupted: the replay on the scratch database "${input.scratch.database}" was stopped`);
  const line = output.split('\n').reverse().find((text) => text.startsWith(MARKER));
  if (result.exitCode !== 0 || !line) {
    const tail = output.trim().split('\n').slice(-8).join('\n');
    throw new Error(`Django could not replay the migrations on the scratch database "${input.scratch.database}" (manage.py exit ${result.exitCode ?? result.signal ?? '?'}${result.timedOut ? ', timed out' : ''}):\n${tail}`);
  }
  return JSON.parse(line.slice(MARKER.length)) as DdlReplayResult;
}
