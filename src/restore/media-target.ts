// Whether a configured media directory may be swapped out at all: a restore renames it to
// `<media>.previous` and the next restore deletes that. `/`, a home directory, the project checkout or a
// directory above it, or one holding `.git` or `.ssh` is never "media"; the error names the setting to fix.
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import type { ResolvedConfig } from '../config/load-config.js';
import { UserError } from '../errors.js';

/** Throws a UserError naming the config key when `mediaDir` is a directory a restore must never replace. */
export function refuseDangerousMediaTarget(mediaDir: string, config: ResolvedConfig, env: NodeJS.ProcessEnv): void {
  const reason = dangerReason(mediaDir, config, env);
  if (!reason) return;
  const { media } = config.raw;
  // Where the directory came from: the config's "media", else the settings' MEDIA_ROOT.
  const where = media.env
    ? `"media.env" (the variable ${media.env}, now ${env[media.env]}) in ${config.configFile ?? 'the configuration'}`
    : media.path
      ? `"media.path" in ${config.configFile ?? 'the configuration'}`
      : `MEDIA_ROOT in the Django settings (or "media": { "path": … } in migration-guard.config.json)`;
  throw new UserError(`Refusing to use ${mediaDir} as the media directory: ${reason}. A restore moves the media directory aside and the next one deletes it.`, {
    fix: `Point ${where} at the directory that holds only uploaded media (e.g. ${path.join(config.projectRoot ?? config.repoRoot, 'media')}).`,
    exitCode: ExitCode.cannotRun,
  });
}

function dangerReason(mediaDir: string, config: ResolvedConfig, env: NodeJS.ProcessEnv): string | null {
  const real = realOrSelf(mediaDir);
  if (real === path.parse(real).root) return 'it is the root directory';
  const homes = new Set([os.homedir(), env.HOME, '/root'].filter((home): home is string => Boolean(home)).map(realOrSelf));
  if (homes.has(real) || path.dirname(real) === '/home') return 'it is a home directory';
  for (const checkout of new Set([config.repoRoot, config.projectRoot].filter((dir): dir is string => Boolean(dir)).map(realOrSelf))) {
    if (real === checkout) return 'it is the project checkout';
    if (checkout.startsWith(`${real}${path.sep}`)) return `it contains the project checkout ${checkout}`;
  }
  for (const marker of ['.git', '.ssh']) {
    if (existsSync(path.join(real, marker))) return `it holds ${marker}, so it is not a media directory`;
  }
  return null;
}

// The path with links resolved, as far as it exists (a media directory may not exist yet).
function realOrSelf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    const parent = path.dirname(dir);
    return parent === dir ? dir : path.join(realOrSelf(parent), path.basename(dir));
  }
}
