// The resolved configuration and project paths, remembered between hook runs so the next
// pre-commit needs neither the configuration loader (zod) nor a walk of the project tree. Valid
// while every input it was resolved from is unchanged: the files' size and mtime, the environment
// variables that choose settings, role and Python, and which virtualenv interpreters exist.
// Node builtins only (src/fs, local-state and python-interpreter are builtins too): the fast path reads it.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Repository } from '../git/repository.js';
import type { ProjectPaths } from '../checks/project-paths.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';
import { localStatePath } from '../config/local-state.js';
import { pythonCandidates } from '../django/python-interpreter.js';

export interface CachedContext {
  config: ResolvedConfig;
  repository: Repository;
  project: ProjectPaths;
}

interface CacheFile {
  version: typeof VERSION;
  cwd: string;
  files: Array<{ file: string; size: number; mtimeMs: number } | { file: string; absent: true }>;
  env: Record<string, string | null>;
  exists: Record<string, boolean>;
  context: CachedContext;
}

// Raised when the configuration gains a key (3: hooks.lockSafetyWarnings and lockSafetyTimeoutSeconds), so a remembered one lacking it is not used.
const VERSION = 3;
// Variables loadConfig reads: python choice, settings module, role.
const ENV_INPUTS = ['MIGRATION_GUARD_PYTHON', 'VIRTUAL_ENV', 'UV_PROJECT_ENVIRONMENT', 'DJANGO_SETTINGS_MODULE', 'MIGRATION_GUARD_ROLE'];

function cacheFile(commonDir: string): string {
  return path.join(commonDir, 'migration-guard', 'context.json');
}

function fileState(file: string): CacheFile['files'][number] {
  try {
    const info = statSync(file);
    return { file, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return { file, absent: true };
  }
}

function sameFileState(recorded: CacheFile['files'][number]): boolean {
  const now = fileState(recorded.file);
  if ('absent' in recorded) return 'absent' in now;
  return !('absent' in now) && now.size === recorded.size && now.mtimeMs === recorded.mtimeMs;
}

/** Remembers a freshly loaded context (best effort: a failure only costs the next run a full load). */
export function writeContextCache(context: CachedContext, cwd: string): void {
  const { config } = context;
  const files = [config.configFile, config.managePy, config.settingsFile, localStatePath(config.repoRoot)]
    .filter((file): file is string => Boolean(file))
    .map(fileState);
  const env = Object.fromEntries(ENV_INPUTS.map((name) => [name, process.env[name] ?? null]));
  // Interpreters whose appearance or disappearance changes choosePython's answer, and the one chosen.
  const pythons = [...pythonCandidates({ repoRoot: config.repoRoot, projectRoot: config.projectRoot, env: process.env }).map((candidate) => candidate.path), config.python.path];
  const exists = Object.fromEntries(pythons.map((file) => [file, existsSync(file)]));
  const entry: CacheFile = { version: VERSION, cwd, files, env, exists, context };
  // Atomic: a hook reading it at the same moment sees the old file or the new one.
  rememberJsonFile(cacheFile(context.repository.commonDir), entry);
}

/** The remembered context when still valid for a run started in `cwd`, else null. */
export function readContextCache(commonDir: string, cwd: string): CachedContext | null {
  const entry = readJsonFile<CacheFile>(cacheFile(commonDir));
  if (entry?.version !== VERSION || entry.cwd !== cwd) return null;
  if (!entry.files.every(sameFileState)) return null;
  for (const [name, value] of Object.entries(entry.env)) if ((process.env[name] ?? null) !== value) return null;
  for (const [file, existed] of Object.entries(entry.exists)) if (existsSync(file) !== existed) return null;
  // A guarded app removed since: its paths would mislead.
  if (!entry.context.config.apps.every((app) => existsSync(path.join(app.migrationsDir, '__init__.py')))) return null;
  return entry.context;
}

/**
 * Whether the context knows every place the staged Python paths could matter: a path inside a
 * package with a migrations/ package that is not a guarded app may be a new app (discovered apps
 * change when one is added), which only a full load can tell.
 */
export function knowsAppsOf(context: CachedContext, files: readonly string[]): boolean {
  if (context.config.raw.apps) return true; // apps listed in the config: nothing to discover
  return files.every((file) => !file.endsWith('.py') || !isInUnknownApp(file, context.project, context.repository.root));
}

/** Whether a staged Python path may matter to Django's verdict: in a known app or the settings, or in an unknown app. */
export function mayAffectVerdict(file: string, project: Pick<ProjectPaths, 'apps' | 'settings'>, root: string): boolean {
  const inside = (dir: string) => dir === '' || file === dir || file.startsWith(`${dir}/`);
  if (project.apps.some((app) => inside(app.dir)) || project.settings.some(inside)) return true;
  return isInUnknownApp(file, project, root);
}

function isInUnknownApp(file: string, project: Pick<ProjectPaths, 'apps'>, root: string): boolean {
  let dir = path.posix.dirname(file);
  while (dir !== '.' && dir !== '/') {
    if (project.apps.some((app) => app.dir === dir)) return false;
    if (existsSync(path.join(root, dir, 'migrations', '__init__.py'))) return true;
    dir = path.posix.dirname(dir);
  }
  return false;
}
