// Finds a Django project's parts on disk (manage.py, settings module, apps) without booting Django.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** A first-party app whose migrations migration-guard guards. */
export interface GuardedApp {
  /** Django app label (the package's last component unless configured otherwise). */
  label: string;
  /** Absolute path of the app package. */
  dir: string;
  /** Absolute path of its migrations/ package. */
  migrationsDir: string;
}

// Directories that never hold first-party apps: third-party code and tooling.
const SKIPPED_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', '.git', '.hg', '__pycache__', '.tox', '.venv', 'venv', '.migration-guard', 'static', 'media', '.husky']);
const MAX_DEPTH = 5;

/** manage.py in the given directory or one level below it, or null. */
export function findManagePy(root: string): string | null {
  const direct = path.join(root, 'manage.py');
  if (existsSync(direct)) return direct;
  for (const entry of safeReaddir(root)) {
    if (SKIPPED_DIRS.has(entry) || entry.startsWith('.')) continue;
    const candidate = path.join(root, entry, 'manage.py');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The DJANGO_SETTINGS_MODULE that manage.py sets by default, or null. */
export function readSettingsModuleFromManagePy(managePy: string): string | null {
  const source = readFileSync(managePy, 'utf8');
  const match = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(source);
  return match?.[1] ?? null;
}

/** The settings file for a dotted module, relative to the project root, or null when not on disk. */
export function settingsFile(projectRoot: string, settingsModule: string): string | null {
  const base = path.join(projectRoot, ...settingsModule.split('.'));
  for (const candidate of [`${base}.py`, path.join(base, '__init__.py')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** AUTH_USER_MODEL as a settings file assigns it literally, or null. */
export function readAuthUserModel(settingsPath: string): string | null {
  const match = /^AUTH_USER_MODEL\s*=\s*['"](\w+\.\w+)['"]/m.exec(readFileSync(settingsPath, 'utf8'));
  return match?.[1] ?? null;
}

/** Every first-party app under the project root: a package with a migrations/ package, outside virtualenvs. */
export function discoverApps(projectRoot: string): GuardedApp[] {
  const apps: GuardedApp[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const entries = safeReaddir(dir);
    // A virtualenv marks its root with pyvenv.cfg: nothing below it is first-party.
    if (entries.includes('pyvenv.cfg')) return;
    if (entries.includes('migrations') && entries.includes('__init__.py') && existsSync(path.join(dir, 'migrations', '__init__.py'))) {
      apps.push({ label: path.basename(dir), dir, migrationsDir: path.join(dir, 'migrations') });
    }
    for (const entry of entries) {
      if (SKIPPED_DIRS.has(entry) || entry.startsWith('.') || entry === 'migrations') continue;
      const child = path.join(dir, entry);
      if (isDirectory(child)) walk(child, depth + 1);
    }
  };
  walk(projectRoot, 0);
  return apps.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
