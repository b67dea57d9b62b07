// Whether a merge is being concluded (MERGE_HEAD), and what the merged-in side has.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Repository } from './repository.js';

/** The commits being merged in (MERGE_HEAD), or [] when no merge is in progress. */
export async function mergeHeads(repository: Repository): Promise<string[]> {
  const text = await readFile(path.join(repository.gitDir, 'MERGE_HEAD'), 'utf8').catch(() => '');
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}
