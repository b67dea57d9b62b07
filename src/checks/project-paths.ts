// Which repository paths belong to what: guarded apps, their migrations, the settings (pure logic).
import path from 'node:path';
import { isMigrationModuleFileName } from '../django/migration-module-name.js';

/** A guarded app, with paths relative to the repository root (forward slashes, no trailing slash). */
export interface AppPaths {
  label: string;
  dir: string;
  migrationsDir: string;
}

/** The project's layout as repository-relative paths: what the hooks match staged paths against. */
export interface ProjectPaths {
  apps: AppPaths[];
  /** The settings module: a file (settings.py) or a package directory (settings/). */
  settings: string[];
  /** manage.py */
  managePy: string;
  /** Directory of manage.py ('' at the root). */
  projectDir: string;
}

export interface MigrationPath {
  app: string;
  /** Migration name (file name without .py). */
  name: string;
  path: string;
}

function isInside(file: string, dir: string): boolean {
  return dir === '' || file.startsWith(`${dir}/`);
}

/** The guarded app a path belongs to (the innermost one), or null. */
export function appOf(file: string, project: ProjectPaths): AppPaths | null {
  let best: AppPaths | null = null;
  for (const app of project.apps) {
    if (isInside(file, app.dir) && (!best || app.dir.length > best.dir.length)) best = app;
  }
  return best;
}

/** The migration a path is, when it is a migration module directly inside a guarded app's migrations/. */
export function migrationOf(file: string, project: ProjectPaths): MigrationPath | null {
  for (const app of project.apps) {
    if (path.posix.dirname(file) === app.migrationsDir && isMigrationModuleFileName(path.posix.basename(file))) {
      return { app: app.label, name: path.posix.basename(file, '.py'), path: file };
    }
  }
  return null;
}

/** The guarded apps (in configuration order) with a migration module among the changed paths. */
export function appsWithMigrationChanges(changes: readonly { path: string }[], project: ProjectPaths): AppPaths[] {
  const labels = new Set(changes.map((change) => migrationOf(change.path, project)?.app).filter(Boolean));
  return project.apps.filter((app) => labels.has(app.label));
}

/** Repository-relative path of migration `name` of app `app`, as the graph checks name files (`pathOf`). */
export function migrationPathOf(project: ProjectPaths): (app: string, name: string) => string {
  return (app, name) => `${project.apps.find((candidate) => candidate.label === app)?.migrationsDir ?? app}/${name}.py`;
}

/** Whether the path is (part of) the settings module. */
export function isSettingsFile(file: string, project: ProjectPaths): boolean {
  return file.endsWith('.py') && project.settings.some((settings) => file === settings || isInside(file, settings));
}

/** Whether a change to this path can change Django's migration verdict: Python in a guarded app, or the settings. */
export function affectsDjangoVerdict(file: string, project: ProjectPaths): boolean {
  if (!file.endsWith('.py')) return false;
  return appOf(file, project) !== null || isSettingsFile(file, project);
}

/**
 * The migrations/ directory of a deleted path shaped like a migration module (`<app>/migrations/<name>.py`)
 * that no guarded app holds: its app (or its whole migrations/ package) may be gone from the tree.
 */
export function unguardedMigrationsDirOf(file: string, project: ProjectPaths): string | null {
  const dir = path.posix.dirname(file);
  if (path.posix.basename(dir) !== 'migrations' || !isMigrationModuleFileName(path.posix.basename(file))) return null;
  return migrationOf(file, project) ? null : dir;
}

/** The app paths of a migrations/ directory (label: the app directory's name, as Django's default). */
export function appOfMigrationsDir(migrationsDir: string): AppPaths {
  const dir = path.posix.dirname(migrationsDir);
  return { label: path.posix.basename(dir), dir: dir === '.' ? '' : dir, migrationsDir };
}
