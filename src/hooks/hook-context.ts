// What every slow-path hook starts from: the configuration, the repository and the project's paths in it.
import path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/load-config.js';
import { openRepository, type Repository } from '../git/repository.js';
import type { ProjectPaths } from '../checks/project-paths.js';
import { relativePath } from '../fs/relative-path.js';
import { writeContextCache } from './context-cache.js';

export interface HookContext {
  config: ResolvedConfig;
  repository: Repository;
  project: ProjectPaths;
}

/**
 * Loads configuration and repository for a hook or `check` started in `cwd`, and remembers them for
 * the next pre-commit. `opened` is a repository the caller opened already: reused when the
 * configuration sits at its root (otherwise the repository around the configuration is opened).
 */
export async function loadHookContext(cwd: string, configPath?: string, opened?: Repository): Promise<HookContext> {
  const config = await loadConfig({ cwd, configPath });
  const repository = opened?.root === config.repoRoot ? opened : await openRepository(config.repoRoot);
  const context = { config, repository, project: projectPaths(config, repository.root) };
  if (!configPath) writeContextCache(context, cwd);
  return context;
}

/** The configuration's paths relative to the repository root. */
export function projectPaths(config: ResolvedConfig, root: string): ProjectPaths {
  const settings: string[] = [];
  if (config.settingsFile) {
    // A settings package (settings/__init__.py importing .base, .local) counts as a whole.
    const isPackage = path.basename(config.settingsFile) === '__init__.py';
    settings.push(relativePath(root, isPackage ? path.dirname(config.settingsFile) : config.settingsFile));
  }
  return {
    apps: config.apps.map((app) => ({ label: app.label, dir: relativePath(root, app.dir), migrationsDir: relativePath(root, app.migrationsDir) })),
    settings,
    managePy: relativePath(root, config.managePy),
    projectDir: relativePath(root, config.projectRoot),
  };
}
