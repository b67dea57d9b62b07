"""migration-guard's way into a Django project: runs the project's own manage.py, so that whatever
manage.py sets up (DJANGO_SETTINGS_MODULE, sys.path, a .env loader) is in force, and then, instead of
Django's command line:

  discover ALIAS      prints what Django itself would use: DATABASES[ALIAS] as the MySQL backend passes
                      it to MySQLdb, MEDIA_ROOT, the installed apps and their migration directories, and
                      what the settings read while loading (environment variables, files), so that the
                      answer can be remembered and checked cheaply.
  identify ALIAS      connects the way Django does and prints what the server says of that connection
                      (@@hostname, @@port, DATABASE(), CURRENT_USER()), to prove migration-guard reaches
                      the same database.
  pinned ALIAS ARGS   runs `manage.py ARGS` with DATABASES[ALIAS] replaced by the database described in
                      the MIGRATION_GUARD_PINNED_DATABASE environment variable (JSON), and checks on every
                      connection Django opens for ALIAS that DATABASE() is that database before anything
                      else runs on it; exits 86 otherwise.

Usage: python migration_guard_django.py /path/to/manage.py discover|pinned ALIAS [ARGS...]
The answer of `discover` is one line on stdout: MIGRATION_GUARD_RESULT <json>.
"""
import json
import os
import sys

RESULT_MARKER = 'MIGRATION_GUARD_RESULT '
WRONG_DATABASE_EXIT = 86
SETTINGS_FAILED_EXIT = 87
NOT_A_MANAGE_PY_EXIT = 88

# Values of the environment as the process started, before manage.py or the settings changed it:
# what the caller can compare with its own environment next time.
ORIGINAL_ENVIRONMENT = dict(os.environ)


class EnvironmentReads:
    """Records the names of the environment variables read, and whether it was iterated whole."""

    names = set()
    iterated = False


def track_environment_reads():
    base = type(os.environ)

    class TrackedEnviron(base):
        def __getitem__(self, key):
            EnvironmentReads.names.add(key)
            return base.__getitem__(self, key)

        def __iter__(self):
            EnvironmentReads.iterated = True
            return base.__iter__(self)

    os.environ.__class__ = TrackedEnviron


def track_file_reads(opened):
    import builtins
    import io

    original_open = io.open

    def tracked_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            opened.add(os.path.abspath(os.fsdecode(file)))
        return original_open(file, *args, **kwargs)

    builtins.open = tracked_open
    io.open = tracked_open
    return lambda: (setattr(builtins, 'open', original_open), setattr(io, 'open', original_open))


def emit(result):
    sys.stdout.write('\n' + RESULT_MARKER + json.dumps(result) + '\n')
    sys.stdout.flush()


def fail_settings(error):
    emit({'error': {'type': type(error).__name__, 'message': str(error), 'module': os.environ.get('DJANGO_SETTINGS_MODULE')}})
    os._exit(SETTINGS_FAILED_EXIT)


def project_files(modules_before, opened):
    """Files of the modules the settings imported that belong to the project, and files they opened."""
    roots = [os.path.realpath(p) for p in {sys.prefix, sys.base_prefix}]
    files = set()
    for name, module in list(sys.modules.items()):
        if name in modules_before:
            continue
        path = getattr(module, '__file__', None)
        if not path:
            continue
        real = os.path.realpath(path)
        if any(real.startswith(root + os.sep) for root in roots) or '-packages' + os.sep in real:
            continue
        files.add(real)
    for path in opened:
        if os.path.isfile(path):
            files.add(os.path.realpath(path))
    return sorted(files)


def connection_params(connection):
    if connection.vendor != 'mysql':
        return None
    params = connection.get_connection_params()
    return {key: value for key, value in params.items() if key != 'conv' and isinstance(value, (str, int, float, bool, dict, type(None)))}


def migration_directories():
    import importlib.util
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    found = []
    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        directory = None
        if module_name:
            try:
                spec = importlib.util.find_spec(module_name)
            except (ImportError, ValueError):
                spec = None
            if spec and spec.submodule_search_locations:
                directory = list(spec.submodule_search_locations)[0]
        found.append({'label': app_config.label, 'name': app_config.name, 'path': app_config.path, 'migrationsModule': module_name, 'migrationsDir': directory})
    return found


def discover(alias, manage_py):
    import django

    modules_before = set(sys.modules)
    opened = set()
    stop_tracking_files = track_file_reads(opened)
    try:
        from django.conf import settings
        settings.DATABASES  # imports the settings module
    except Exception as error:  # noqa: BLE001 - any failure of the user's settings is reported
        fail_settings(error)
    finally:
        stop_tracking_files()
    files = sorted(set(project_files(modules_before, opened)) | {os.path.realpath(manage_py)})
    names = sorted(EnvironmentReads.names)
    try:
        django.setup()
        from django.db import connections
        databases = {}
        for name, settings_dict in settings.DATABASES.items():
            engine = settings_dict.get('ENGINE', '')
            databases[name] = {'engine': engine, 'params': connection_params(connections[name]) if name == alias else None}
        apps = migration_directories()
    except Exception as error:  # noqa: BLE001
        fail_settings(error)
    emit({
        'djangoVersion': django.get_version(),
        'settingsModule': os.environ.get('DJANGO_SETTINGS_MODULE'),
        'databases': databases,
        'mediaRoot': str(settings.MEDIA_ROOT or ''),
        'authUserModel': settings.AUTH_USER_MODEL,
        'apps': apps,
        'environmentRead': {name: ORIGINAL_ENVIRONMENT.get(name) for name in names},
        'environmentIterated': EnvironmentReads.iterated,
        'files': files,
    })


def identify(alias):
    try:
        import django
        django.setup()
        from django.db import connections
        with connections[alias].cursor() as cursor:
            cursor.execute('SELECT @@hostname, @@port, DATABASE(), CURRENT_USER()')
            hostname, port, database, user = cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - reported to the caller as Django's own failure
        emit({'error': {'type': type(error).__name__, 'message': str(error), 'module': os.environ.get('DJANGO_SETTINGS_MODULE')}})
        os._exit(SETTINGS_FAILED_EXIT)
    emit({'hostname': hostname, 'port': int(port), 'database': database, 'user': user})


def pin_database(alias, original_execute):
    """Replaces DATABASES[alias] as soon as the settings load, and checks every connection opened for it."""
    import django.conf
    from django.db.backends.signals import connection_created

    pinned = json.loads(os.environ.pop('MIGRATION_GUARD_PINNED_DATABASE'))
    original_setup = django.conf.LazySettings._setup

    def setup_with_pinned_database(self, *args, **kwargs):
        original_setup(self, *args, **kwargs)
        databases = self._wrapped.DATABASES
        if alias not in databases:
            sys.stderr.write('migration-guard: the settings have no DATABASES[%r]\n' % alias)
            os._exit(WRONG_DATABASE_EXIT)
        current = databases[alias]
        options = {key: value for key, value in (current.get('OPTIONS') or {}).items() if key not in ('read_default_file', 'read_default_group', 'unix_socket', 'host', 'port', 'user', 'passwd', 'password', 'db', 'database', 'ssl')}
        options.update(pinned.get('OPTIONS') or {})
        replaced = dict(current)
        replaced.update({key: pinned[key] for key in ('NAME', 'USER', 'PASSWORD', 'HOST', 'PORT')})
        replaced['OPTIONS'] = options
        replaced.setdefault('TEST', {})
        databases[alias] = replaced

    django.conf.LazySettings._setup = setup_with_pinned_database

    def check_database(sender, connection, **kwargs):
        if connection.alias != alias:
            return
        with connection.connection.cursor() as cursor:
            cursor.execute('SELECT DATABASE()')
            (current,) = cursor.fetchone()
        if current != pinned['NAME']:
            sys.stderr.write('migration-guard: refusing to run: the connection is on database %r, not the scratch database %r\n' % (current, pinned['NAME']))
            sys.stderr.flush()
            os._exit(WRONG_DATABASE_EXIT)

    connection_created.connect(check_database, weak=False)
    return original_execute


def main():
    manage_py, mode, alias = sys.argv[1], sys.argv[2], sys.argv[3]
    extra = sys.argv[4:]
    project_dir = os.path.dirname(os.path.abspath(manage_py))
    sys.path.insert(0, project_dir)
    track_environment_reads()

    import django.core.management as management

    original_execute = management.execute_from_command_line
    called = []

    def instead_of_execute(argv=None):
        called.append(True)
        if mode == 'discover':
            discover(alias, manage_py)
        elif mode == 'identify':
            identify(alias)
        else:
            pin_database(alias, original_execute)
            original_execute([manage_py] + extra)

    management.execute_from_command_line = instead_of_execute
    import runpy

    sys.argv = [manage_py] + extra
    try:
        runpy.run_path(manage_py, run_name='__main__')
    except Exception as error:  # noqa: BLE001 - manage.py itself failed before Django's command line
        if called:
            raise
        fail_settings(error)
    if not called:
        sys.stderr.write('migration-guard: %s did not call django.core.management.execute_from_command_line\n' % manage_py)
        os._exit(NOT_A_MANAGE_PY_EXIT)


if __name__ == '__main__':
    main()
