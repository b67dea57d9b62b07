// Remembers the schema the live database's applied migrations build on the scratch server (CREATE TABLE
// statements and django_migrations' rows: no other rows, no secrets), under .migration-guard/cache/, so that
// the lock-safety check loads it instead of replaying every applied migration through Django. Keyed like
// drift's reference: the migration files' content, Django's version, the settings module, the scratch server,
// the database defaults and the applied set. An entry whose checksum or key does not match is never believed.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { projectCacheDir } from '../config/local-state.js';
import { hashMigrationFiles, type MigrationFile } from '../django/migration-files.js';
import { keepNewestFiles } from '../fs/keep-newest-files.js';
import { readJsonFile, writeJsonFileAtomically } from '../fs/json-file.js';
import { packageVersion } from '../package-version.js';
import type { CapturedSchema } from './ddl-replay.js';

/** Bump when the entry's shape or what the replay captures changes. */
const CACHE_FORMAT = 1;
const KEEP_ENTRIES = 5;
const FILE_PATTERN = /^ddl-applied-schema-[0-9a-f]+\.json$/;

/** What the scratch server says of itself: what shapes the tables a CREATE TABLE makes there. */
export interface ScratchServerFacts {
  version: string;
  rowFormat: string;
  lowerCaseTableNames: number;
}

export interface AppliedSchemaKeyInputs {
  /** The Django project's directory: files are keyed by their path from it (the same in a snapshot of the tree). */
  projectRoot: string;
  migrationFiles: readonly (readonly MigrationFile[])[];
  djangoVersion: string;
  settingsModule: string | null;
  server: ScratchServerFacts;
  defaults: { charset: string; collation: string };
  /** The live database's applied migrations as the replay gets them ([app, name], plan order). */
  applied: ReadonlyArray<readonly [string, string]>;
  /** The replay script's text: what it captures and how it replays. */
  replayScript: string;
}

export interface AppliedSchemaEntry {
  schema: CapturedSchema;
  server: ScratchServerFacts;
  djangoVersion: string;
  builtAt: string;
}

/** Why a cached entry was not used, when there was one. */
export type CacheRejection = 'unreadable' | 'checksum' | 'other key' | 'other server';

/** A hash of everything that shapes the applied set's schema. */
export async function appliedSchemaCacheKey(inputs: AppliedSchemaKeyInputs): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      format: CACHE_FORMAT,
      tool: packageVersion(),
      django: inputs.djangoVersion,
      settings: inputs.settingsModule,
      server: inputs.server,
      defaults: inputs.defaults,
      applied: inputs.applied,
    }),
  );
  hash.update(inputs.replayScript);
  await hashMigrationFiles(hash, inputs.migrationFiles, inputs.projectRoot);
  return hash.digest('hex');
}

/** The cache file for `key` in the checkout's cache directory. */
export function appliedSchemaCacheFile(repoRoot: string, key: string): string {
  return path.join(projectCacheDir({ repoRoot }), `ddl-applied-schema-${key.slice(0, 24)}.json`);
}

/**
 * The entry for `key` when it can be trusted: readable, for this key, its checksum over the statements
 * intact, built on a server saying the same of itself. Otherwise null, with the reason when a file was there.
 */
export function readAppliedSchema(file: string, key: string, server: ScratchServerFacts): { entry: AppliedSchemaEntry | null; rejected: CacheRejection | null } {
  const data = readJsonFile<{ format?: number; key?: string; checksum?: string; entry?: AppliedSchemaEntry } | null>(file);
  if (data === null) return { entry: null, rejected: existsSync(file) ? 'unreadable' : null };
  const entry = data.entry;
  if (data.format !== CACHE_FORMAT || !entry?.schema || !Array.isArray(entry.schema.tables) || !Array.isArray(entry.schema.migrations)) return { entry: null, rejected: 'unreadable' };
  if (data.key !== key) return { entry: null, rejected: 'other key' };
  if (data.checksum !== checksumOf(entry.schema)) return { entry: null, rejected: 'checksum' };
  if (JSON.stringify(entry.server) !== JSON.stringify(server)) return { entry: null, rejected: 'other server' };
  return { entry, rejected: null };
}

/**
 * Remembers the entry (temp file + rename) and keeps the newest few. Refuses when any of `secrets` appears
 * in it. Best effort: a write that fails only costs the next run a replay (the answer says which happened).
 */
export async function writeAppliedSchema(file: string, key: string, entry: AppliedSchemaEntry, secrets: readonly string[]): Promise<'written' | 'holds a secret' | 'write failed'> {
  const text = JSON.stringify(entry);
  if (secrets.some((secret) => secret && text.includes(secret))) return 'holds a secret';
  try {
    writeJsonFileAtomically(file, { format: CACHE_FORMAT, key, checksum: checksumOf(entry.schema), entry });
  } catch {
    return 'write failed';
  }
  await keepNewestFiles(path.dirname(file), FILE_PATTERN, KEEP_ENTRIES, file).catch(() => undefined);
  return 'written';
}

/** Removes an entry that could not be trusted or loaded. */
export async function forgetAppliedSchema(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}

function checksumOf(schema: CapturedSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}
