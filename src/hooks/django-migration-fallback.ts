// The hooks' reader for migration files only Python can read: Django's loader run with the project's
// interpreter and settings, the database pointed at an address where nothing listens.
import path from 'node:path';
import { projectCacheDir } from '../config/local-state.js';
import type { DjangoMigrationReader } from './migrations-in-tree.js';
import type { HookContext } from './hook-context.js';

/** A reader bound to the hook's project (files from git, the rest of the project from the working tree). */
export function djangoMigrationReader(context: HookContext): DjangoMigrationReader {
  const { config } = context;
  return async (app, files) => {
    // Loaded only when a file needs Python: nothing of it is needed otherwise.
    const [{ readMigrationsWithDjango }, { unreachableDatabaseEnv }, { djangoEnv }] = await Promise.all([
      import('../django/django-migration-reader.js'),
      import('./django-verdict-runner.js'),
      import('../django/django-env.js'),
    ]);
    return readMigrationsWithDjango({
      python: config.python.path,
      projectDir: path.dirname(config.managePy),
      env: djangoEnv(config, unreachableDatabaseEnv(config)),
      app,
      files,
      cacheDir: projectCacheDir(config),
    });
  };
}
