// Caches the reference schema under .migration-guard/cache/, keyed by everything that shapes it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listMigrationFiles } from '../django/migration-files.js';
import type { MigrationKey } from '../django/migration-types.js';
import type { DatabaseSchema, ServerInfo } from './schema/types.js';

/** Bump when the cached shape or what read-schema records changes. */
const CACHE_FORMAT = 1;
const KEEP_ENTRIES = 5;

/** A reference schema: what `migrate` builds on an empty database, and the migrations it recorded. */
export interface ReferenceSchema {
  schema: DatabaseSchema;
  records: MigrationKey[];
  djangoVersion: string;
  builtAt: string;
}

export interface ReferenceKeyInputs {
  repoRoot: string;
  /** Every guarded app's migrations/ directory. */
  migrationsDirs: string[];
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
  const files = (await Promise.all(inputs.migrationsDirs.map((dir) => listMigrationFiles(dir)))).flat().sort();
  const contents = await Promise.all(files.map((file) => readFile(file)));
  files.forEach((file, i) => {
    hash.update(`\0${path.relative(inputs.repoRoot, file)}\0`);
    hash.update(contents[i]!);
  });
  return hash.digest('hex');
}

/** Where the cache lives: .migration-guard/cache/ under the repository root. */
export function referenceCacheDir(repoRoot: string): string {
  return path.join(repoRoot, '.migration-guard', 'cache');
}

export function referenceCacheFile(repoRoot: string, key: string): string {
  return path.join(referenceCacheDir(repoRoot), `drift-reference-${key.slice(0, 24)}.json`);
}

/** The cached reference for `key`, or null when absent, unreadable or for another key. */
export async function readCachedReference(file: string, key: string): Promise<ReferenceSchema | null> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as { format?: number; key?: string; reference?: ReferenceSchema };
    if (data.format !== CACHE_FORMAT || data.key !== key || !data.reference?.schema) return null;
    return data.reference;
  } catch {
    return null;
  }
}

/** Writes the reference atomically (temp file + rename) and keeps only the newest few entries. */
export async function writeCachedReference(file: string, key: string, reference: ReferenceSchema): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, `${JSON.stringify({ format: CACHE_FORMAT, key, reference })}\n`);
  await rename(temp, file);
  await pruneOldEntries(dir, file);
}

async function pruneOldEntries(dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => /^drift-reference-[0-9a-f]+\.json$/.test(name));
  if (names.length <= KEEP_ENTRIES) return;
  const entries = await Promise.all(names.map(async (name) => ({ file: path.join(dir, name), mtime: (await stat(path.join(dir, name)).catch(() => null))?.mtimeMs ?? 0 })));
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const entry of entries.slice(KEEP_ENTRIES)) {
    if (entry.file !== keep) await rm(entry.file, { force: true });
  }
}
