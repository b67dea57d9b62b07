# Asks Django itself, in one boot, where migrations stand: the full plan (as `showmigrations --plan`), what
# `migrate` would run, conflicts, and, with MIGRATION_GUARD_PROBE_SQL=1, the SQL of each pending migration (as
# `sqlmigrate`). Run as `manage.py shell -c <this file's text>`, so the project's own settings, apps and database
# are used; MIGRATION_GUARD_ALIAS names the database. Prints one line: MIGRATION_GUARD_PROBE:<json>.
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
    out['applied'] = [list(key) for key in sorted(applied)]
    out['sql'] = {}
    if want_sql:
        for m, backwards in plan:
            buffer = _mg_io.StringIO()
            try:
                _mg_call('sqlmigrate', m.app_label, m.name, database=_mg_alias, stdout=buffer, no_color=True)
                out['sql']['%s.%s' % (m.app_label, m.name)] = {'sql': buffer.getvalue()}
            except Exception as error:
                out['sql']['%s.%s' % (m.app_label, m.name)] = {'error': '%s: %s' % (type(error).__name__, error)}
    print('MIGRATION_GUARD_PROBE:' + _mg_json.dumps(out))

_mg_probe(_mg_os.environ.get('MIGRATION_GUARD_PROBE_SQL') == '1')
