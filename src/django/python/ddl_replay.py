# Replays a deploy's migrations on a scratch database and asks the server how each DDL statement would run.
# Run as `manage.py shell -c <this file's text>` through migration_guard_django.py's `pinned` mode, so every
# connection is on the scratch database. Input in the environment: MIGRATION_GUARD_ALIAS, MIGRATION_GUARD_APPLIED
# (JSON [[app, name], ...]: what the live database has applied) and MIGRATION_GUARD_PENDING (what a deploy applies).
# 1. migrates the scratch database to exactly the applied set (Django's own executor, RunPython included);
# 2. applies the pending migrations with the schema editor's execute() wrapped: every ALTER TABLE (and
#    CREATE/DROP INDEX, as the ALTER TABLE it is) is tried with ALGORITHM=INSTANT, then ALGORITHM=INPLACE,
#    LOCK=NONE, then ALGORITHM=INPLACE; the first the server accepts is applied for real, so the next statement
#    sees the right schema; when the server refuses all three (errors 1845/1846) it runs as Django wrote it,
#    i.e. as a table copy. The server's refusal messages are kept, word for word.
# With MIGRATION_GUARD_REPLAY=before-targets (check and pre-commit), the pending migrations are the targets
# instead: step 1 migrates to everything they need except themselves (and what depends on them), step 2 applies
# them, whatever the developer's own database has applied.
# With MIGRATION_GUARD_SCHEMA_LOADED=1 step 1 is skipped: the caller loaded the schema the applied set builds
# (remembered from an earlier replay) and django_migrations must hold exactly the applied set, else nothing runs.
# With MIGRATION_GUARD_CAPTURE_SCHEMA=1, after step 1 the scratch database's CREATE TABLE statements and
# django_migrations rows are returned for the caller to remember (with the names of tables in which a data
# migration left rows: those rows are not kept) -- unless the replay created views, triggers, routines or events,
# which CREATE TABLE statements do not carry (then the reason is returned instead).
# Prints one line: MIGRATION_GUARD_DDL <json>.
import json as _mg_json
import os as _mg_os
import re as _mg_re
import time as _mg_time


def _mg_ddl_replay():
    from django.db import connections, DatabaseError
    from django.db.migrations.executor import MigrationExecutor

    alias = _mg_os.environ['MIGRATION_GUARD_ALIAS']
    applied = set(tuple(item) for item in _mg_json.loads(_mg_os.environ['MIGRATION_GUARD_APPLIED']))
    pending = [tuple(item) for item in _mg_json.loads(_mg_os.environ['MIGRATION_GUARD_PENDING'])]
    connection = connections[alias]
    schema_loaded = _mg_os.environ.get('MIGRATION_GUARD_SCHEMA_LOADED') == '1'
    capture_schema = _mg_os.environ.get('MIGRATION_GUARD_CAPTURE_SCHEMA') == '1'
    out = {'replayed': 0, 'migrations': [], 'error': None, 'server': None, 'schemaLoaded': schema_loaded}
    refused_codes = (1845, 1846)
    name = r'(`(?:[^`]|``)+`|\w+)'
    create_index = _mg_re.compile(r'^\s*CREATE\s+(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+' + name + r'\s+ON\s+' + name + r'\s*(\(.*\))\s*$', _mg_re.I | _mg_re.S)
    drop_index = _mg_re.compile(r'^\s*DROP\s+INDEX\s+' + name + r'\s+ON\s+' + name + r'\s*$', _mg_re.I | _mg_re.S)
    alter_table = _mg_re.compile(r'^\s*ALTER\s+TABLE\s+' + name, _mg_re.I)
    other_ddl = _mg_re.compile(r'^\s*(CREATE\s+TABLE|DROP\s+TABLE|RENAME\s+TABLE|TRUNCATE|CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|TRIGGER|PROCEDURE|FUNCTION))\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?' + name + '?', _mg_re.I)

    def unquote(text):
        return text[1:-1].replace('``', '`') if text.startswith('`') else text

    def as_alter(sql):
        """The statement as ALTER TABLE (without a clause list end), and its table; None when it is no ALTER."""
        match = create_index.match(sql)
        if match:
            kind = (match.group(1) or '').strip().upper()
            return 'ALTER TABLE %s ADD %sINDEX %s %s' % (match.group(3), kind + ' ' if kind else '', match.group(2), match.group(4)), unquote(match.group(3))
        match = drop_index.match(sql)
        if match:
            return 'ALTER TABLE %s DROP INDEX %s' % (match.group(2), match.group(1)), unquote(match.group(2))
        match = alter_table.match(sql)
        if match:
            return sql, unquote(match.group(1))
        return None

    executor = MigrationExecutor(connection)
    loader = executor.loader
    graph = loader.graph
    # A squashed migration counts as applied when everything it replaces is (as Django's loader decides).
    def is_applied(key):
        if key in applied:
            return True
        migration = graph.nodes.get(key)
        return bool(migration is not None and migration.replaces and all(tuple(item) in applied for item in migration.replaces))

    before_targets = _mg_os.environ.get('MIGRATION_GUARD_REPLAY') == 'before-targets'
    if before_targets:
        missing = ['%s.%s' % key for key in pending if key not in graph.nodes]
        if missing:
            out['error'] = {'phase': 'replay', 'message': 'not in the migration graph: %s' % ', '.join(missing)}
            print('MIGRATION_GUARD_DDL ' + _mg_json.dumps(out))
            return
        targets = list(pending)
        full_plan = executor.migration_plan(targets, clean_start=True)
        # What the targets need, minus themselves and whatever depends on them (the plan lists parents first).
        later = set(pending)
        for migration, _backwards in full_plan:
            key = (migration.app_label, migration.name)
            if any(parent.key in later for parent in graph.node_map[key].parents):
                later.add(key)
        replay = [(migration, False) for migration, _backwards in full_plan if (migration.app_label, migration.name) not in later]
    else:
        targets = graph.leaf_nodes()
        full_plan = executor.migration_plan(targets, clean_start=True)
        replay = [(migration, False) for migration, _backwards in full_plan if is_applied((migration.app_label, migration.name))]
    if schema_loaded and not before_targets:
        # The loaded schema is believed only when its django_migrations is exactly the applied set.
        # (Compared as the graph sees them, so that a squash counts as its replaced migrations do.)
        recorded = set(key for key in graph.nodes if key in loader.applied_migrations)
        wanted = set(key for key in graph.nodes if is_applied(key))
        if recorded != wanted:
            out['error'] = {'phase': 'replay', 'message': 'the loaded schema records %d migrations as applied, the live database %d: not the same set' % (len(recorded), len(wanted))}
            print('MIGRATION_GUARD_DDL ' + _mg_json.dumps(out))
            return
    else:
        try:
            if replay:
                executor.migrate(targets, plan=replay)
            out['replayed'] = len(replay)
        except Exception as error:  # noqa: BLE001 - reported: the replay itself failed
            out['error'] = {'phase': 'replay', 'message': '%s: %s' % (type(error).__name__, error)}
            print('MIGRATION_GUARD_DDL ' + _mg_json.dumps(out))
            return
        if capture_schema and not before_targets:
            out['appliedSchema'] = _mg_capture_schema(connection)

    from django.db.backends.mysql.schema import DatabaseSchemaEditor
    original_execute = DatabaseSchemaEditor.execute
    current = {'record': None}

    def try_clause(editor, sql, params, clause):
        try:
            original_execute(editor, sql + clause, params)
            return None
        except DatabaseError as error:
            code = error.args[0] if error.args else None
            if code in refused_codes:
                return str(error.args[1])
            raise

    def execute(editor, sql, params=()):
        record = current['record']
        if record is None or editor.collect_sql:
            return original_execute(editor, sql, params)
        text = str(sql).strip().rstrip(';').rstrip()
        shown = text % tuple(map(editor.quote_value, params)) if params else text
        entry = {'sql': shown, 'table': None, 'kind': 'other', 'refusals': [], 'ms': 0}
        record['statements'].append(entry)
        started = _mg_time.monotonic()
        alter = as_alter(text)
        try:
            if alter is None:
                match = other_ddl.match(text)
                if match:
                    entry['kind'] = 'create-table' if match.group(1).upper().startswith('CREATE TABLE') else 'other-ddl'
                    entry['table'] = unquote(match.group(2)) if match.group(2) else None
                return original_execute(editor, sql, params)
            probe, entry['table'] = alter
            for kind, clause in (('instant', ', ALGORITHM=INSTANT'), ('inplace', ', ALGORITHM=INPLACE, LOCK=NONE'), ('inplace-locked', ', ALGORITHM=INPLACE')):
                refusal = try_clause(editor, probe, params, clause)
                if refusal is None:
                    entry['kind'] = kind
                    return None
                entry['refusals'].append({'tried': clause.lstrip(', '), 'message': refusal})
            entry['kind'] = 'copy'
            return original_execute(editor, sql, params)
        finally:
            entry['ms'] = round((_mg_time.monotonic() - started) * 1000)

    DatabaseSchemaEditor.execute = execute

    def progress(action, migration=None, fake=False):
        if action == 'apply_start':
            current['record'] = {'app': migration.app_label, 'name': migration.name, 'statements': []}
            out['migrations'].append(current['record'])
        elif action == 'apply_success':
            current['record'] = None

    executor = MigrationExecutor(connection, progress)
    try:
        final_targets = list(pending) if before_targets else executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(final_targets)
        out['planned'] = ['%s.%s' % (migration.app_label, migration.name) for migration, _backwards in plan]
        out['expected'] = ['%s.%s' % key for key in pending]
        executor.migrate(final_targets, plan=plan)
    except Exception as error:  # noqa: BLE001 - reported with the migration it happened in
        record = current['record']
        out['error'] = {'phase': 'pending', 'migration': '%s.%s' % (record['app'], record['name']) if record else None, 'message': '%s: %s' % (type(error).__name__, error)}
    with connection.cursor() as cursor:
        cursor.execute('SELECT VERSION()')
        out['server'] = cursor.fetchone()[0]
    print('MIGRATION_GUARD_DDL ' + _mg_json.dumps(out))


def _mg_capture_schema(connection):
    """The scratch database after the replay, as CREATE TABLE statements + django_migrations; or why it cannot be."""
    def quote(name):
        return '`%s`' % name.replace('`', '``')

    with connection.cursor() as cursor:
        cursor.execute('SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME')
        tables = cursor.fetchall()
        views = [name for name, kind in tables if kind != 'BASE TABLE']
        if views:
            return {'uncacheable': 'the applied migrations create views (%s)' % ', '.join(views[:3])}
        for what, query in (('triggers', 'SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()'), ('routines', 'SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()'), ('events', 'SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()')):
            cursor.execute(query)
            names = [row[0] for row in cursor.fetchall()]
            if names:
                return {'uncacheable': 'the applied migrations create %s (%s)' % (what, ', '.join(names[:3]))}
        statements = []
        with_rows = []
        for name, _kind in tables:
            if name != 'django_migrations':
                # Rows a data migration inserted are not remembered (no data in the cache): named, for the report.
                cursor.execute('SELECT 1 FROM %s LIMIT 1' % quote(name))
                if cursor.fetchone():
                    with_rows.append(name)
            cursor.execute('SHOW CREATE TABLE %s' % quote(name))
            statements.append({'table': name, 'sql': cursor.fetchone()[1]})
        cursor.execute('SELECT app, name FROM django_migrations ORDER BY id')
        migrations = [list(row) for row in cursor.fetchall()]
    return {'tables': statements, 'migrations': migrations, 'rowsNotKept': with_rows}


_mg_ddl_replay()
