// Caches the reference schema under .migration-guard/cache/, keyed by everything that shapes it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { projectCacheDir } from '../config/local-state.js';
import { hashMigrationFiles, type MigrationFile } from '../django/migration-files.js';
import { keepNewestFiles } from '../fs/keep-newest-files.js';
import type { MigrationKey } from '../django/migration-types.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';
import type { DatabaseSchema, ServerInfo } from './schema/types.js';

/** Bump when the cached shape or what read-schema records changes. */
const CACHE_FORMAT = 1;
const KEEP_ENTRIES = 5;
const FILE_PATTERN = /^drift-reference-[0-9a-f]+\.json$/;

/** A reference schema: what `migrate` builds on an empty database, and the migrations it recorded. */
export interface ReferenceSchema {
  schema: DatabaseSchema;
  records: MigrationKey[];
  djangoVersion: string;
  builtAt: string;
}

export interface ReferenceKeyInputs {
  repoRoot: string;
  /** Every guarded app's migration files (statProjectMigrationFiles). */
  migrationFiles: readonly (readonly MigrationFile[])[];
  djangoVersion: string;
  settingsModule: string | null;
  /** The server the reference is built on: its version shapes information_schema. */
  server: ServerInfo;
  /** The scratch database's defaults (those of the live database). */
  defaults: { charset: string; collation: string };
  /** Setup steps run before migrate. */
  setup: string[][];
}

/** A hash of every migration file's path and content, the Django version, the settings module, the server. */
export async function referenceCacheKey(inputs: ReferenceKeyInputs): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: CACHE_FORMAT, django: inputs.djangoVersion, settings: inputs.settingsModule, server: inputs.server, defaults: inputs.defaults, setup: inputs.setup }));
  await hashMigrationFiles(hash, inputs.migrationFiles, inputs.repoRoot);
  return hash.digest('hex');
}

/** The cache file for `key`, in the checkout's cache directory (.migration-guard/cache/). */
export function referenceCacheFile(repoRoot: string, key: string): string {
  return path.join(projectCacheDir({ repoRoot }), `drift-reference-${key.slice(0, 24)}.json`);
}

/** The cached reference for `key`, or null when absent, unreadable or for another key. */
export function readCachedReference(file: string, key: string): ReferenceSchema | null {
  const data = readJsonFile<{ format?: number; key?: string; reference?: ReferenceSchema } | null>(file);
  if (data?.format !== CACHE_FORMAT || data.key !== key || !data.reference?.schema) return null;
  return data.reference;
}

/**
 * Remembers the reference (atomically, temp file + rename) and keeps only the newest few entries.
 * Best effort, like every cache: a write or prune that fails only costs the next run a rebuild.
 */
export async function writeCachedReference(file: string, key: string, reference: ReferenceSchema): Promise<void> {
  rememberJsonFile(file, { format: CACHE_FORMAT, key, reference });
  await keepNewestFiles(path.dirname(file), FILE_PATTERN, KEEP_ENTRIES, file).catch(() => undefined);
}
