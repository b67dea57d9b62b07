// Resolves what a restore reads and writes from the config, the environment and the command line.
import { ExitCode } from '../exit-codes.js';
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { ConfigError, UserError } from '../errors.js';
import { byteSource } from './source/open-source.js';
import { parseSourceString, toSourceSpec } from './source/source-spec.js';
import type { ByteSource } from './source/types.js';

export interface RestorePlan {
  target: ConnectionSettings;
  database: ByteSource | null;
  media: ByteSource | null;
  /** The developer's media directory (absolute), or null when media is not restored. */
  mediaDir: string | null;
  parallel: number;
  notes: string[];
}

export interface PlanRequest {
  dbSource?: string;
  mediaSource?: string;
  database: boolean;
  media: boolean;
  parallel?: number;
  /** The media directory (the config's "media", else Django's MEDIA_ROOT), when media is restored. */
  mediaDir?: string | null;
}

/** Builds the plan; missing sources or targets are errors naming the setting to add. */
export function resolvePlan(config: ResolvedConfig, env: NodeJS.ProcessEnv, cwd: string, target: ConnectionSettings, request: PlanRequest): RestorePlan {
  const section = config.raw.restore;
  const fileLabel = config.configFile ?? '(defaults)';
  const notes: string[] = [];
  if (!request.database && !request.media) throw new UserError('Nothing to restore: both --no-database and --no-media were given.', { fix: 'Give one of them at most: --no-media restores only the database, --no-database only the media.', exitCode: ExitCode.cannotRun });

  let database: ByteSource | null = null;
  if (request.database) {
    const spec = request.dbSource ? parseSourceString(request.dbSource, cwd, '--db-source') : section.database.source ? toSourceSpec(section.database.source, config.repoRoot, 'restore.database.source') : null;
    if (!spec) {
      throw new ConfigError('restore.database.source', fileLabel, 'is not set and no --db-source was given', '"restore": { "database": { "source": "ssh://deploy@prod.example.com/var/backups/db/latest.sql.gz" } }');
    }
    database = byteSource(spec, env, section.database.production);
  }

  let media: ByteSource | null = null;
  let mediaDir: string | null = null;
  if (request.media) {
    const spec = request.mediaSource ? parseSourceString(request.mediaSource, cwd, '--media-source') : section.media.source ? toSourceSpec(section.media.source, config.repoRoot, 'restore.media.source') : null;
    if (!spec) {
      notes.push('Media: no source configured (restore.media.source), so the media directory is left as it is.');
    } else if (spec.kind === 'ssh-dump') {
      throw new ConfigError('restore.media.source', fileLabel, 'is a live database dump (ssh-dump), not a tarball', '"restore": { "media": { "source": "ssh://deploy@prod.example.com/var/backups/media.tar.gz" } }');
    } else {
      mediaDir = request.mediaDir ?? null;
      if (!mediaDir) throw new ConfigError('media', fileLabel, 'is not set and the Django settings have no MEDIA_ROOT, so there is no media directory to restore into', '"media": { "env": "HCAT_MEDIA" }   (or "media": { "path": "media" }, or MEDIA_ROOT in the settings)');
      media = byteSource(spec, env);
    }
  }
  return { target, database, media, mediaDir, parallel: request.parallel ?? section.database.parallel, notes };
}
