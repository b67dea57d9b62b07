// The status layout (each app's migrations in showmigrations order, the squashes) remembered between
// runs. Building it takes every file's parse and the whole graph; checking it takes a stat per file,
// as the parse cache does. It is keyed by everything the layout is built from: the guarded apps and
// their migration files (name and identity), AUTH_USER_MODEL and migration-guard's version. The
// graph depends on the database only through how its squashes are settled (all, part or none of
// what they replace applied), so a layout serves a database that settles them the same way.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import type { AppliedMigration } from '../db/django-migrations.js';
import type { MigrationFile } from '../django/migration-files.js';
import { fileIdentity, isSettled, SETTLE_MS } from '../django/parsed-migration-cache.js';
import { settleSquashes, type SettledSquashes, type StatusLayout } from '../checks/migration-status.js';
import { packageVersion } from '../package-version.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';

// Bump when the layout's shape or meaning changes.
const VERSION = 1;

interface CacheFile {
  version: number;
  key: string;
  /** How the squashes were settled when the layout was built (settleSquashes' states, joined). */
  squashStates: string;
  layout: StatusLayout;
}

/** A layout and how a database's rows settle its squashes (what computeMigrationStatus needs). */
export interface SettledLayout {
  layout: StatusLayout;
  settled: SettledSquashes;
}

export interface StatusLayoutCache {
  /** The remembered layout, when the files are unchanged and `applied` settles the squashes as before. */
  get(applied: readonly AppliedMigration[]): SettledLayout | undefined;
  /** Remembers a layout and the settlement it was built with; skipped while a file changed too recently to be trusted. Never throws. */
  set(entry: SettledLayout): void;
}

/** Opens the cache in `cacheDir` for the apps of `config`, whose files are `listing` (per app, in config order). */
export function openStatusLayoutCache(
  cacheDir: string,
  config: Pick<ResolvedConfig, 'apps' | 'authUserModel'>,
  listing: readonly (readonly MigrationFile[])[],
  options: { settleMs?: number } = {},
): StatusLayoutCache {
  const file = path.join(cacheDir, 'status-layout.json');
  const key = layoutKey(config, listing);
  const filesSettled = listing.every((files) => files.every((entry) => isSettled(entry.stats, options.settleMs ?? SETTLE_MS)));
  return {
    get(applied) {
      const entry = readJsonFile<CacheFile>(file); // null: none yet, or damaged
      if (entry?.version !== VERSION || entry.key !== key) return undefined;
      const now = settleSquashes(entry.layout, applied);
      return now.states.join(',') === entry.squashStates ? { layout: entry.layout, settled: now } : undefined;
    },
    set({ layout, settled }) {
      if (!filesSettled) return;
      rememberJsonFile(file, { version: VERSION, key, squashStates: settled.states.join(','), layout } satisfies CacheFile);
    },
  };
}

function layoutKey(config: Pick<ResolvedConfig, 'apps' | 'authUserModel'>, listing: readonly (readonly MigrationFile[])[]): string {
  const hash = createHash('sha256').update(`${packageVersion()}\0${config.authUserModel}\0`);
  config.apps.forEach((app, i) => {
    hash.update(`app\0${app.label}\0${app.migrationsDir}\0`);
    for (const entry of listing[i] ?? []) hash.update(`${path.basename(entry.file)}\0${fileIdentity(entry.stats)}\0`);
  });
  return hash.digest('hex');
}
