// Bounds a cache directory: of the files whose names match, only the newest few stay.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Removes all but the `count` most recently modified files of `dir` matching `pattern`; never `keep`. */
export async function keepNewestFiles(dir: string, pattern: RegExp, count: number, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => pattern.test(name));
  if (names.length <= count) return;
  const entries = await Promise.all(names.map(async (name) => ({ file: path.join(dir, name), mtime: (await stat(path.join(dir, name)).catch(() => null))?.mtimeMs ?? 0 })));
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const entry of entries.slice(count)) {
    if (entry.file !== keep) await rm(entry.file, { force: true });
  }
}
