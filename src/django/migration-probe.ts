// Asks Django itself, in one boot, where migrations stand: the full plan (as `showmigrations --plan`),
// what `migrate` would run, conflicts, and the SQL of each pending migration (as `sqlmigrate`).
// The Python is src/django/python/migration_probe.py, run through `manage.py shell -c`.
import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config/load-config.js';
import { PYTHON_HELPERS } from './django-env.js';
import { runManagePy, type ManagePyOptions } from './manage-py.js';
import { redactSecrets } from '../ui/redact-secrets.js';

export interface PlanNode {
  app: string;
  name: string;
  applied: boolean;
  /** For a squashed migration: the migrations it replaces, as [app, name]. */
  replaces: Array<[string, string]>;
}

export interface PendingMigration {
  app: string;
  name: string;
  /** migrate would unapply it (a target behind the database): never expected from a plain `migrate`. */
  backwards: boolean;
  operations: string[];
}

export interface MigrationProbe {
  /** Every migration in dependency order, as `showmigrations --plan` lists them. */
  plan: PlanNode[];
  /** What `migrate` would apply, in order. */
  pending: PendingMigration[];
  /** Apps with more than one leaf migration: migrate refuses them. */
  conflicts: Record<string, string[]>;
  /** What Django's loader counts as applied (squashes settled), as [app, name]; with `plan`, what the code lacks. */
  applied: Array<[string, string]>;
  /** InconsistentMigrationHistory's message, when a migration is applied before its dependency. */
  inconsistentHistory: string | null;
  /** "app.name" → the SQL sqlmigrate prints, or why it could not. Only when asked for. */
  sql: Record<string, { sql?: string; error?: string }>;
  /** django.get_version() of the project's Django (a key of the lock-safety schema cache). */
  django?: string;
}

/** Django could not boot or could not build its migration graph. */
export class ProbeError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.name = 'ProbeError';
    this.output = output;
  }
}

const MARKER = 'MIGRATION_GUARD_PROBE:';

/** Runs the probe (one Django boot); with `sql`, also collects sqlmigrate output for each pending migration. */
export async function probeMigrations(
  config: ResolvedConfig,
  options: { sql: boolean; env?: NodeJS.ProcessEnv; secrets?: string[]; alias?: string; pinned?: ManagePyOptions['pinned'] },
): Promise<MigrationProbe> {
  const source = readFileSync(PYTHON_HELPERS.migrationProbe, 'utf8');
  // `pinned`: the database named, whatever the settings of the code probed say (deploy probes a fetched commit).
  const result = await runManagePy(config, ['shell', '-c', source], { env: { ...options.env, MIGRATION_GUARD_ALIAS: options.alias ?? 'default', MIGRATION_GUARD_PROBE_SQL: options.sql ? '1' : '0' }, pinned: options.pinned });
  const output = redactSecrets(String(result.all ?? ''), options.secrets ?? []);
  const line = output.split('\n').reverse().find((text) => text.startsWith(MARKER));
  if (result.exitCode !== 0 || !line) {
    const tail = output.trim().split('\n').slice(-12).join('\n');
    throw new ProbeError(`Django could not list the migrations (manage.py exit ${result.exitCode ?? result.signal ?? '?'})`, tail);
  }
  return JSON.parse(line.slice(MARKER.length)) as MigrationProbe;
}
