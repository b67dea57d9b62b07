#!/usr/bin/env python3
"""Prints Django's own migration graph of some apps as JSON, to check migration-guard's against it.

Usage: django_migration_graph.py --project DIR --settings MODULE [--applied APP.NAME ...] APP [APP ...]

Builds the graph with MigrationLoader(None, ignore_no_migrations=True): no database is needed.
With --applied (repeatable), the loader sees those migrations as applied, as if read from
django_migrations, so squashed-migration handling can be compared too.
Output: {"apps": {app: {"leaves", "roots", "nodes"}}, "conflicts", "plan", "pendingPlan", "applied"},
plans being executor.migration_plan(graph.leaf_nodes()) restricted to the given apps.
On a graph Django refuses to build: {"error": {"type", "message"}} and exit status 1.
"""
import argparse
import json
import os
import sys


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--project', required=True, help='directory holding manage.py')
    parser.add_argument('--settings', required=True, help='settings module, e.g. hcat.settings')
    parser.add_argument('--applied', action='append', help='an applied migration as app.name')
    parser.add_argument('apps', nargs='+', help='app labels to report on')
    return parser.parse_args()


def build_loader(applied):
    from django.db.migrations import loader as loader_module

    if applied is None:
        return loader_module.MigrationLoader(None, ignore_no_migrations=True)

    # The loader asks MigrationRecorder for applied migrations only when it has a connection:
    # hand it a stand-in recorder instead of a database.
    applied_keys = {tuple(item.split('.', 1)): None for item in applied}

    class GivenAppliedRecorder:
        def __init__(self, connection):
            pass

        def applied_migrations(self):
            return dict(applied_keys)

    real_recorder = loader_module.MigrationRecorder
    loader_module.MigrationRecorder = GivenAppliedRecorder
    try:
        return loader_module.MigrationLoader(object(), ignore_no_migrations=True)
    finally:
        loader_module.MigrationRecorder = real_recorder


def main():
    args = parse_args()
    sys.path.insert(0, os.path.abspath(args.project))
    os.environ['DJANGO_SETTINGS_MODULE'] = args.settings
    import django

    django.setup()
    from django.db.migrations.executor import MigrationExecutor

    try:
        loader = build_loader(args.applied)
    except Exception as exc:  # noqa: BLE001 - reported to the caller, who compares failures too
        print(json.dumps({'error': {'type': type(exc).__name__, 'message': str(exc)}}))
        return 1

    apps = set(args.apps)
    graph = loader.graph
    # The executor's plan needs only its loader; no connection is touched for forwards plans.
    executor = MigrationExecutor.__new__(MigrationExecutor)
    executor.loader = loader

    def plan_keys(plan):
        return [[m.app_label, m.name] for m, _backwards in plan if m.app_label in apps]

    result = {
        'apps': {
            app: {
                'leaves': [name for _, name in graph.leaf_nodes(app)],
                'roots': [name for _, name in graph.root_nodes(app)],
                'nodes': sorted(name for label, name in graph.nodes if label == app),
            }
            for app in sorted(apps)
        },
        'conflicts': {app: names for app, names in loader.detect_conflicts().items() if app in apps},
        'plan': plan_keys(executor.migration_plan(graph.leaf_nodes(), clean_start=True)),
        'pendingPlan': plan_keys(executor.migration_plan(graph.leaf_nodes())),
        'applied': sorted('%s.%s' % key for key in loader.applied_migrations if key[0] in apps),
    }
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
