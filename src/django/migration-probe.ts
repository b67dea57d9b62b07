// Asks Django itself, in one boot, where migrations stand: the full plan (as `showmigrations --plan`),
// what `migrate` would run, conflicts, and the SQL of each pending migration (as `sqlmigrate`).
import type { ResolvedConfig } from '../config/load-config.js';
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
  /** django_migrations says applied, but the code has no such migration (deployed from elsewhere?). */
  unknownApplied: string[];
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

// Run through `manage.py shell -c`, so the project's own settings, apps and database are used.
const PROBE_SOURCE = `
import io as _mg_io, json as _mg_json
from django.core.management import call_command as _mg_call
import os as _mg_os
from django.db import DEFAULT_DB_ALIAS, connections as _mg_connections
_mg_alias = _mg_os.environ.get('MIGRATION_GUARD_ALIAS', DEFAULT_DB_ALIAS)
from django.db.migrations.executor import MigrationExecutor as _mg_Executor

def _mg_probe(want_sql):
    connection = _mg_connections[_mg_alias]
    executor = _mg_Executor(connection)
    loader = executor.loader
    graph = loader.graph
    import django as _mg_django
    out = {'conflicts': {app: sorted(names) for app, names in loader.detect_conflicts().items()}, 'inconsistentHistory': None, 'django': _mg_django.get_version()}
    try:
        loader.check_consistent_history(connection)
    except Exception as error:
        out['inconsistentHistory'] = str(error)
    applied = loader.applied_migrations
    targets = graph.leaf_nodes()
    nodes, seen = [], set()
    for target in targets:
        for key in graph.forwards_plan(target):
            if key in seen:
                continue
            seen.add(key)
            migration = graph.nodes[key]
            nodes.append({'app': key[0], 'name': key[1], 'applied': key in applied, 'replaces': [list(item) for item in (migration.replaces or [])]})
    out['plan'] = nodes
    plan = [] if out['conflicts'] else executor.migration_plan(targets)
    out['pending'] = [{'app': m.app_label, 'name': m.name, 'backwards': bool(backwards), 'operations': [op.describe() for op in m.operations]} for m, backwards in plan]
    replaced = set(item for squash in loader.replacements.values() for item in squash.replaces)
    out['unknownApplied'] = sorted('%s.%s' % key for key in applied if key not in graph.nodes and key not in replaced)
    out['sql'] = {}
    if want_sql:
        for m, backwards in plan:
            buffer = _mg_io.StringIO()
            try:
                _mg_call('sqlmigrate', m.app_label, m.name, database=_mg_alias, stdout=buffer, no_color=True)
                out['sql']['%s.%s' % (m.app_label, m.name)] = {'sql': buffer.getvalue()}
            except Exception as error:
                out['sql']['%s.%s' % (m.app_label, m.name)] = {'error': '%s: %s' % (type(error).__name__, error)}
    print(${JSON.stringify(MARKER)} + _mg_json.dumps(out))

_mg_probe(WANT_SQL)
`;

/** Runs the probe (one Django boot); with `sql`, also collects sqlmigrate output for each pending migration. */
export async function probeMigrations(
  config: ResolvedConfig,
  options: { sql: boolean; env?: NodeJS.ProcessEnv; secrets?: string[]; alias?: string; pinned?: ManagePyOptions['pinned'] },
): Promise<MigrationProbe> {
  const source = PROBE_SOURCE.replace('WANT_SQL', options.sql ? 'True' : 'False');
  // `pinned`: the database named, whatever the settings of the code probed say (deploy probes a fetched commit).
  const result = await runManagePy(config, ['shell', '-c', source], { env: { ...options.env, MIGRATION_GUARD_ALIAS: options.alias ?? 'default' }, pinned: options.pinned });
  const output = redactSecrets(String(result.all ?? ''), options.secrets ?? []);
  const line = output.split('\n').reverse().find((text) => text.startsWith(MARKER));
  if (result.exitCode !== 0 || !line) {
    const tail = output.trim().split('\n').slice(-12).join('\n');
    throw new ProbeError(`Django could not list the migrations (manage.py exit ${result.exitCode ?? result.signal ?? '?'})`, tail);
  }
  return JSON.parse(line.slice(MARKER.length)) as MigrationProbe;
}
