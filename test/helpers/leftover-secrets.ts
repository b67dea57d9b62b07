// After a kill -9: the files migration-guard's client programs were given that are still on disk, and
// whether any of them holds a secret.
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Every file under the temp directory's migration-guard-* folders that contains `secret`. */
export async function leftoverFilesContaining(secret: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (await readFile(full, 'latin1').catch(() => '')).includes(secret)) found.push(full);
    }
  };
  for (const entry of await readdir(os.tmpdir(), { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith('migration-guard-')) await walk(path.join(os.tmpdir(), entry.name));
  }
  return found;
}

/** How many migration-guard client option files are on disk now (to show the test looked at real leftovers). */
export async function clientOptionFiles(): Promise<string[]> {
  const dirs = (await readdir(os.tmpdir())).filter((name) => name.startsWith('migration-guard-client-'));
  return dirs.map((name) => path.join(os.tmpdir(), name, 'client.cnf'));
}
