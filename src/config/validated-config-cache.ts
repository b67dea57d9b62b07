// The configuration as the schema accepted it, remembered in the checkout's cache directory. Loading
// the schema's library (zod) costs ~45 ms, more than the rest of a `status` on a small project, and
// the answer depends only on the data and on the schema itself: the entry holds the exact data and a
// fingerprint of the schema's module files, and anything else is validated afresh.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectCacheDir } from './local-state.js';
import type { RawConfig } from './schema.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';

interface CacheFile {
  schema: string;
  data: string;
  raw: RawConfig;
}

/** Validated configuration for `data` (from `fileLabel`), through the cache under `repoRoot` unless that is null. */
export async function validateConfigData(data: unknown, fileLabel: string, repoRoot: string | null): Promise<RawConfig> {
  if (repoRoot === null) return (await import('./schema.js')).validateConfig(data, fileLabel);
  const file = path.join(projectCacheDir({ repoRoot }), 'config.json');
  const key = { schema: schemaFingerprint(), data: JSON.stringify(data) };
  const cached = readJsonFile<CacheFile>(file);
  if (cached && cached.schema === key.schema && cached.data === key.data) return cached.raw;

  const { validateConfig } = await import('./schema.js');
  const raw = validateConfig(data, fileLabel); // throws on invalid data: nothing is remembered
  rememberJsonFile(file, { ...key, raw } satisfies CacheFile);
  return raw;
}

// Size and mtime of the schema's modules (schema and sections/*), whichever form runs (.js or .ts).
function schemaFingerprint(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const extension = path.extname(fileURLToPath(import.meta.url));
  const sections = path.join(here, 'sections');
  const files = [
    path.join(here, `schema${extension}`),
    path.join(here, `vocabulary${extension}`),
    ...readdirSync(sections).filter((name) => name.endsWith(extension)).sort().map((name) => path.join(sections, name)),
  ];
  return files.map((module) => {
    const stats = statSync(module);
    return `${path.basename(module)}:${stats.size}:${stats.mtimeMs}`;
  }).join(',');
}
