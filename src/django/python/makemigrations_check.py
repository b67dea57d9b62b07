"""migration-guard's reading of `manage.py makemigrations --check --dry-run --noinput`.

Usage: python makemigrations_check.py /path/to/manage.py makemigrations --check --dry-run --noinput [APP ...]
Runs the project's manage.py with its arguments, and:
  1. skips the migration history's consistency check against the database (it says nothing about the code);
  2. records what Django would write (app, name, path, operations) and which field needs a default;
  3. tells a crash of the project's code (exit 70, with the error's type, module and files) from Django's own exit
     codes (0 in sync, 1 changes, 2 command error, 3 a default is needed).
The record is written as JSON to the file named by MIGRATION_GUARD_REPORT.
"""
CRASH_EXIT = 70
import json, os, runpy, sys, traceback
report_path = os.environ.pop('MIGRATION_GUARD_REPORT')
report = {'changes': [], 'needs_default': None, 'django': None, 'error': None}
manage = sys.argv[1]
sys.argv = [manage] + sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(manage))
try:
    import django
    report['django'] = [django.get_version(), os.path.abspath(django.__file__)]
    from django.db.migrations.loader import MigrationLoader
    MigrationLoader.check_consistent_history = lambda self, connection: None
    from django.core.management.commands import makemigrations
    from django.db.migrations.writer import MigrationWriter
    original_write = makemigrations.Command.write_migration_files
    def write_migration_files(self, changes, *args, **kwargs):
        for app_label, migrations in changes.items():
            for migration in migrations:
                try:
                    target = MigrationWriter(migration).path
                except Exception:
                    target = None
                report['changes'].append({'app': app_label, 'name': migration.name, 'path': target,
                                          'operations': [operation.describe() for operation in migration.operations]})
        return original_write(self, changes, *args, **kwargs)
    makemigrations.Command.write_migration_files = write_migration_files
    from django.db.migrations import questioner
    for method in ('ask_not_null_addition', 'ask_auto_now_add_addition'):
        original = getattr(questioner.NonInteractiveMigrationQuestioner, method, None)
        if original is None:
            continue
        def recorder(self, field_name, model_name, _original=original):
            report['needs_default'] = {'field': field_name, 'model': model_name}
            return _original(self, field_name, model_name)
        setattr(questioner.NonInteractiveMigrationQuestioner, method, recorder)
except Exception:
    pass
code = 0
try:
    runpy.run_path(manage, run_name='__main__')
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    if not isinstance(exit.code, (int, type(None))):
        print(exit.code, file=sys.stderr)
except BaseException as error:
    traceback.print_exc()
    tb = traceback.extract_tb(error.__traceback__)
    report['error'] = {'type': type(error).__name__, 'message': str(error), 'module': getattr(error, 'name', None),
                       'file': tb[-1].filename if tb else None, 'files': [frame.filename for frame in tb]}
    code = CRASH_EXIT
finally:
    with open(report_path, 'w') as handle:
        json.dump(report, handle)
sys.exit(code)
