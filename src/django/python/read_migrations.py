#!/usr/bin/env python3
"""Reads one app's migrations through Django's own loader and prints them as JSON.

migration-guard reads migration files without Python; a file whose value only Python can tell
(e.g. `class Migration` chosen by an if/else on an installed library) is read here instead.

Usage: read_migrations.py --project DIR --app LABEL [--package DIR]
  --project  the directory holding manage.py (put first on sys.path; DJANGO_SETTINGS_MODULE set by the caller)
  --package  a directory holding the app's migration files to read instead of its migrations package
             (a version from git): loaded through MIGRATION_MODULES, so the rest of the project is unchanged
Output: {"migrations": [{"name", "dependencies", "replaces", "run_before", "initial", "operations"}]}, or
{"error": {"type", "message", "file", "line"}} with exit status 1. No database is used.
"""
import argparse
import json
import os
import sys
import traceback


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--project', required=True)
    parser.add_argument('--app', required=True)
    parser.add_argument('--package')
    return parser.parse_args()


def dependency(dep):
    app, name = dep[0], dep[1]
    if name == '__first__':
        return {'kind': 'first', 'app': app}
    if name == '__latest__':
        return {'kind': 'latest', 'app': app}
    return {'kind': 'migration', 'app': app, 'name': name}


def operation(op):
    from django.db.migrations.writer import OperationWriter
    kind = type(op).__name__
    try:
        source, _imports = OperationWriter(op, indentation=0).serialize()
    except Exception:
        source = repr(op)
    result = {'type': kind, 'line': 1, 'source': source.rstrip(',\n')}
    model = getattr(op, 'model_name', None)
    if kind in ('AddField', 'AlterField', 'RemoveField', 'RenameField'):
        result['field'] = getattr(op, 'old_name', None) if kind == 'RenameField' else getattr(op, 'name', None)
    elif model is None:
        model = getattr(op, 'old_name', None) if kind == 'RenameModel' else getattr(op, 'name', None)
    if model:
        result['model'] = str(model).lower()
    return {key: value for key, value in result.items() if value is not None}


def main():
    args = parse_args()
    sys.path.insert(0, os.path.abspath(args.project))
    try:
        import django
        django.setup()
        from django.conf import settings
        from django.db.migrations.loader import MigrationLoader
        if args.package:
            sys.path.insert(0, os.path.dirname(os.path.abspath(args.package)))
            settings.MIGRATION_MODULES = {**getattr(settings, 'MIGRATION_MODULES', {}), args.app: os.path.basename(os.path.abspath(args.package))}
        loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
        loader.load_disk()
        migrations = []
        for (app, name), migration in sorted(loader.disk_migrations.items()):
            if app != args.app:
                continue
            migrations.append({
                'name': name,
                'dependencies': [dependency(dep) for dep in migration.dependencies],
                'replaces': [{'app': a, 'name': n} for a, n in migration.replaces],
                'run_before': [{'app': a, 'name': n} for a, n in migration.run_before],
                'initial': migration.initial,
                'operations': [operation(op) for op in migration.operations],
            })
        json.dump({'migrations': migrations}, sys.stdout)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        last = frames[-1] if frames else None
        json.dump({'error': {'type': type(error).__name__, 'message': str(error),
                             'file': last.filename if last else None, 'line': last.lineno if last else None}}, sys.stdout)
        sys.exit(1)


main()
